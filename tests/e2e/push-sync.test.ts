// List and watch (docs/contract.md section 7.8), end to end: a client connects, lists changed_since once, then keeps
// its copy of the owner's instances from pushes alone while operators import, change, destroy and revive. Once the
// writes stop, its copy is exactly the server's list, with no request after the first catch-up.
import { describe, expect, it } from 'vitest';
import { call } from '../support/http.ts';
import { account, create, newInstance, operator } from '../support/push-accounts.ts';
import { connect, type ChangedItem } from '../support/push.ts';

/** Everything with a time: a client without a copy starts here (DESTROYED instances included). */
const EVERYTHING = '1970-01-01T00:00:00.000Z';

/** The client's rule: per id, the item with the newest updated_at; on a tie, the one it learnt last. */
function keep(copy: Map<number, ChangedItem>, items: Iterable<ChangedItem>): Map<number, ChangedItem> {
  for (const item of items) if (item.updated_at >= (copy.get(item.id)?.updated_at ?? '')) copy.set(item.id, item);
  return copy;
}

const byId = (copy: Map<number, ChangedItem>) => [...copy.values()].sort((a, b) => a.id - b.id);

describe('list and watch', () => {
  it('a client that lists once and then applies pushes ends with exactly the server’s list', async () => {
    const { owner, token } = await account();
    const headers = { Authorization: `Token ${token}` };
    const stored = await create(owner, 60);
    const pick = (n: number) => stored[(n * 7) % stored.length]!.uuid;

    // The operators' writes, under way before the client connects and while it lists.
    let writing = true;
    const writes = (async () => {
      for (let round = 0; round < 6; round += 1) {
        await operator.instances.setStatus(pick(round), '11', `Cyclades VMs out of limit (${round})`);
        await operator.instances.rename(pick(round + 10), `Renamed in round ${round}`);
        await operator.instances.setStatus(pick(round + 20), '6');
        if (round % 2 === 1) await operator.instances.setStatus(pick(round + 19), '2', '', { revive: true });
        await operator.instances.create(Array.from({ length: 20 }, () => newInstance(owner, `Imported in ${round}`)));
        const [fleeting] = await operator.instances.create([newInstance(owner, 'Created and destroyed')]);
        await operator.instances.setStatus(fleeting!.uuid, '6');
      }
      writing = false;
    })();

    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = await connect({ query: { token } });
    // The one request: the catch-up, after connecting (what changes meanwhile comes as pushes too).
    const catchUp = await call(`/api/lambda-instances?changed_since=${EVERYTHING}`, { headers });
    expect(catchUp.status).toBe(200);
    const listed = (catchUp.body as { data: ChangedItem[] }).data;
    const copy = () => keep(keep(new Map(), listed), client.items());
    expect(writing).toBe(true);

    await writes;
    // The server's list once the writes have stopped: the test's oracle, not a request of the client.
    const final = await call(`/api/lambda-instances?changed_since=${EVERYTHING}`, { headers });
    const server = (final.body as { data: ChangedItem[] }).data;
    await client.until(() => JSON.stringify(byId(copy())) === JSON.stringify(server), 20_000);
    expect(byId(copy())).toEqual(server);
    expect(server.length).toBe(60 + 6 * 21);
    expect(server.filter(({ status }) => status.message === 'DESTROYED').length).toBeGreaterThan(6);
    expect(client.violations).toEqual([]);
    await client.close();
  });
});
