// When (docs/contract.md section 7.7), through the real handlers on DynamoDB Local: the details' timeline
// (include=history) and the list of what changed (changed_since), as the operators' writes leave them.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it, vi } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import type { LambdaInstance } from '../../lib/items.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { testApi } from '../support/api.ts';
import { MESSAGE, errorBody } from '../support/contract.ts';
import { invoke } from '../../harness/events.ts';
import { expectedDetails, expectedList, queryValues } from '../support/oracle.ts';

const { list, detail, operator, tables } = await testApi();

/** A fresh owner with a token and these instances (ids from 1), imported now. */
async function ownerWith(...statuses: LambdaInstance['status'][]) {
  const owner = crypto.randomUUID();
  const token = `timeline-token-${owner}`;
  await operator.tokens.put({ digest: digestToken(token), owner, createdAt: 0, revoked: false });
  const created = await operator.instances.create(
    statuses.map((status) => ({
      ...SEED_DETAILS_INSTANCE,
      uuid: crypto.randomUUID(),
      owner,
      status,
      failureMessage: '',
    })),
  );
  const auth = { authorization: `Token ${token}` };
  return {
    owner,
    created,
    details: (id: string, query: Record<string, string | string[]> = {}) =>
      invoke(detail, { headers: auth, id, query }),
    list: (query: Record<string, string | string[]> = {}) => invoke(list, { headers: auth, query }),
  };
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
interface TimelineBody {
  created_at: string;
  updated_at: string;
  status_history: { code: string; message: string; at: string; failure_message?: string }[];
}
const timelineOf = (answer: { json: Record<string, unknown> }) =>
  (answer.json.data as { timeline: TimelineBody }[])[0]!.timeline;
/** The database's time now: every write made after it is stamped at or after it. */
const tick = (): Promise<string> => operator.clock.now();

describe('details: include=history (7.7)', () => {
  it('an imported instance was created and updated at once, its first status the one entry of its history', async () => {
    const { created, details } = await ownerWith('2');
    const { created_at, updated_at, status_history } = timelineOf(
      await details(created[0]!.uuid, { include: 'history' }),
    );
    expect(created_at).toMatch(TIME);
    expect(updated_at).toBe(created_at);
    expect(status_history).toEqual([
      { code: '2', message: 'PENDING', details: 'Lambda instance installation is pending.', at: created_at },
    ]);
  });

  it('each status change is an entry, newest first, with its failure message; filter and include combine', async () => {
    const { owner, created, details } = await ownerWith('2');
    const { uuid } = created[0]!;
    await operator.instances.setStatus(uuid, '10');
    await operator.instances.setStatus(uuid, '13', 'Ansible playbook failed');
    const stored = await operator.instances.all(owner);
    for (const filter of [undefined, 'info', 'status']) {
      const query = { include: 'history', ...(filter && { filter }) };
      const answer = await details(uuid, query);
      expect(answer.json).toEqual(expectedDetails(stored, owner, uuid, queryValues(query)).body);
      const timeline = timelineOf(answer);
      expect(timeline.status_history.map(({ code, message }) => [code, message])).toEqual([
        ['13', 'INIT_FAILED'],
        ['10', 'CLUSTER_CREATED'],
        ['2', 'PENDING'],
      ]);
      expect(timeline.status_history[0]).toMatchObject({ failure_message: 'Ansible playbook failed' });
      expect(timeline.status_history[1]).not.toHaveProperty('failure_message');
      expect(timeline.updated_at).toBe((timeline.status_history[0] as { at: string }).at);
      const plain = await details(uuid, filter ? { filter } : {});
      expect(answer.json.data).toEqual([{ ...(plain.json.data as object[])[0], timeline }]);
    }
  });

  it('a rename or an application change moves updated_at and leaves the history alone', async () => {
    const { created, details } = await ownerWith('0');
    const { uuid } = created[0]!;
    const before = timelineOf(await details(uuid, { include: 'history' }));
    await tick();
    await operator.instances.rename(uuid, 'Renamed');
    const renamed = timelineOf(await details(uuid, { include: 'history' }));
    expect(renamed.updated_at > before.updated_at).toBe(true);
    expect({ ...renamed, updated_at: before.updated_at }).toEqual(before);
    await tick();
    await operator.instances.addApplication(uuid, { name: 'stream.py', type: 'STREAMING' });
    const added = timelineOf(await details(uuid, { include: 'history' }));
    expect(added.updated_at > renamed.updated_at).toBe(true);
    expect(added.status_history).toEqual(before.status_history);
  });

  it('the ETag covers the timeline: with and without history differ, and a change of either is a new tag', async () => {
    const { created, details } = await ownerWith('0');
    const { uuid } = created[0]!;
    const [plain, history] = [await details(uuid), await details(uuid, { include: 'history' })];
    expect(history.headers?.ETag).not.toBe(plain.headers?.ETag);
    await operator.instances.rename(uuid, SEED_DETAILS_INSTANCE.name); // the same name: only updated_at moves
    expect((await details(uuid)).headers?.ETag).toBe(plain.headers?.ETag);
    expect((await details(uuid, { include: 'history' })).headers?.ETag).not.toBe(history.headers?.ETag);
  });

  it('an instance stored before times were kept has nulls and an empty history until its next change', async () => {
    const { owner, details, list: changes } = await ownerWith();
    const legacy = { ...SEED_DETAILS_INSTANCE, uuid: crypto.randomUUID(), id: 990_001, owner };
    const client = localDocumentClient(inject('dynamoDbEndpoint'));
    await client.send(
      new PutCommand({
        TableName: tables.instances,
        Item: {
          uuid: legacy.uuid,
          id: legacy.id,
          owner,
          listed_owner: owner,
          name: legacy.name,
          instance_info: legacy.instanceInfo,
          status: '11',
          failure_message: 'Cyclades VMs out of limit\n',
          applications: [],
        },
      }),
    );
    expect(timelineOf(await details(legacy.uuid, { include: 'history' }))).toEqual({
      created_at: null,
      updated_at: null,
      status_history: [],
    });
    expect((await changes({ changed_since: '1970-01-01T00:00:00Z' })).statusCode).toBe(404);
    await operator.instances.rename(legacy.uuid, 'Touched');
    const renamed = timelineOf(await details(legacy.uuid, { include: 'history' }));
    expect(renamed).toMatchObject({ created_at: null, status_history: [] });
    expect(renamed.updated_at).toMatch(TIME);
    await operator.instances.setStatus(legacy.uuid, '0');
    const started = timelineOf(await details(legacy.uuid, { include: 'history' }));
    expect(started.created_at).toBeNull();
    expect(started.status_history).toEqual([expect.objectContaining({ code: '0', at: started.updated_at })]);
    expect((await changes({ changed_since: '1970-01-01T00:00:00Z' })).json.data).toHaveLength(1);
  });
});

describe('list: changed_since (7.7)', () => {
  it('lists only what changed at or after the time, DESTROYED included, each with its status and updated_at', async () => {
    const { owner, created, list: ask } = await ownerWith('0', '0', '0', '0', '0');
    const since = await tick();
    const [kept, failed, destroyed, renamed] = created;
    await operator.instances.setStatus(failed!.uuid, '11', 'Cyclades VMs out of limit\n');
    await operator.instances.setStatus(destroyed!.uuid, '6');
    await operator.instances.rename(renamed!.uuid, 'Renamed');
    const answer = await ask({ changed_since: since });
    expect(answer.statusCode).toBe(200);
    const data = answer.json.data as { uuid: string; updated_at: string; status: { code: string } }[];
    expect(data.map(({ uuid }) => uuid)).toEqual([failed!.uuid, destroyed!.uuid, renamed!.uuid]);
    expect(data.map(({ status }) => status.code)).toEqual(['11', '6', '0']);
    expect(data.every(({ updated_at }) => updated_at >= since)).toBe(true);
    expect(data.map(({ uuid }) => uuid)).not.toContain(kept!.uuid);
    const stored = await operator.instances.all(owner);
    expect(answer.json).toEqual(expectedList(stored, owner, { changed_since: [since] }).body);
  });

  it('"at or after": instances changed at exactly that millisecond are listed; a millisecond later, none', async () => {
    const { owner, list: ask } = await ownerWith('0', '0');
    const stored = await operator.instances.all(owner);
    // One import, one time for both.
    const [at] = new Set(stored.map(({ updatedAt }) => updatedAt!));
    expect((await ask({ changed_since: at! })).json.data).toHaveLength(2);
    const later = new Date(Date.parse(at!) + 1).toISOString();
    expect((await ask({ changed_since: later })).statusCode).toBe(404);
  });

  it('combines with status (DESTROYED matches the destroyed ones), include and paging, filtered before paging', async () => {
    const { owner, created, list: ask } = await ownerWith('0', '0', '0', '0', '0', '0', '0');
    const since = await tick();
    for (const { uuid } of created.slice(0, 3)) await operator.instances.setStatus(uuid, '6');
    for (const { uuid } of created.slice(3, 5)) await operator.instances.setStatus(uuid, '13', 'Init failed');
    const stored = await operator.instances.all(owner);
    const queries = [
      { changed_since: since, status: 'DESTROYED' },
      { changed_since: since, status: 'failed', include: 'status' },
      { changed_since: since, limit: '2', page: '2' },
      { changed_since: since, status: '6,13', limit: '4', page: '2' },
    ];
    for (const query of queries) {
      const answer = await ask(query);
      expect([answer.statusCode, answer.json]).toEqual(Object.values(expectedList(stored, owner, queryValues(query))));
    }
    expect((await ask(queries[0])).json.data).toHaveLength(3);
    expect((await ask(queries[2])).json.pagination).toEqual({ page: 2, limit: 2, count: 5, pages: 3 });
  });

  it('nothing changed is the list’s 404', async () => {
    const { list: ask } = await ownerWith('0');
    const answer = await ask({ changed_since: await tick() });
    expect([answer.statusCode, answer.json]).toEqual([404, errorBody(404, MESSAGE.noInstances)]);
  });

  it('an offset and digits past the millisecond name the same instant as its UTC form', async () => {
    const { owner, list: ask } = await ownerWith('0');
    const [only] = await operator.instances.all(owner);
    const at = Date.parse(only!.updatedAt!);
    const local = new Date(at + 2 * 3_600_000).toISOString().replace('Z', '000+02:00');
    expect((await ask({ changed_since: local })).statusCode).toBe(200);
    const justAfter = new Date(at).toISOString().replace('Z', '0001Z');
    expect((await ask({ changed_since: justAfter })).statusCode).toBe(404);
  });
});

describe('times on the database’s clock (7.7)', () => {
  /** This machine's real time: DynamoDB Local's clock, which a faked Date does not move. */
  const realNow = () => performance.timeOrigin + performance.now();

  it.each([-10, 10])(
    'a writer whose clock is %i minutes off stamps every write within 2 s of the database’s time',
    async (minutes) => {
      vi.setSystemTime(Date.now() + minutes * 60_000);
      try {
        // A fresh store: its clock has seen no answer yet.
        const writer = createOperatorStore({ client: localDocumentClient(inject('dynamoDbEndpoint')), tables });
        const owner = crypto.randomUUID();
        const before = realNow();
        const [created] = await writer.instances.create([
          { ...SEED_DETAILS_INSTANCE, uuid: crypto.randomUUID(), owner, status: '2', failureMessage: '' },
        ]);
        const changed = await writer.instances.setStatus(created!.uuid, '10');
        const after = realNow();
        for (const at of [created!.updatedAt!, changed.updatedAt!, ...changed.statusHistory.map(({ at }) => at)]) {
          expect(Date.parse(at)).toBeGreaterThanOrEqual(before - 2000);
          expect(Date.parse(at)).toBeLessThanOrEqual(after + 2000);
        }
      } finally {
        vi.useRealTimers();
      }
    },
  );

  it('an import of several transactions gives each its own time, in the order they were written', async () => {
    const owner = crypto.randomUUID();
    const created = await operator.instances.create(
      Array.from({ length: 250 }, () => ({
        ...SEED_DETAILS_INSTANCE,
        uuid: crypto.randomUUID(),
        owner,
        status: '2' as const,
        failureMessage: '',
      })),
    );
    const times = [...new Set(created.map(({ updatedAt }) => updatedAt!))];
    // 99 instances and their owner's index a transaction.
    expect(times).toHaveLength(3);
    expect([...times].sort()).toEqual(times);
    const stored = await operator.instances.all(owner);
    expect(stored.map(({ updatedAt }) => updatedAt)).toEqual(created.map(({ updatedAt }) => updatedAt));
  });
});
