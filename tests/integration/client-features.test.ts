// What the service's real clients do (docs/contract.md sections 7.1 and 7.2) that depends on the stored data, through
// the real handlers on DynamoDB Local: an operator's change is a new ETag at the next poll, and the status filter
// reads the owner index's statuses. The chain's rules for clients (ETags and 304s, the 400s, paging links, CORS) are
// tests/unit/api.test.ts's, cors.test.ts's and routes/*.test.ts's, on in-memory stores.
import { describe, expect, it } from 'vitest';
import { OWNER_ONE, SAMPLE_INSTANCES, SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';
import { testApi } from '../support/api.ts';
import { MESSAGE, TOKEN_ONE, errorBody } from '../support/contract.ts';
import { invoke } from '../../harness/events.ts';
import { expectedList } from '../support/oracle.ts';

const { list, detail, operator } = await testApi({ sampleData: true });
const auth = { authorization: `Token ${TOKEN_ONE}` };

describe('conditional requests (7.1)', () => {
  it('a change to the instance changes its ETag: the next poll is a 200 with the new body', async () => {
    // Owner one's, for its token; DESTROYED, so that the list the other tests expect stays the sample data's.
    const uuid = crypto.randomUUID();
    const destroyed = { ...SEED_DETAILS_INSTANCE, uuid, id: 900, status: '6' as const };
    await operator.instances.put([destroyed]);
    const before = await invoke(detail, { headers: auth, id: uuid });
    // DESTROYED is final (7.6): an operator who says so (--revive) may still rename it, keeping it DESTROYED.
    const { id: _, ...record } = destroyed;
    await operator.instances.importInstances([{ ...record, name: 'Renamed while polled' }], {
      replace: true,
      revive: true,
    });
    const after = await invoke(detail, {
      headers: { ...auth, 'if-none-match': String(before.headers?.ETag) },
      id: uuid,
    });
    expect(after.statusCode).toBe(200);
    expect(after.headers?.ETag).not.toBe(before.headers?.ETag);
    expect((after.json.data as { info: { name: string } }[])[0]?.info.name).toBe('Renamed while polled');
  });
});

describe('status filter and statuses in the list (7.2)', () => {
  const ids = (answer: Awaited<ReturnType<typeof invoke>>) =>
    (answer.json.data as { id: number }[]).map(({ id }) => id);

  it('filters by code, message in any case, or failed; the status block is the details’ one', async () => {
    const failed = await invoke(list, { headers: auth, query: { status: 'failed', include: 'status' } });
    expect(failed.json).toEqual(
      expectedList(SAMPLE_INSTANCES, OWNER_ONE, { status: ['failed'], include: ['status'] }).body,
    );
    expect(ids(failed)).toEqual([8]);
    expect(ids(await invoke(list, { headers: auth, query: { status: 'cluster_failed,0' } }))).toEqual([
      1, 3, 4, 5, 7, 8,
    ]);
    expect(ids(await invoke(list, { headers: auth, query: { status: '11' } }))).toEqual([8]);
  });

  it('filters before paging: count and pages are those of the matching instances', async () => {
    const answer = await invoke(list, { headers: auth, query: { status: 'STARTED', limit: '2', page: '3' } });
    expect(ids(answer)).toEqual([7]);
    expect(answer.json.pagination).toEqual({ page: 3, limit: 2, count: 5, pages: 3 });
  });

  it('nothing matching is the 404; DESTROYED is valid and never matches', async () => {
    for (const status of ['9', 'DESTROYED']) {
      const answer = await invoke(list, { headers: auth, query: { status } });
      expect([answer.statusCode, answer.json]).toEqual([404, errorBody(404, MESSAGE.noInstances)]);
    }
  });
});
