// An owner's long list, through the real list handler on DynamoDB Local: its instances over several blocks of ids
// (lib/owner-index.ts), interleaved with another owner's, a gap of a block, several statuses, DESTROYED ones, and
// times that leave blocks unchanged, wholly changed and partly changed since a time. Every page, filtered page and
// changed_since page is the contract's (docs/contract.md sections 5.1, 7.2, 7.7; tests/support/oracle.ts), whichever
// way the store finds it, before and after operators move instances between statuses, and after `instances reindex`
// gave a stage's instances their status key; what each reads is tests/integration/read-costs.test.ts's.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import type { StatusCode } from '../../lib/statuses.ts';
import { invoke } from '../../harness/events.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { testApi } from '../support/api.ts';
import { expectedList, queryValues, type KnownInstance } from '../support/oracle.ts';

const OWNER = 'b16b0000-0000-4000-8000-000000000001';
const NEIGHBOUR = 'b16b0000-0000-4000-8000-000000000002';
const TOKEN = 'long-lists-token-0000000000000000001';
/** Four times before the test: the load's instances were last written at one of them. */
const [T1, T2, T3, T4] = [1, 2, 3, 4].map((day) => `2026-11-0${day}T00:00:00.000Z`) as [string, string, string, string];
/** Statuses by id: DESTROYED among them, two failures, and INIT_FAILED one in 97, in every block (a sparse filter). */
const STATUSES: StatusCode[] = ['0', '1', '11', '6', '0', '2', '9'];
const RARE: StatusCode = '13';

/**
 * The owner's ids: three of every four in blocks 5 to 7 (the fourth is the neighbour's), none in block 8, ten in
 * block 9. When each was last written: block 5 at T1; block 6 at T3 but its first ids at T2 (the block's first write
 * exactly at T2); block 7 at T1 (even ids), T2, T3 and T4 (odd ids) by turns; block 9 at T4. Since T4: a few changes;
 * since T3: more than a thousand, in blocks partly changed that hold more; since T2: more than a thousand, block 6
 * changed wholly, block 7 partly (and fewer than a thousand instances), block 5 not at all.
 */
function load(): KnownInstance[] {
  const instances: KnownInstance[] = [];
  const add = (id: number, owner: string, at: string) => {
    const status = id % 97 === 80 ? RARE : STATUSES[id % STATUSES.length]!;
    instances.push({
      uuid: `b16b0000-0000-4000-8000-${id.toString(16).padStart(12, '0')}`,
      id,
      name: `Instance ${id}`,
      owner,
      instanceInfo: {},
      status,
      failureMessage: status === '11' ? 'build failed' : '',
      applications: [],
      createdAt: T1,
      updatedAt: at,
      statusHistory: [],
    });
  };
  const block7 = (id: number) => (id % 2 === 0 ? T1 : [T2, T3, T4][(id % 6) >> 1]!);
  for (let id = 5000; id < 8000; id++) {
    const at = id < 6000 ? T1 : id < 6010 ? T2 : id < 7000 ? T3 : block7(id);
    add(id, id % 4 === 0 ? NEIGHBOUR : OWNER, at);
  }
  for (let id = 9000; id < 9010; id++) add(id, OWNER, T4);
  return instances;
}
const loaded = load();

const { list, operator, tables } = await testApi();
await operator.tokens.put({ digest: digestToken(TOKEN), owner: OWNER, createdAt: 0, revoked: false });
await operator.instances.put(loaded);

/** The list's answer to the owner against the contract's, given what is stored (the load, unless told). */
async function expectAsContract(
  queries: readonly Record<string, string>[],
  stored: readonly KnownInstance[] = loaded,
): Promise<void> {
  for (const query of queries) {
    const answer = await invoke(list, { headers: { authorization: `Token ${TOKEN}` }, query });
    const expected = expectedList(stored, OWNER, queryValues(query));
    expect({ query, status: answer.statusCode, body: answer.json }).toEqual({
      query,
      status: expected.status,
      body: expected.body,
    });
  }
}

/** How many of the owner's instances match `query` in `instances`. */
const matching = (query: Record<string, string>, instances: readonly KnownInstance[] = loaded): number => {
  const { body } = expectedList(instances, OWNER, queryValues(query));
  return (body as { data?: unknown[] }).data?.length ?? 0;
};

/** Every page of each limit of the owner's matches for `query`, and the first page past the last. */
function everyPage(limits: readonly number[], query: Record<string, string> = {}, instances = loaded) {
  const count = matching(query, instances);
  return limits.flatMap((limit) =>
    Array.from({ length: Math.ceil(count / limit) + 1 }, (_, n) => ({ ...query, limit: `${limit}`, page: `${n + 1}` })),
  );
}

/** Every page at several limits of a frequent status, a sparse one, several together and the failure group. */
const filteredPages = (instances = loaded) => [
  ...everyPage([300, 97], { status: 'STARTED' }, instances),
  ...everyPage([100, 7], { status: 'INIT_FAILED' }, instances),
  ...everyPage([250, 97], { status: 'INIT_FAILED,PENDING,STOPPED' }, instances),
  ...everyPage([500, 97], { status: 'failed', include: 'status' }, instances),
  { status: 'INIT_FAILED,PENDING' },
  { status: 'failed' },
  { status: 'DESTROYED', limit: '10', page: '1' },
];

describe('a long list (5.1)', () => {
  it('every page of several limits is the slice the contract names, and a page past the last is the 404', async () => {
    expect(matching({})).toBeGreaterThan(1900);
    await expectAsContract([{}, ...everyPage([1000, 97])]);
  }, 60_000);

  it('filtered pages (7.2): a frequent status, a failure group, a sparse status across blocks, DESTROYED', async () => {
    expect(new Set(loaded.filter(({ status }) => status === RARE).map(({ id }) => Math.floor(id / 1000)))).toEqual(
      new Set([5, 6, 7, 9]),
    );
    await expectAsContract(filteredPages());
  }, 60_000);
});

describe('changed_since on a long list (7.7)', () => {
  it('a few changes (a thousand at most), some at exactly that time, paged and filtered', async () => {
    expect(matching({ changed_since: T4 })).toBeLessThanOrEqual(1000);
    await expectAsContract([
      { changed_since: T4 },
      ...everyPage([40], { changed_since: T4 }),
      { changed_since: T4, status: 'DESTROYED' },
      { changed_since: '2026-11-04T00:00:00.001Z' },
    ]);
  }, 60_000);

  it('more changes, in blocks partly changed that hold more instances still: read on from the changes', async () => {
    expect(matching({ changed_since: T3 })).toBeGreaterThan(1000);
    await expectAsContract([
      ...everyPage([400], { changed_since: T3 }),
      { changed_since: T3, status: 'failed', limit: '20', page: '6' },
    ]);
  }, 60_000);

  it('many changes: unchanged blocks skipped, wholly changed ones counted, a partly changed one read', async () => {
    expect(matching({ changed_since: T2 })).toBeGreaterThan(1000);
    await expectAsContract([
      { changed_since: T2 },
      ...everyPage([300], { changed_since: T2 }),
      { changed_since: T2, status: 'DESTROYED,INIT_FAILED', limit: '5', page: '3' },
      { changed_since: '2026-11-01T12:00:00Z', status: 'failed', limit: '100', page: '4' },
    ]);
  }, 60_000);

  it('everything changed since before the load: every block counted whole, every page read by id', async () => {
    await expectAsContract([...everyPage([1000], { changed_since: T1 }), { changed_since: '2020-01-01T00:00:00Z' }]);
  }, 60_000);

  it("after operators' changes, the owner's index moves with them: new, changed, destroyed, revived", async () => {
    const block7 = loaded.filter(({ owner, id }) => owner === OWNER && id >= 7000);
    const [started, running, named] = block7.filter(({ status }) => status === '0');
    const destroyed = block7.find(({ status }) => status === '6')!;
    const since = await operator.clock.now(); // the writes' clock: every write below is stamped at or after it
    await operator.instances.setStatus(started!.uuid, '4');
    await operator.instances.setStatus(running!.uuid, '6');
    await operator.instances.setStatus(destroyed.uuid, '1', '', { revive: true });
    await operator.instances.rename(named!.uuid, 'Renamed');
    await operator.instances.create([
      { ...loaded[1]!, uuid: crypto.randomUUID(), name: 'New', createdAt: null, updatedAt: null, statusHistory: [] },
    ]);
    const stored = await operator.instances.all();
    await expectAsContract(
      [
        { changed_since: since },
        { changed_since: T2, limit: '500', page: '2' },
        ...everyPage([1000], {}, stored),
        { status: 'STOPPING,STOPPED', limit: '50', page: '7' },
      ],
      stored,
    );
  }, 60_000);
});

describe('status pages after operators’ changes (7.2, 7.6)', () => {
  it('follow instances moved between statuses, destroyed and revived', async () => {
    const stored = await operator.instances.all(OWNER);
    const some = (status: StatusCode) => stored.filter((instance) => instance.status === status);
    const [rare, started, destroyed, clusterFailed] = [some(RARE), some('0'), some('6'), some('11')];
    for (const { uuid } of [started[0]!, started.at(-1)!, started[400]!])
      await operator.instances.setStatus(uuid, RARE);
    await operator.instances.setStatus(rare[0]!.uuid, '0');
    await operator.instances.setStatus(rare[5]!.uuid, '6');
    await operator.instances.setStatus(destroyed[0]!.uuid, RARE, 'initialisation failed', { revive: true });
    await operator.instances.setStatus(destroyed.at(-1)!.uuid, '2', '', { revive: true });
    await operator.instances.setStatus(clusterFailed[3]!.uuid, '9', 'failed');
    const changed = await operator.instances.all();
    await expectAsContract(filteredPages(changed), changed);
  }, 60_000);

  it('reindex gives the instances of a stage stored before the status index their status key, and takes the keys an older destroy left', async () => {
    const client = localDocumentClient(inject('dynamoDbEndpoint'));
    const before = await operator.instances.all();
    const keyless = before.filter(({ owner, id, status }) => owner === OWNER && status !== '6' && id % 20 === 0);
    for (const { uuid } of keyless) {
      await client.send(
        new UpdateCommand({ TableName: tables.instances, Key: { uuid }, UpdateExpression: 'REMOVE listed_status' }),
      );
    }
    // An admin CLI from before the index destroyed these: it removed listed_owner, and knew nothing of listed_status.
    const staleKeyed = before.filter(({ owner, status }) => owner === OWNER && status === '6').slice(0, 3);
    expect(staleKeyed).toHaveLength(3);
    for (const { uuid } of staleKeyed) {
      await client.send(
        new UpdateCommand({
          TableName: tables.instances,
          Key: { uuid },
          UpdateExpression: 'SET listed_status = :key',
          ExpressionAttributeValues: { ':key': `${OWNER}#0` },
        }),
      );
    }
    expect(await operator.instances.reindex(OWNER)).toEqual({
      owners: 1,
      keyed: keyless.length + staleKeyed.length,
    });
    // Nothing a client sees moved: no version, no time.
    expect(await operator.instances.all()).toEqual(before);
    await expectAsContract(filteredPages(before), before);
    client.destroy();
  }, 60_000);
});
