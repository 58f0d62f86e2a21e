// Nothing missed (docs/contract.md section 7.7): a client keeps a copy of an owner's instances by the documented
// recipe, over HTTP through serverless-offline: it reads the list once, then asks for what changed since the time of
// its previous answer (its Date header) less the documented margin, never reading its own clock (which is five
// minutes slow here, as is the in-process operator's); DESTROYED items tell it what to drop. Meanwhile operators write
// as they do: an import of thousands of instances by the admin CLI, a process of its own far from the database, whose
// writes span longer than the margin; status changes, renames, destroys and revivals, from a machine whose clock is
// five minutes slow. When the writes stop, the copy must equal the server's list, item for item: nothing missing,
// nothing stale. With one time per import, or the writer's own clock, it does not.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { stageTables } from '../../infra/serverless-yml.ts';
import { digestToken } from '../../lib/auth.ts';
import type { LambdaInstance, StoredInstance } from '../../lib/items.ts';
import type { StatusCode } from '../../lib/statuses.ts';
import { startDynamoDbProxy } from '../../harness/dynamodb-proxy.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';
import { RefusedChange } from '../../operators/refusals.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { SYNC_MARGIN_MS } from '../support/contract.ts';
import { call, type HttpAnswer } from '../support/http.ts';

/** Instances the owner had before the client's first read, and instances the import adds while it polls. */
const STORED = 300;
const IMPORTED = 1500;
/** The import's operator is far from the database: each of its calls takes this much longer. */
const OPERATOR_LAG_MS = 700;
/** How often the client asks for changes. */
const POLL_EVERY_MS = 1000;
/** How often an operator changes an instance meanwhile. */
const CHANGE_EVERY_MS = 100;
const SKEW_MS = -5 * 60_000;
const PAGE = 1000;

const endpoint = inject('dynamoDbEndpoint');
const client = localDocumentClient(endpoint);
const operator = createOperatorStore({ client, tables: stageTables('e2e') });
// However fast this machine, the import's writes then span longer than the margin.
const farAway = await startDynamoDbProxy(endpoint);
Object.assign(farAway, { mode: 'lagging', lagMs: OPERATOR_LAG_MS });
afterAll(async () => {
  client.destroy();
  await farAway.close();
});

const owner = crypto.randomUUID();
const token = `sync-e2e-token-${owner}`;
await operator.tokens.put({ digest: digestToken(token), owner, createdAt: 0, revoked: false });
const newInstance = (n: number): Omit<LambdaInstance, 'id'> => ({
  ...SEED_DETAILS_INSTANCE,
  uuid: crypto.randomUUID(),
  owner,
  name: `Synced instance ${n}`,
  status: '2',
  failureMessage: '',
});
const yesterday = new Date(Date.now() - 86_400_000).toISOString();
const stored = Array.from({ length: STORED }, (_, n): LambdaInstance => ({ ...newInstance(n), id: 800_000 + n }));
await operator.instances.put(
  stored.map((instance) => ({
    ...instance,
    createdAt: yesterday,
    updatedAt: yesterday,
    statusHistory: [{ code: instance.status, at: yesterday, failureMessage: '' }],
  })),
);
const imported = Array.from({ length: IMPORTED }, (_, n) => newInstance(STORED + n));

interface Item {
  uuid: string;
  name: string;
  id: number;
  status: { code: string; message: string; details: string; failure_message?: string };
  updated_at?: string;
}
const LIST = '/api/lambda-instances';
const headers = { Authorization: `Token ${token}` };

/** A GET as the client makes it; a 503 (a busy machine's DynamoDB Local) is asked again after its Retry-After. */
async function get(path: string): Promise<HttpAnswer> {
  const answer = await call(path, { headers });
  if (answer.status === 503) {
    await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get('retry-after')) * 1000));
    return get(path);
  }
  expect([200, 404], `${path}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
  return answer;
}

/**
 * Every page of a list, with the Date of its first answer: the server's time before anything it shows was read.
 * A 404 is an empty list.
 */
async function pages(query: string): Promise<{ items: Item[]; date: string }> {
  const items: Item[] = [];
  let date: string | undefined;
  for (let page = 1; ; page++) {
    const answer = await get(`${LIST}?${query}&limit=${PAGE}&page=${page}`);
    date ??= answer.headers.get('date')!;
    if (answer.status === 404) break;
    const body = answer.body as { data: Item[]; pagination: { pages: number } };
    items.push(...body.data);
    if (page >= body.pagination.pages) break;
  }
  return { items, date };
}

/** The next changed_since: the server's time of the previous answer less the margin (the client's clock: never). */
const cursorAfter = (date: string): string => new Date(Date.parse(date) - SYNC_MARGIN_MS).toISOString();

/** The instance as the plain list shows it. */
const listed = ({ uuid, name, id, status }: Item): Item => ({ uuid, name, id, status });

/** The operators' changes while the import runs: statuses, renames, destroys and revivals, at random. */
async function changesUntil(done: () => boolean): Promise<{ made: number; refused: number }> {
  const tally = { made: 0, refused: 0 };
  const uuids = [...stored, ...imported].map(({ uuid }) => uuid);
  const destroyed: string[] = [];
  // Half of them among the instances stored before, half among the imported ones (refused until imported).
  const pick = () =>
    Math.random() < 0.5
      ? stored[Math.floor(Math.random() * STORED)]!.uuid
      : uuids[Math.floor(Math.random() * uuids.length)]!;
  const change = async (): Promise<StoredInstance> => {
    const roll = Math.random();
    if (roll < 0.15 && destroyed.length > 0) {
      return operator.instances.setStatus(destroyed.pop()!, '0', undefined, { revive: true });
    }
    const uuid = pick();
    if (roll < 0.35) {
      const gone = await operator.instances.setStatus(uuid, '6');
      destroyed.push(uuid);
      return gone;
    }
    if (roll < 0.55) return operator.instances.rename(uuid, `Renamed ${tally.made}`);
    const status = String(Math.floor(Math.random() * 24)) as StatusCode;
    return operator.instances.setStatus(uuid, status === '6' ? '11' : status, roll < 0.8 ? 'Ansible failed' : '');
  };
  while (!done()) {
    try {
      await change();
      tally.made += 1;
    } catch (error) {
      // Not imported yet, or DESTROYED meanwhile: an operator's refusal, which writes nothing.
      if (!(error instanceof RefusedChange)) throw error;
      tally.refused += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, CHANGE_EVERY_MS));
  }
  return tally;
}

/** Runs the admin CLI as an operator does, a process of its own; resolves to how long it took. */
function adminProcess(...args: string[]): Promise<number> {
  const started = performance.now();
  const admin = fileURLToPath(new URL('../../scripts/admin.ts', import.meta.url));
  return new Promise((resolve, reject) =>
    // Its output is a line per instance: megabytes for an import.
    execFile(
      process.execPath,
      [admin, '--endpoint', farAway.endpoint, '--stage', 'e2e', ...args],
      { maxBuffer: 2 ** 28 },
      (error, _, stderr) =>
        error ? reject(new Error(`admin ${args.join(' ')}: ${stderr}`)) : resolve(performance.now() - started),
    ),
  );
}

describe('a client that keeps a copy of the list by changed_since', () => {
  it(
    'ends with exactly the server’s list while imports, changes and a slow writer clock come and go',
    { timeout: 300_000 },
    async () => {
      // Both this client's clock and the in-process operator's are five minutes slow: neither may matter.
      vi.setSystemTime(Date.now() + SKEW_MS);
      try {
        const first = await pages('include=status');
        const copy = new Map(first.items.map((item) => [item.uuid, listed(item)]));
        expect(copy.size).toBe(STORED);
        let cursor = cursorAfter(first.date);

        const file = join(mkdtempSync(join(tmpdir(), 'sync-')), 'import.json');
        writeFileSync(
          file,
          JSON.stringify(
            imported.map(({ uuid, name, instanceInfo, status }) => ({
              uuid,
              name,
              instance_info: instanceInfo,
              status,
            })),
          ),
        );
        let importing = true;
        const importDone = adminProcess('instances', 'import', file, '--owner', owner).finally(
          () => (importing = false),
        );
        let writing = true;
        const writes = Promise.all([importDone, changesUntil(() => !importing)]).finally(() => (writing = false));

        const seen = { polls: 0, items: 0, marginUsedMs: 0, changes: new Set<string>() };
        const importedUuids = new Set(imported.map(({ uuid }) => uuid));
        /** When the client first saw an imported instance, and when the last one (the Dates of those answers). */
        const importSeen = { first: Infinity, last: 0 };
        let previous = first.date;
        /** One poll: what changed since the cursor, applied; the next cursor from its answer's Date. */
        const poll = async () => {
          const { items, date } = await pages(`changed_since=${encodeURIComponent(cursor)}`);
          for (const item of items) {
            // A change seen for the first time: how far before the previous answer's time it was stamped is how much
            // of the margin it needed (a Date names its second: up to a second more).
            const change = `${item.uuid}@${item.updated_at}`;
            if (!seen.changes.has(change)) {
              seen.changes.add(change);
              const used = Date.parse(previous) + 1000 - Date.parse(item.updated_at!);
              seen.marginUsedMs = Math.max(seen.marginUsedMs, used);
              if (importedUuids.has(item.uuid) && !copy.has(item.uuid)) {
                importSeen.first = Math.min(importSeen.first, Date.parse(date));
                importSeen.last = Math.max(importSeen.last, Date.parse(date));
              }
            }
            if (item.status.code === '6') copy.delete(item.uuid);
            else copy.set(item.uuid, listed(item));
          }
          [seen.polls, seen.items, cursor, previous] = [
            seen.polls + 1,
            seen.items + items.length,
            cursorAfter(date),
            date,
          ];
        };
        while (writing) {
          await poll();
          await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
        }
        const [importMs, changes] = await writes;
        await poll();

        const server = await pages('include=status');
        expect(server.items).toHaveLength(STORED + IMPORTED - (await destroyedCount()));
        const missing = server.items.filter(({ uuid }) => !copy.has(uuid)).length;
        const stale = server.items.filter((item) => JSON.stringify(copy.get(item.uuid)) !== JSON.stringify(item));
        const importSpanMs = importSeen.last - importSeen.first;
        console.info(
          `sync: an import of ${IMPORTED} in ${(importMs / 1000).toFixed(1)} s, its instances appearing over ` +
            `${importSpanMs / 1000} s (margin ${SYNC_MARGIN_MS / 1000} s), ` +
            `${changes.made} changes (${changes.refused} refused), ${seen.polls} polls reading ${seen.items} items; ` +
            `the most of the margin a change needed ${seen.marginUsedMs} ms; the copy: ${missing} missing, ` +
            `${stale.length - missing} stale, ` +
            `${copy.size - server.items.length + missing} extra, of ${server.items.length}`,
        );
        expect([...copy.values()].sort((a, b) => a.id - b.id)).toEqual(server.items);
        // Otherwise one time for the whole import would go unnoticed.
        expect(importSpanMs).toBeGreaterThan(SYNC_MARGIN_MS);
      } finally {
        vi.useRealTimers();
      }
    },
  );
});

/** How many of the owner's instances are DESTROYED now. */
async function destroyedCount(): Promise<number> {
  return (await operator.instances.all(owner)).filter(({ status }) => status === '6').length;
}
