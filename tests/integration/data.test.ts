import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LambdaInstance } from '../../lib/items.ts';
import { testApi } from '../support/api.ts';

const ALICE = randomUUID();
const BOB = randomUUID();

const instance = (id: number, owner: string, overrides: Partial<LambdaInstance> = {}): LambdaInstance => ({
  uuid: randomUUID(),
  id,
  name: `Instance ${id}`,
  owner,
  instanceInfo: { slaves: id },
  status: '0',
  failureMessage: '',
  applications: [],
  ...overrides,
});

// Written out of id order, with another owner's instances and a destroyed one in between.
const alices = [instance(30, ALICE), instance(2, ALICE), instance(11, ALICE), instance(7, ALICE, { status: '6' })];
const bobs = [instance(5, BOB), instance(40, BOB, { status: '11', failureMessage: 'boom' })];
// The request path's reads (lib/store.ts) of what the operators' module (operators/store.ts) wrote.
const { store, operator } = await testApi();
const { instances } = store;
/** Every listed instance of the owner (the list without limit and page). */
const all = async (owner: string) => (await instances.list(owner, { atMost: 10_000 })).items ?? [];
await operator.instances.put([...alices, ...bobs]);

describe('instances.list', () => {
  it("returns the owner's instances in id order, without DESTROYED ones", async () => {
    const listed = await all(ALICE);
    expect(listed.map(({ id }) => id)).toEqual([2, 11, 30]);
    expect(listed[0]).toEqual({ uuid: alices[1]?.uuid, name: 'Instance 2', id: 2, status: '0', failureMessage: '' });
  });

  it("never returns another owner's instances", async () => {
    expect((await all(BOB)).map(({ id }) => id)).toEqual([5, 40]);
  });

  it('reads each instance’s status and failure message from the index', async () => {
    expect((await all(BOB)).map(({ status, failureMessage }) => [status, failureMessage])).toEqual([
      ['0', ''],
      ['11', 'boom'],
    ]);
  });

  it('an owner without instances gets an empty list', async () => {
    expect(await all(randomUUID())).toEqual([]);
  });

  it('reads every page of a list larger than one DynamoDB response', async () => {
    const owner = randomUUID();
    // ~3,000 index entries of ~600 bytes: more than the 1 MB a single Query returns.
    const many = Array.from({ length: 3000 }, (_, i) => instance(1000 + i, owner, { name: 'n'.repeat(500) }));
    await operator.instances.put(many);
    const listed = await all(owner);
    expect(listed).toHaveLength(3000);
    expect(listed.map(({ id }) => id)).toEqual(many.map(({ id }) => id));
  }, 60_000);
});

describe('instances.get', () => {
  // Whose it is, the details route decides (tests/integration/handlers.test.ts, tenancy.test.ts).
  it('returns the whole instance, with its owner', async () => {
    expect(await instances.get(bobs[1]!.uuid)).toMatchObject(bobs[1]!);
  });

  it('serves the details of a DESTROYED instance', async () => {
    expect((await instances.get(alices[3]!.uuid))?.status).toBe('6');
  });

  it('returns nothing for an unknown uuid', async () => {
    expect(await instances.get(randomUUID())).toBeUndefined();
  });
});

describe('operator: instances.create', () => {
  it('draws ids past every id written with put, and a lower id written later does not lower them', async () => {
    const { id: _, ...fields } = instance(0, ALICE);
    await operator.instances.put([instance(50_000, ALICE)]);
    const [first] = await operator.instances.create([{ ...fields, uuid: randomUUID() }]);
    await operator.instances.put([instance(10, ALICE)]);
    const [second] = await operator.instances.create([{ ...fields, uuid: randomUUID() }]);
    expect([first?.id, second?.id]).toEqual([50_001, 50_002]);
  });
});

describe('tokens', () => {
  it('finds a token record by digest, with its optional fields', async () => {
    const record = { digest: 'a'.repeat(64), owner: ALICE, createdAt: 1, expiresAt: 2, revoked: true, label: 'ci' };
    await operator.tokens.put(record);
    expect(await store.tokens.find(record.digest)).toEqual(record);
  });

  it('finds nothing for an unknown digest', async () => {
    expect(await store.tokens.find('b'.repeat(64))).toBeUndefined();
  });

  it('remembers a verified token over an unrevoked record, never over a revoked one', async () => {
    const record = { digest: 'c'.repeat(64), owner: ALICE, createdAt: 1, expiresAt: 2, revoked: false };
    await store.tokens.remember(record);
    await store.tokens.remember({ ...record, expiresAt: 3 });
    expect(await store.tokens.find(record.digest)).toEqual({ ...record, expiresAt: 3 });
    // An operator revokes it while Astakos is being asked: the revocation stands, for good (no expiry for TTL).
    expect(await operator.tokens.revoke(record.digest)).toMatchObject({ owner: ALICE, revoked: false });
    await expect(store.tokens.remember({ ...record, expiresAt: 4 })).rejects.toThrow(
      expect.objectContaining({ name: 'ConditionalCheckFailedException' }),
    );
    expect(await store.tokens.find(record.digest)).toEqual({
      digest: record.digest,
      owner: ALICE,
      createdAt: 1,
      revoked: true,
    });
  });

  it('revoking a digest never seen stores it revoked, so that Astakos is never asked about it', async () => {
    const digest = 'd'.repeat(64);
    expect(await operator.tokens.revoke(digest)).toBeUndefined();
    expect(await store.tokens.find(digest)).toMatchObject({ digest, revoked: true });
    await expect(store.tokens.remember({ digest, owner: ALICE, createdAt: 1, revoked: false })).rejects.toThrow(
      expect.objectContaining({ name: 'ConditionalCheckFailedException' }),
    );
  });
});
