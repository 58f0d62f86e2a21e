// The push through serverless-offline with real WebSocket clients (docs/contract.md section 7.8): the handshake's
// tokens, changes made through the operators' store reaching their owner's connections and no other, imports in few
// messages, ping, errors, gone and revoked connections. Every message received is checked against asyncapi.yaml.
import { afterEach, describe, expect, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import { E2E_TOKEN_CACHE_SECONDS } from '../support/contract.ts';
import {
  account,
  connectionsWithDigest,
  create,
  eventually,
  operator,
  storeGoneConnection,
  storedConnections,
  type Account,
} from '../support/push-accounts.ts';
import { connect, handshakeStatus, type ChangedItem, type PushClient } from '../support/push.ts';

const FRAME_BYTES = 32 * 1024;
const opened: PushClient[] = [];

/** A connection with the account's token in the query, closed after the test. */
async function open({ token }: Pick<Account, 'token'>): Promise<PushClient> {
  const client = await connect({ query: { token } });
  opened.push(client);
  return client;
}

afterEach(async () => {
  const clients = opened.splice(0);
  for (const client of clients) expect(client.violations).toEqual([]);
  await Promise.all(clients.map((client) => client.close()));
});

/** The newest item the client was told of each instance id. */
const newestById = (items: ChangedItem[]) => {
  const copy = new Map<number, ChangedItem>();
  for (const item of items) if (item.updated_at >= (copy.get(item.id)?.updated_at ?? '')) copy.set(item.id, item);
  return copy;
};

describe('the handshake', () => {
  it('with no token is refused 401', async () => {
    expect(await handshakeStatus({})).toBe(401);
  });

  it('with an unknown token is refused 401 and nothing is stored', async () => {
    const unknown = `no-such-token-${crypto.randomUUID()}`;
    expect(await handshakeStatus({ query: { token: unknown } })).toBe(401);
    expect(await handshakeStatus({ headers: { Authorization: `Token ${unknown}` } })).toBe(401);
    expect(await connectionsWithDigest(digestToken(unknown))).toBe(0);
  });

  it.each([
    ['revoked', { revoked: true }],
    ['expired', { expiresAt: Math.floor(Date.now() / 1000) - 60 }],
  ])('with a %s token is refused 401 and nothing is stored', async (_, state) => {
    const refused = await account(state);
    expect(await handshakeStatus({ query: { token: refused.token } })).toBe(401);
    expect(await handshakeStatus({ headers: { 'X-Api-Key': refused.token } })).toBe(401);
    expect(await storedConnections(refused.owner)).toEqual([]);
    expect(await connectionsWithDigest(refused.digest)).toBe(0);
  });

  it.each([
    ['token= in the query', (token: string) => ({ query: { token } })],
    ['Authorization: Token', (token: string) => ({ headers: { Authorization: `Token ${token}` } })],
    ['Authorization: Bearer', (token: string) => ({ headers: { Authorization: `Bearer ${token}` } })],
    ['Authentication: Token', (token: string) => ({ headers: { Authentication: `Token ${token}` } })],
    ['X-Api-Key', (token: string) => ({ headers: { 'X-Api-Key': token } })],
    ['X-Auth-Token', (token: string) => ({ headers: { 'X-Auth-Token': token } })],
  ])(
    'accepts %s, keeps the connection with its owner and the token’s digest, and forgets it on close',
    async (_, how) => {
      const mine = await account();
      const client = await connect(how(mine.token));
      const [stored, ...more] = await storedConnections(mine.owner);
      expect(more).toEqual([]);
      expect(stored).toMatchObject({ owner: mine.owner, token_digest: mine.digest });
      expect(JSON.stringify(stored)).not.toContain(mine.token);
      // Kept past API Gateway's 2 hours, then DynamoDB's TTL takes it.
      expect(stored!.expires_at - Date.now() / 1000).toBeGreaterThan(2 * 3600);
      await client.close();
      await eventually(async () => (await storedConnections(mine.owner)).length === 0);
    },
  );
});

describe('changes', () => {
  it('a change made through the operators’ store reaches every open connection of its owner, and no other', async () => {
    const owners = await Promise.all([account(), account(), account()]);
    const clients = await Promise.all(
      owners.map(async (owner, index) => Promise.all(Array.from({ length: 2 + index }, () => open(owner)))),
    );
    const instances = await Promise.all(owners.map(({ owner }) => create(owner, 4)));
    // Random changes across the owners (a fixed seed: the same run every time).
    let seed = 7;
    const random = (below: number) => (seed = (seed * 48271) % 2147483647) % below;
    for (let change = 0; change < 24; change += 1) {
      const { uuid } = instances[random(3)]![random(4)]!;
      const kind = random(3);
      if (kind === 0) await operator.instances.setStatus(uuid, String(random(6)) as '0', 'random');
      else if (kind === 1) await operator.instances.rename(uuid, `Random name ${change}`);
      else await operator.instances.setStatus(uuid, '13', `Ansible failed (${change})`);
    }
    for (const [index, { owner }] of owners.entries()) {
      const stored = await operator.instances.all(owner);
      const uuids = new Set(stored.map(({ uuid }) => uuid));
      for (const client of clients[index]!) {
        await client.until(() => {
          const copy = newestById(client.items());
          return stored.every(({ id, updatedAt }) => copy.get(id)?.updated_at === updatedAt);
        });
        // 0 items of another owner's instances, in any message.
        expect(client.items().filter(({ uuid }) => !uuids.has(uuid))).toEqual([]);
        const copy = newestById(client.items());
        for (const instance of stored)
          expect(copy.get(instance.id)).toMatchObject({
            uuid: instance.uuid,
            name: instance.name,
            status: { code: instance.status },
          });
      }
    }
  });

  it('a DESTROYED instance is pushed with its status', async () => {
    const mine = await account();
    const client = await open(mine);
    const [instance] = await create(mine.owner, 1);
    await operator.instances.setStatus(instance!.uuid, '6');
    await client.until(() => client.items().some(({ status }) => status.message === 'DESTROYED'));
    expect(client.items().at(-1)).toMatchObject({
      uuid: instance!.uuid,
      status: { message: 'DESTROYED', code: '6', details: 'Lambda instance has been destroyed.' },
    });
  });

  it('an import of many instances arrives in few messages, each within one 32 KB frame', async () => {
    const mine = await account();
    const client = await open(mine);
    const imported = await create(mine.owner, 400);
    await client.until(() => client.items().length >= imported.length, 30_000);
    expect(new Set(client.items().map(({ id }) => id))).toEqual(new Set(imported.map(({ id }) => id)));
    // The stream hands the push up to 100 records at a time: about one message per 100 instances.
    expect(client.messages.length).toBeLessThanOrEqual(imported.length / 50);
    for (const size of client.sizes) expect(size).toBeLessThanOrEqual(FRAME_BYTES);
  });
});

describe('what a client sends', () => {
  it('a ping is answered pong; anything else the error, and the connection stays open', async () => {
    const client = await open(await account());
    client.send(JSON.stringify({ action: 'ping' }));
    await client.until(() => client.messages.length === 1);
    client.send('hello');
    await client.until(() => client.messages.length === 2);
    client.send(JSON.stringify({ action: 'ping' }));
    await client.until(() => client.messages.length === 3);
    expect(client.messages).toEqual([
      { type: 'pong' },
      { type: 'error', errors: [{ status: 400, detail: 'The only message a client sends is {"action": "ping"}.' }] },
      { type: 'pong' },
    ]);
    expect(client.isOpen()).toBe(true);
  });
});

describe('connections that end', () => {
  it('a connection that went away without a word is forgotten when a change finds it gone; the others are told', async () => {
    const mine = await account();
    const client = await open(mine);
    const gone = await storeGoneConnection(mine);
    const [instance] = await create(mine.owner, 1);
    await client.until(() => client.items().some(({ uuid }) => uuid === instance!.uuid));
    await eventually(
      async () => !(await storedConnections(mine.owner)).some(({ connection_id }) => connection_id === gone),
    );
    expect(await storedConnections(mine.owner)).toHaveLength(1);
  });

  it('a connection whose token is revoked is closed, and receives nothing more, once the token cache’s time has passed', async () => {
    const mine = await account();
    const client = await open(mine);
    const [instance] = await create(mine.owner, 1);
    await client.until(() => client.items().length === 1);
    await operator.tokens.revoke(mine.digest);
    const revokedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, E2E_TOKEN_CACHE_SECONDS * 1000 + 500));
    await operator.instances.setStatus(instance!.uuid, '0');
    expect(await client.closed).toBeGreaterThan(0);
    expect(client.items().length).toBe(1);
    expect(Date.now() - revokedAt).toBeGreaterThan(E2E_TOKEN_CACHE_SECONDS * 1000);
    await eventually(async () => (await storedConnections(mine.owner)).length === 0);
  });

  it('a connection whose token expires is closed at the next change after its expiry', async () => {
    // Time enough to connect on a busy machine before it expires.
    const expiresAt = Math.floor(Date.now() / 1000) + 4;
    const mine = await account({ expiresAt });
    const client = await open(mine);
    const [instance] = await create(mine.owner, 1);
    await client.until(() => client.items().length === 1);
    // A verified token is trusted no later than its own expiry.
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 500));
    await operator.instances.setStatus(instance!.uuid, '0');
    expect(await client.closed).toBeGreaterThan(0);
    expect(client.items().length).toBe(1);
  });
});
