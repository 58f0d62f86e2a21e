// lib/items.ts: the one mapping between the domain's instances and tokens and the tables' items. What DynamoDB does
// with the keys (the sparse indexes) is the integration suite's; here, what each item holds.
import { describe, expect, it } from 'vitest';
import {
  fromInstanceItem,
  fromTokenItem,
  isListed,
  toInstanceItem,
  toTokenItem,
  type StoredInstance,
} from '../../lib/items.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';

const TIMED: StoredInstance = {
  ...SEED_DETAILS_INSTANCE,
  createdAt: '2026-11-30T01:00:00.000Z',
  updatedAt: '2026-11-30T01:01:00.000Z',
  statusHistory: [
    { code: '11', at: '2026-11-30T01:01:00.000Z', failureMessage: 'Cyclades VMs out of limit\n' },
    { code: '2', at: '2026-11-30T01:00:00.000Z', failureMessage: '' },
  ],
};

describe('an instance’s item', () => {
  it('holds every field under its attribute, its times, and its history without empty failure messages', () => {
    expect(toInstanceItem(TIMED)).toEqual({
      uuid: TIMED.uuid,
      id: 8,
      name: 'My first Lambda Instance',
      owner: TIMED.owner,
      listed_owner: TIMED.owner,
      listed_status: `${TIMED.owner}#11`,
      instance_info: TIMED.instanceInfo,
      status: '11',
      failure_message: 'Cyclades VMs out of limit\n',
      applications: TIMED.applications,
      created_at: '2026-11-30T01:00:00.000Z',
      updated_at: '2026-11-30T01:01:00.000Z',
      status_history: [
        { code: '11', at: '2026-11-30T01:01:00.000Z', failure_message: 'Cyclades VMs out of limit\n' },
        { code: '2', at: '2026-11-30T01:00:00.000Z' },
      ],
    });
  });

  it('is read back as the same instance', () => expect(fromInstanceItem(toInstanceItem(TIMED))).toEqual(TIMED));

  it('a DESTROYED instance’s item has no listed_owner or listed_status: the list’s indexes leave it out', () => {
    expect(toInstanceItem({ ...TIMED, status: '6' })).not.toHaveProperty('listed_owner');
    expect(toInstanceItem({ ...TIMED, status: '6' })).not.toHaveProperty('listed_status');
    expect([isListed('6'), isListed('0'), isListed('11')]).toEqual([false, true, true]);
  });

  it('an instance without times (null, or none given) stores none: no time, no history', () => {
    const item = toInstanceItem({ ...SEED_DETAILS_INSTANCE, createdAt: null, updatedAt: null });
    for (const attribute of ['created_at', 'updated_at', 'status_history']) expect(item).not.toHaveProperty(attribute);
  });

  it('an item stored without its optional attributes reads as the contract’s defaults (section 4), with null times', () => {
    const { uuid, id, owner, status } = TIMED;
    expect(fromInstanceItem({ uuid, id, owner, status })).toEqual({
      uuid,
      id,
      name: 'Lambda Instance',
      owner,
      instanceInfo: {},
      status,
      failureMessage: '',
      applications: [],
      createdAt: null,
      updatedAt: null,
      statusHistory: [],
    });
  });
});

describe('a token’s item', () => {
  const record = { digest: 'a'.repeat(64), owner: TIMED.owner, createdAt: 1, revoked: false };

  it('holds its digest, owner, creation, revocation, and its expiry and label when it has them', () => {
    expect(toTokenItem(record)).toStrictEqual({
      digest: record.digest,
      owner: record.owner,
      created_at: 1,
      revoked: false,
    });
    const full = { ...record, expiresAt: 2, revoked: true, label: 'ci' };
    expect(toTokenItem(full)).toStrictEqual({
      digest: record.digest,
      owner: record.owner,
      created_at: 1,
      expires_at: 2,
      revoked: true,
      label: 'ci',
    });
    expect(fromTokenItem(toTokenItem(full))).toStrictEqual(full);
    expect(fromTokenItem(toTokenItem(record))).toStrictEqual(record);
  });

  it('an item without revoked (an operator’s older write) is not revoked', () => {
    expect(fromTokenItem({ digest: record.digest, owner: record.owner, created_at: 1 }).revoked).toBe(false);
  });
});
