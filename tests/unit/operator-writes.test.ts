// The operators' writes as built, before any I/O: an instance's update and its condition, an owner's index moved
// with it and read back, transactions packed within DynamoDB's limits, and the clock's window on the database's time.
import { describe, expect, it } from 'vitest';
import { countIn, ownerIndexKey, readOwnerIndex } from '../../lib/owner-index.ts';
import { narrowed } from '../../operators/clock.ts';
import { transactions } from '../../operators/imports.ts';
import { instanceUpdate, ownerIndexUpdate, whyRefused } from '../../operators/instance-update.ts';
import { ownerIndexItem, withInstances } from '../../operators/owner-indexes.ts';

const AT = '2026-12-06T10:00:00.000Z';
const OWNER = 'b1f5c3d2-0000-4000-8000-000000000001';

describe('an instance update', () => {
  it('sets the change, the time and the next version, on condition that the instance is as read', () => {
    const { Update } = instanceUpdate('t', 'u', { name: 'n' }, { version: 3, owner: OWNER }, AT);
    expect(Update?.UpdateExpression).toBe(
      'SET #version = if_not_exists(#version, :zero) + :one, #updated_at = :updated_at, #name = :name',
    );
    expect(Update?.ConditionExpression).toBe(
      'attribute_exists(#owner) AND #status <> :destroyed AND #owner = :owner AND #version = :read',
    );
    expect(Update?.ExpressionAttributeValues).toMatchObject({ ':read': 3, ':owner': OWNER, ':updated_at': AT });
  });

  it('moves the list’s keys with the status: set to the owner’s for a listed status, removed by DESTROYED', () => {
    const started = instanceUpdate('t', 'u', { status: '0' }, { version: 0, owner: OWNER }, AT).Update;
    expect(started?.UpdateExpression).toMatch(/#listed_owner = :owner, #listed_status = :listed_status$/);
    expect(started?.ExpressionAttributeValues).toMatchObject({ ':owner': OWNER, ':listed_status': `${OWNER}#0` });
    expect(started?.ConditionExpression).toMatch(/#owner = :owner/);
    expect(
      instanceUpdate('t', 'u', { status: '6' }, { version: 0, owner: OWNER }, AT).Update?.UpdateExpression,
    ).toMatch(/ REMOVE #listed_owner, #listed_status$/);
  });

  it('of an instance no operator changed expects no version; a revival lifts the DESTROYED condition', () => {
    const { Update } = instanceUpdate('t', 'u', {}, { version: 0, owner: OWNER, destroyedToo: true }, AT);
    expect(Update?.ConditionExpression).toBe(
      'attribute_exists(#owner) AND #owner = :owner AND attribute_not_exists(#version)',
    );
  });

  it('is refused with the operator’s reason, or none when only a newer version stood in its way', () => {
    expect(whyRefused('u', {}, {}, undefined)).toBe('No lambda instance u.');
    expect(whyRefused('u', { status: '6' }, {}, { owner: OWNER, status: '6' })).toBe(
      'Lambda instance u is already DESTROYED.',
    );
    expect(whyRefused('u', { name: 'n' }, {}, { owner: OWNER, status: '6' })).toMatch(/--revive`\.$/);
    expect(whyRefused('u', {}, { owner: 'other' }, { owner: OWNER, status: '0' })).toBe(
      `u belongs to ${OWNER}, not other.`,
    );
    expect(whyRefused('u', {}, { owner: OWNER }, { owner: OWNER, status: '0' })).toBeUndefined();
  });
});

describe('an owner’s index', () => {
  it('moves each status count of a block and stamps each block written, never refused', () => {
    const { Update } = ownerIndexUpdate(
      't',
      OWNER,
      [{ id: 1001, from: '0', to: '1' }, { id: 1002, to: '1' }, { id: 2500 }],
      1_000,
    );
    expect(Update?.Key).toEqual({ uuid: ownerIndexKey(OWNER) });
    expect(Update?.UpdateExpression).toBe(
      'SET #t1 = :at, #c1 = if_not_exists(#c1, :at), #t2 = :at, #c2 = if_not_exists(#c2, :at) ' +
        'ADD #n0 :n0, #n1 :n1, #version :one',
    );
    expect(Update?.ExpressionAttributeNames).toMatchObject({ '#n0': 'n1_0', '#n1': 'n1_1', '#t2': 't2' });
    expect(Update?.ExpressionAttributeValues).toMatchObject({ ':n0': -1, ':n1': 2 });
    expect(Update?.ConditionExpression).toBeUndefined();
  });

  it('reads back as blocks in id order, with counts by status', () => {
    const item = { uuid: ownerIndexKey(OWNER), n2_0: 3, n2_6: 1, t2: 20, c2: 10, n0_11: 2, n0_1: 0, t0: 5, c0: 1 };
    const index = readOwnerIndex(item);
    expect(index.map(({ block }) => block)).toEqual([0, 2]);
    expect(Object.fromEntries(index[0]!.counts)).toEqual({ '11': 2 });
    expect(countIn(index[1]!)).toBe(4);
    expect(countIn(index[1]!, (status) => status === '6')).toBe(1);
    expect(readOwnerIndex(undefined)).toEqual([]);
  });

  it('computed from instances gives what the writes would: counts, first and newest write, the earliest without times', () => {
    const index = withInstances(
      [],
      [],
      [
        { id: 10, status: '0', updated_at: '1970-01-01T00:00:00.005Z' },
        { id: 11, status: '0', updated_at: '1970-01-01T00:00:00.009Z' },
        { id: 1200, status: '6' },
      ],
    );
    expect(ownerIndexItem(OWNER, index)).toEqual({
      uuid: ownerIndexKey(OWNER),
      version: 1,
      n0_0: 2,
      t0: 9,
      c0: 5,
      n1_6: 1,
      t1: 0,
      c1: Number.MIN_SAFE_INTEGER,
    });
    const moved = withInstances(
      index,
      [{ id: 10, status: '0' }],
      [{ id: 10, status: '1', updated_at: '1970-01-01T00:00:00.020Z' }],
    );
    expect(ownerIndexItem(OWNER, moved)).toMatchObject({ n0_0: 1, n0_1: 1, t0: 20, c0: 5 });
  });
});

describe('transactions of an import', () => {
  const instance = (owner: string) => ({ owner });
  it('hold at most 100 actions: each instance, and one index update per owner among them', () => {
    const sizes = (all: { owner: string }[]) => transactions(all, () => 1).map((group) => group.length);
    expect(sizes(Array.from({ length: 250 }, () => instance('a')))).toEqual([99, 99, 52]);
    expect(sizes(Array.from({ length: 100 }, (_, n) => instance(`owner ${n}`)))).toEqual([50, 50]);
  });

  it('keep under DynamoDB’s 4 MB a transaction, an instance of any size in one of its own', () => {
    const sizes = transactions(
      Array.from({ length: 5 }, () => instance('a')),
      () => 1_500_000,
    ).map((g) => g.length);
    expect(sizes).toEqual([2, 2, 1]);
    expect(transactions([instance('a')], () => 9_000_000)).toHaveLength(1);
  });
});

describe('the database clock', () => {
  it('knows the offset within the second its Date names, widened by the round trip', () => {
    expect(narrowed(undefined, 10_000, 100, 150)).toEqual({ lowest: 9850, highest: 10_900 });
  });

  it('narrows with each answer, and starts again from an answer that contradicts what it knew', () => {
    const first = narrowed(undefined, 10_000, 100, 150);
    expect(narrowed(first, 11_000, 1050, 1060)).toEqual({ lowest: 9940, highest: 10_900 });
    expect(narrowed(first, 50_000, 2000, 2010)).toEqual({ lowest: 47_990, highest: 49_000 });
  });
});
