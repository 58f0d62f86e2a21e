// Tenancy: 10 owners with 10 instances each (some DESTROYED, one owner's all of them) plus an owner
// without instances; every owner's token against every instance id through the detail handler, and against its own
// list through the list handler, whole and page by page. A foreign read is any 200 for someone else's instance, or
// any answer that carries someone else's uuid, name or info. There must be none, and every own read must work.
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import type { LambdaInstance } from '../../lib/items.ts';
import type { StatusCode } from '../../lib/statuses.ts';
import { testApi } from '../support/api.ts';
import { invoke, type EventOptions } from '../../harness/events.ts';
import { expectedDetails, expectedList, queryValues } from '../support/oracle.ts';

const OWNERS = 10;
const PER_OWNER = 10;
const ALL_DESTROYED = 7; // this owner's instances are all DESTROYED: its list is a 404, its details are served
const CONCURRENCY = 16;

const pad = (n: number) => String(n).padStart(2, '0');
/** User UUIDs; owners 3 and 4 differ only in letter case, which must still be two different owners. */
const ownerId = (o: number): string =>
  o === 4 ? ownerId(3).toUpperCase() : `c0ffee00-0000-4000-8000-0000000000${pad(o)}`;

interface Owner {
  owner: string;
  token: string;
  instances: LambdaInstance[];
}

const STATUSES: StatusCode[] = ['0', '1', '2', '3', '6', '9', '11', '23'];
const owners: Owner[] = Array.from({ length: OWNERS + 1 }, (_, o) => ({
  owner: o === OWNERS ? 'c0ffee00-0000-4000-8000-0000000000ff' : ownerId(o),
  token: `tenancy-token-owner-${pad(o)}-${crypto.randomUUID()}`,
  instances:
    o === OWNERS
      ? [] // the last owner has a token and nothing else
      : Array.from({ length: PER_OWNER }, (_, i): LambdaInstance => {
          const tag = `o${pad(o)}-i${pad(i)}`;
          const status: StatusCode = o === ALL_DESTROYED || i % 5 === 4 ? '6' : STATUSES[(o + i) % STATUSES.length]!;
          return {
            uuid: crypto.randomUUID(),
            id: i * OWNERS + o + 1, // interleaved: every owner's ids sit between other owners' ids
            name: `Instance ${tag}`,
            owner: ownerId(o),
            instanceInfo: { project_name: `project-${tag}`, slaves: i },
            status,
            failureMessage: status === '9' ? `failure-${tag}` : '',
            applications:
              i % 3 === 0
                ? [{ id: crypto.randomUUID(), name: `app-${tag}.jar`, type: 'BATCH', started: i % 2 === 0 }]
                : [],
          };
        }),
}));
const everyInstance = owners.flatMap(({ instances }) => instances);

const createdAt = Math.floor(Date.now() / 1000);
const { list, detail, operator } = await testApi();
await operator.instances.put(everyInstance);
// As stored, with the times the writes gave them: what changed_since and include=history answer from.
const stored = await operator.instances.all();
await operator.tokens.putAll(
  owners.map(({ owner, token }) => ({ digest: digestToken(token), owner, createdAt, revoked: false })),
);

/** The token as a client may present it: each way the contract accepts, in turn. */
function credentials(token: string, turn: number): Record<string, string> {
  switch (turn % 4) {
    case 0:
      return { Authorization: `Token ${token}` };
    case 1:
      return { authorization: `Bearer ${token}` };
    case 2:
      return { Authentication: `Token ${token}` };
    default:
      return { 'X-Api-Key': token };
  }
}

/** What in an answer would betray another owner's instance: its uuid, name, info or application. */
function foreignMarks(owner: string): Map<string, string> {
  const marks = new Map<string, string>();
  for (const instance of everyInstance) {
    if (instance.owner === owner) continue;
    const tag = instance.name.slice('Instance '.length);
    for (const mark of [instance.uuid, tag]) marks.set(mark, instance.uuid);
  }
  return marks;
}

interface Tally {
  checks: number;
  foreignReads: string[];
  wrongAnswers: string[];
}

async function pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

type Answer = Awaited<ReturnType<typeof invoke>>;

/** Counts the check; an answer that carries anything of another owner's instances is one foreign read. */
function inspect(
  tally: Tally,
  owner: string,
  marks: Map<string, string>,
  what: string,
  answer: Answer,
  leaks: string[] = [],
): void {
  tally.checks += 1;
  for (const [mark, uuid] of marks) {
    if (answer.body.includes(mark)) leaks.push(`${uuid}'s ${mark === uuid ? 'uuid' : 'data'}`);
  }
  if (leaks.length > 0) tally.foreignReads.push(`${what}: owner ${owner} got ${[...new Set(leaks)].join(', ')}`);
}

describe(`tenancy: ${OWNERS} owners x ${PER_OWNER} instances, every token against every id and list`, () => {
  it('no owner reads another owner’s instance through the details', { timeout: 120_000 }, async () => {
    const tally: Tally = { checks: 0, foreignReads: [], wrongAnswers: [] };
    const jobs = owners.flatMap((caller, c) =>
      everyInstance.flatMap((instance, n) => {
        const filters: (string | undefined)[] = [undefined, 'info', 'status'];
        const filter = filters[n % 3];
        const query = { ...(filter && { filter }), ...(n % 2 === 0 && { include: 'history' }) };
        const base: EventOptions = {
          headers: credentials(caller.token, c + n),
          id: instance.uuid,
          ...(Object.keys(query).length > 0 && { query }),
        };
        // Every third id also in upper case (ids are matched case-insensitively).
        return n % 3 === 0
          ? [
              { caller, instance, options: base },
              { caller, instance, options: { ...base, id: instance.uuid.toUpperCase() } },
            ]
          : [{ caller, instance, options: base }];
      }),
    );
    const marks = new Map(owners.map(({ owner }) => [owner, foreignMarks(owner)]));
    await pool(jobs, async ({ caller, instance, options }) => {
      const answer = await invoke(detail, options);
      const what = `GET details ${String(options.id)} ${JSON.stringify(options.query ?? {})}`;
      const foreign = instance.owner !== caller.owner;
      const leak = foreign && answer.statusCode === 200 ? [`200 for ${instance.owner}'s instance`] : [];
      inspect(tally, caller.owner, marks.get(caller.owner)!, what, answer, leak);
      // Its own instance in full, anyone else's as the 404 of a missing one.
      const expected = expectedDetails(stored, caller.owner, options.id!, queryValues(options.query));
      if (answer.statusCode !== expected.status || !isDeepStrictEqual(answer.json, expected.body)) {
        tally.wrongAnswers.push(
          `${what}: owner ${caller.owner} got ${answer.statusCode} ${answer.body.slice(0, 200)}, expected ${expected.status}`,
        );
      }
    });
    console.info(
      `tenancy: details: ${tally.checks} checks (${owners.length} tokens x ${everyInstance.length} ids, every third also in upper case), ` +
        `${tally.foreignReads.length} foreign reads, ${tally.wrongAnswers.length} wrong answers`,
    );
    expect(tally.foreignReads.length, tally.foreignReads.slice(0, 20).join('\n')).toBe(0);
    expect(tally.wrongAnswers.length, tally.wrongAnswers.slice(0, 20).join('\n')).toBe(0);
    expect(tally.checks).toBe(jobs.length);
  });

  it(
    'every owner lists exactly its own instances, whole and page by page, and what changed',
    { timeout: 120_000 },
    async () => {
      const tally: Tally = { checks: 0, foreignReads: [], wrongAnswers: [] };
      const LIMITS = [1, 2, 4, 7, 12, 1000];
      // Changes since before the writes (everything, DESTROYED included), since the first of them, and since after.
      const times = stored.map(({ updatedAt }) => updatedAt!).sort();
      const SINCE = ['2000-01-01T00:00:00Z', times[Math.floor(times.length / 2)]!, '2999-01-01T00:00:00Z'];
      const jobs = owners.flatMap((caller, c) => {
        const pages = LIMITS.flatMap((limit) => {
          const count = Math.max(1, Math.ceil(caller.instances.length / limit));
          // Every page there may be, and the one past the end (a 404).
          return Array.from({ length: count + 1 }, (_, p) => ({ limit: String(limit), page: String(p + 1) }));
        });
        const changes = SINCE.flatMap((since) => [
          { changed_since: since },
          { changed_since: since, limit: '4', page: '2' },
          { changed_since: since, status: 'DESTROYED' },
        ]);
        return [undefined, ...pages, ...changes].map((query, p) => ({ caller, c: c + p, query }));
      });
      const marks = new Map(owners.map(({ owner }) => [owner, foreignMarks(owner)]));
      await pool(jobs, async ({ caller, c, query }) => {
        const answer = await invoke(list, { headers: credentials(caller.token, c), ...(query && { query }) });
        const what = `GET list ${JSON.stringify(query ?? {})}`;
        inspect(tally, caller.owner, marks.get(caller.owner)!, what, answer);
        const expected = expectedList(stored, caller.owner, queryValues(query));
        if (answer.statusCode !== expected.status || !isDeepStrictEqual(answer.json, expected.body)) {
          tally.wrongAnswers.push(
            `${what}: owner ${caller.owner} got ${answer.statusCode} ${answer.body.slice(0, 300)}, expected ${JSON.stringify(expected.body).slice(0, 300)}`,
          );
        }
      });
      console.info(
        `tenancy: lists: ${tally.checks} checks (${owners.length} tokens, whole and paged with limits ${LIMITS.join('/')}, changed since ${SINCE.length} times), ${tally.foreignReads.length} foreign reads, ${tally.wrongAnswers.length} wrong answers`,
      );
      expect(tally.foreignReads.length, tally.foreignReads.slice(0, 20).join('\n')).toBe(0);
      expect(tally.wrongAnswers.length, tally.wrongAnswers.slice(0, 20).join('\n')).toBe(0);
      expect(tally.checks).toBe(jobs.length);
    },
  );
});
