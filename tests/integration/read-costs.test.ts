// What each request reads from DynamoDB, counted by a loopback proxy with the read units DynamoDB Local reports
// (harness/dynamodb-proxy.ts): the calls that docs/contract.md sections 2, 5 and 7 need and no more, a list whose
// cost stays flat as other owners' instances fill the table, a page of a long list that costs what it shows and
// what lies before it in its block of ids, not the whole list, and a page of rare statuses that costs what it shows
// and at most one block's matches of each status. A regression here makes the API dearer or slower without making
// an answer wrong; `npm run bench` times the rest.
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ApiHandler } from '../../lib/api.ts';
import { digestToken } from '../../lib/auth.ts';
import type { LambdaInstance } from '../../lib/items.ts';
import type { StatusCode } from '../../lib/statuses.ts';
import { testApi } from '../support/api.ts';
import { startDynamoDbProxy, type CountedCall } from '../../harness/dynamodb-proxy.ts';
import { invoke, type EventOptions } from '../../harness/events.ts';

const OWNER = 'eade0000-0000-4000-8000-000000000001';
const LONG_LIST_OWNER = 'eade0000-0000-4000-8000-000000000002';
/** Each test that needs a token the container has not cached yet has its own. */
const TOKENS = {
  owner: 'read-costs-owner-token-000000000001',
  detailsSideBySide: 'read-costs-details-side-by-side-02',
  detailsFirst: 'read-costs-details-first-000000003',
  listFirst: 'read-costs-list-first-0000000000004',
  longList: 'read-costs-long-list-00000000000005',
};
const OWNED = 20;
/** The long list's blocks of ids (lib/owner-index.ts), each holding BLOCK_LENGTH of its instances, and its page. */
const LONG_LIST_BLOCKS = [101, 102, 103];
const BLOCK_LENGTH = 400;
const LONG_LIST = LONG_LIST_BLOCKS.length * BLOCK_LENGTH;
const PAGE = 20;
/** Two rare statuses of the long list, CLUSTER_FAILED and FAILED: each this many times in every block, among STARTED. */
const RARE_PER_BLOCK = 4;
const rareStatusOf = (n: number): StatusCode => (n % 100 === 37 ? '11' : n % 100 === 71 ? '9' : '0');
/** When the long list's instances were last written: its second block at T2, the others at T1 and T3 by turns. */
const [T1, T2, T3] = ['2026-11-01T00:00:00.000Z', '2026-11-02T00:00:00.000Z', '2026-11-03T00:00:00.000Z'];

const instanceWithId = (id: number, owner: string, status: StatusCode = '0'): LambdaInstance => ({
  uuid: `eade0000-0000-4000-8000-${id.toString(16).padStart(12, '0')}`,
  id,
  name: `Instance ${id}`,
  owner,
  instanceInfo: { master_name: `lambda-master-${id}`, slaves: 2 },
  status,
  failureMessage: status === '11' ? 'cluster build failed' : '',
  applications: [],
});
let serial = 0;
const instance = (owner: string, status: StatusCode = '0'): LambdaInstance => instanceWithId(++serial, owner, status);
const longList = LONG_LIST_BLOCKS.flatMap((block) =>
  Array.from({ length: BLOCK_LENGTH }, (_, n) => {
    const at = block === LONG_LIST_BLOCKS[1] ? T2 : n % 2 === 0 ? T1 : T3;
    const instance = instanceWithId(block * 1000 + n, LONG_LIST_OWNER, rareStatusOf(n));
    return { ...instance, createdAt: T1, updatedAt: at, statusHistory: [] };
  }),
);
/** Other owners' instances, 20 each, one in ten DESTROYED (kept in the table, out of the owner index). */
const others = (count: number): LambdaInstance[] =>
  Array.from({ length: count }, (_, n) =>
    instance(
      `eade0000-0000-4000-8000-1${Math.floor(serial / 20)
        .toString(16)
        .padStart(11, '0')}`,
      n % 10 === 9 ? '6' : '1',
    ),
  );

const proxy = await startDynamoDbProxy(inject('dynamoDbEndpoint'));
const { list, detail, operator, tables } = await testApi({ dynamoDbEndpoint: proxy.endpoint });
const owned = Array.from({ length: OWNED }, () => instance(OWNER, '11'));
await operator.instances.put([...owned, ...longList, ...others(10)]);
await operator.tokens.putAll(
  Object.entries(TOKENS).map(([name, token]) => ({
    digest: digestToken(token),
    owner: name === 'longList' ? LONG_LIST_OWNER : OWNER,
    createdAt: 0,
    revoked: false,
  })),
);
afterAll(() => proxy.close());

const DETAIL_UUID = owned[0]!.uuid;
const named = (target: string): string =>
  target.replace(tables.instances, 'instances').replace(tables.tokens, 'tokens');

/** One request's DynamoDB calls ("GetItem tokens", "Query instances/listed-by-owner"), and their read units. */
async function reads(handler: ApiHandler, options: EventOptions, status = 200) {
  proxy.take();
  const response = await invoke(handler, options);
  expect(response.statusCode).toBe(status);
  const calls = proxy.take();
  return {
    calls: calls.map(({ operation, target }) => `${operation} ${named(target)}`).sort(),
    readUnits: calls.reduce((sum, call) => sum + call.readUnits, 0),
    items: calls.reduce((sum, call) => sum + call.items, 0),
    response,
  };
}

const as = (token: string, options: EventOptions = {}): EventOptions => ({
  ...options,
  headers: { authorization: `Token ${token}`, ...options.headers },
});
const INDEX_QUERY = 'Query instances/listed-by-owner';
/** The owner's index item: its counts by block of ids and status (lib/owner-index.ts). */
const OWNER_INDEX = 'GetItem instances';

// The tokens that the comparisons present are cached, as a polling client's are.
for (const token of [TOKENS.owner, TOKENS.longList]) await invoke(list, as(token));
/** Whether the second call was sent before the first was answered. */
const sideBySide = ([first, second]: CountedCall[]): boolean => second!.receivedMs < first!.answeredMs;

describe('the details', () => {
  it('read a token not yet cached beside the one instance read; once cached, the instance alone', async () => {
    // Half a unit for the token (eventually consistent), one for the instance (strongly consistent, under 4 KB).
    expect(await reads(detail, as(TOKENS.detailsFirst, { id: DETAIL_UUID }))).toMatchObject({
      calls: ['GetItem instances', 'GetItem tokens'],
      readUnits: 1.5,
    });
    expect(await reads(detail, as(TOKENS.detailsFirst, { id: DETAIL_UUID }))).toMatchObject({
      calls: ['GetItem instances'],
      readUnits: 1,
    });
  });

  it('send the instance read before the token lookup is answered: one round trip, not two', async () => {
    Object.assign(proxy, { mode: 'lagging', lagMs: 200 });
    const response = await invoke(detail, as(TOKENS.detailsSideBySide, { id: DETAIL_UUID })).finally(
      () => (proxy.mode = 'pass'),
    );
    expect(response.statusCode).toBe(200);
    expect(sideBySide(proxy.take())).toBe(true);
  });

  it('with a token that is not stored: its lookup and the instance read already under way, nothing more', async () => {
    expect(await reads(detail, as('read-costs-unknown-token-0001', { id: DETAIL_UUID }), 401)).toMatchObject({
      calls: ['GetItem instances', 'GetItem tokens'],
    });
    expect(await reads(detail, { id: DETAIL_UUID }, 401)).toMatchObject({ calls: [] });
  });
});

describe('the list', () => {
  it("reads a token not yet cached, then one Query of the owner's listed instances; once cached, the Query alone", async () => {
    expect(await reads(list, as(TOKENS.listFirst))).toMatchObject({
      calls: ['GetItem tokens', INDEX_QUERY],
      readUnits: 1,
    });
    expect(await reads(list, as(TOKENS.listFirst))).toMatchObject({
      calls: [INDEX_QUERY],
      readUnits: 0.5,
      items: OWNED,
    });
  });

  it('with a token that is not stored: its lookup only, no Query', async () => {
    expect(await reads(list, as('read-costs-unknown-token-0002'), 401)).toMatchObject({ calls: ['GetItem tokens'] });
  });

  it.each([
    ['include=status', { include: 'status' }, 200],
    ['status=failed&include=status', { status: 'failed', include: 'status' }, 200],
    ['status=PENDING', { status: 'PENDING' }, 404],
  ] as const)('?%s reads what the plain list reads: the statuses come from the index', async (_, query, status) => {
    const plain = await reads(list, as(TOKENS.owner));
    const filtered = await reads(list, as(TOKENS.owner, { query }), status);
    expect(filtered).toMatchObject({ calls: [INDEX_QUERY], readUnits: plain.readUnits });
  });

  it("reads as much with a thousand other owners' instances in the table as with ten", async () => {
    const before = await reads(list, as(TOKENS.owner));
    await operator.instances.put(others(1000));
    const after = await reads(list, as(TOKENS.owner));
    expect(after).toMatchObject({ calls: [INDEX_QUERY], readUnits: before.readUnits, items: OWNED });
  }, 60_000);

  it("a page reads the owner's index item, then the page", async () => {
    const paged = await reads(list, as(TOKENS.owner, { query: { limit: '5', page: '2' } }));
    expect(paged).toMatchObject({ calls: [OWNER_INDEX, INDEX_QUERY], items: 1 + 10 });
  });

  const page = (number: number, status = 200) =>
    reads(list, as(TOKENS.longList, { query: { limit: `${PAGE}`, page: `${number}` } }), status);

  it('reads for page 1 of a long list the page alone, a small part of what the whole list reads', async () => {
    const first = await page(1);
    // More than one Query holds: the first, the owner's counts (the list is short enough to send), then the rest.
    const whole = await reads(list, as(TOKENS.longList));
    expect(first).toMatchObject({ calls: [OWNER_INDEX, INDEX_QUERY], items: 1 + PAGE });
    expect(whole).toMatchObject({ calls: [OWNER_INDEX, INDEX_QUERY, INDEX_QUERY], items: 1 + LONG_LIST });
    expect(first.readUnits).toBeLessThanOrEqual(whole.readUnits / 10);
    console.info(
      `read costs: page 1 of ${LONG_LIST}: ${first.readUnits} read units, ${first.items} items; ` +
        `the whole list: ${whole.readUnits} read units, ${whole.items} items`,
    );
  });

  it("reads for page N at most its block's instances before the page, and the page", async () => {
    const pagesPerBlock = BLOCK_LENGTH / PAGE;
    for (const number of [2, pagesPerBlock, pagesPerBlock + 1, 2 * pagesPerBlock - 3, LONG_LIST / PAGE]) {
      const before = ((number - 1) % pagesPerBlock) * PAGE;
      expect(await page(number)).toMatchObject({ calls: [OWNER_INDEX, INDEX_QUERY], items: 1 + before + PAGE });
    }
  });

  it("reads for a rare status's page its partition from the page's block: the page, at most that block's matches", async () => {
    const STATUS_QUERY = 'Query instances/listed-by-status';
    const plain = await page(1);
    const figures: string[] = [];
    // CLUSTER_FAILED: 12 matches; failed: CLUSTER_FAILED and FAILED, 24 (the other failure codes have none).
    for (const [status, limit, number, statuses] of [
      ['CLUSTER_FAILED', 5, 1, 1],
      ['CLUSTER_FAILED', 3, 3, 1],
      ['failed', 5, 2, 2],
      ['failed', 4, 6, 2],
    ] as const) {
      const query = { status, limit: `${limit}`, page: `${number}` };
      const rare = await reads(list, as(TOKENS.longList, { query }));
      expect(rare.calls).toEqual([OWNER_INDEX, ...Array<string>(statuses).fill(STATUS_QUERY)]);
      expect(rare.items - 1).toBeLessThanOrEqual(statuses * (limit + RARE_PER_BLOCK));
      // Each status's Query costs what a plain page costs, not the blocks its matches lie in (~7 read units each).
      expect(rare.readUnits).toBeLessThanOrEqual(statuses * plain.readUnits);
      figures.push(`?${new URLSearchParams(query).toString()} ${rare.readUnits} read units, ${rare.items} items`);
    }
    console.info(
      `read costs: ${figures.join('; ')}; plain page 1: ${plain.readUnits} read units, ${plain.items} items`,
    );
  });

  it("reads for a page past the last the owner's index item alone", async () => {
    expect(await page(LONG_LIST / PAGE + 1, 404)).toMatchObject({ calls: [OWNER_INDEX], items: 1 });
    expect(await page(10 ** 9, 404)).toMatchObject({ calls: [OWNER_INDEX], items: 1 });
  });
});

describe('a list of what changed (changed_since) and the details with their history (7.7)', () => {
  const CHANGES_QUERY = 'Query instances/changed-by-owner';

  it("reads only what changed: one Query of the owner's range since then, flat as unchanged instances pile up", async () => {
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const stored = await operator.instances.all(LONG_LIST_OWNER);
    for (const [n, { uuid }] of stored.slice(0, 5).entries()) await operator.instances.setStatus(uuid, '13', `${n}`);
    const changes = () => reads(list, as(TOKENS.longList, { query: { changed_since: since } }));
    const changed = await changes();
    expect(changed).toMatchObject({ calls: [CHANGES_QUERY], readUnits: 0.5, items: 5 });
    const whole = await reads(list, as(TOKENS.longList, { query: { include: 'status' } }));
    expect(whole.readUnits).toBeGreaterThan(20 * changed.readUnits);
    console.info(
      `read costs: changed_since with 5 of ${LONG_LIST} changed: ${changed.readUnits} read units, ${changed.items} ` +
        `items; the whole list: ${whole.readUnits} read units, ${whole.items} items`,
    );
    // A thousand more of the owner's instances, stored before `since`: the changes cost what they cost.
    const older = new Date(Date.parse(since) - 60_000).toISOString();
    await operator.instances.put(
      Array.from({ length: 1000 }, () => ({ ...instance(LONG_LIST_OWNER), createdAt: older, updatedAt: older })),
    );
    expect(await changes()).toMatchObject({ calls: [CHANGES_QUERY], readUnits: changed.readUnits, items: 5 });
  }, 60_000);

  it("more than 1,000 changes: 1,001 of them, the owner's index, a count of each block partly changed, the page", async () => {
    const OWNED_QUERY = 'Query instances/owned-by-owner';
    // The index's block times are read with the sync margin's slack (10 s): since 10 s before T2, the long list's
    // second block wholly (its first write at T2), the first and third partly (T1, then the five changes above and
    // T3), and the thousand older ones stored since then.
    const beforeT2 = new Date(Date.parse(T2) - 10_000).toISOString();
    const many = await reads(
      list,
      as(TOKENS.longList, { query: { changed_since: beforeT2, limit: `${PAGE}`, page: '2' } }),
    );
    expect(many.calls).toEqual([OWNER_INDEX, CHANGES_QUERY, ...Array<string>(3).fill(OWNED_QUERY)]);
    // Since before any of them: every block changed whole, nothing counted; a page past the last reads no page.
    const pastTheLast = { changed_since: new Date(Date.parse(T1) - 10_000).toISOString(), limit: '1000', page: '4' };
    expect(await reads(list, as(TOKENS.longList, { query: pastTheLast }), 404)).toMatchObject({
      calls: [OWNER_INDEX, CHANGES_QUERY],
    });
  }, 60_000);

  it('nothing changed: the one Query, nothing read, the 404', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await reads(list, as(TOKENS.longList, { query: { changed_since: future } }), 404)).toMatchObject({
      calls: [CHANGES_QUERY],
      items: 0,
    });
  });

  it('a bad changed_since reads nothing but the token', async () => {
    expect(
      await reads(list, as(TOKENS.longList, { query: { changed_since: '2026-02-30T00:00:00Z' } }), 400),
    ).toMatchObject({
      calls: [],
    });
  });

  it('the details with include=history read what the details read: the history is in the item', async () => {
    const plain = await reads(detail, as(TOKENS.owner, { id: DETAIL_UUID }));
    const history = await reads(detail, as(TOKENS.owner, { id: DETAIL_UUID, query: { include: 'history' } }));
    expect(history).toMatchObject({ calls: plain.calls, readUnits: plain.readUnits });
  });
});

describe('a poll with the current ETag', () => {
  it.each([
    ['details', detail, { id: DETAIL_UUID }],
    ['list', list, {}],
  ] as const)('of the %s reads what its 200 reads, and sends no body', async (_, handler, options) => {
    const ok = await reads(handler, as(TOKENS.owner, options));
    const poll = await reads(
      handler,
      as(TOKENS.owner, { ...options, headers: { 'if-none-match': String(ok.response.headers?.ETag) } }),
      304,
    );
    expect(poll).toMatchObject({ calls: ok.calls, readUnits: ok.readUnits });
    expect(poll.response.body).toBe('');
  });
});
