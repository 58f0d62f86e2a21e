// The actions of a stamped write (operators/stamped-writes.ts), built without I/O: an instance created or changed at
// a time, its owner's index moved with it (lib/owner-index.ts), and why DynamoDB refused one. Every change of a
// stored instance is one UpdateItem that says its invariant in its condition: the instance exists, it is not
// DESTROYED (DESTROYED is final: only a revival, asked for explicitly, changes it), its owner is the one expected,
// and it is unchanged since it was read (its `version`, which every operator write increments). The list's sparse
// index keys (lib/items.ts's listedKeys) are set or removed in the same write as the status, and `updated_at` (the
// changes index's key) in every write.
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { listedKeys, toInstanceItem, type InstanceItem, type LambdaInstance, type Timeline } from '../lib/items.ts';
import {
  OWNER_INDEX_VERSION,
  blockOf,
  countAttribute,
  firstAttribute,
  newestAttribute,
  ownerIndexKey,
} from '../lib/owner-index.ts';
import { DESTROYED, type StatusCode } from '../lib/statuses.ts';

/** One action of a transaction. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** What one write changes of an instance: the attributes an operator may change (updated_at: every write's). */
export type InstanceChange = Partial<
  Pick<InstanceItem, 'name' | 'instance_info' | 'status' | 'failure_message' | 'applications' | 'status_history'>
>;

/** What the stored instance must be for the change to be written. */
export interface Expected {
  /** A DESTROYED instance may be changed (a revival, or a replacement that keeps it DESTROYED). */
  destroyedToo?: boolean;
  /** The instance's owner, as read: the list's status key is made of it, which an update cannot read from the item. */
  owner: string;
  /** The version read, for a change computed from that read (0: an item no operator has changed). */
  version: number;
}

/**
 * Why a change is refused over this stored item (undefined: there is none), or undefined when nothing but a newer
 * version stands in its way.
 */
export function whyRefused(
  uuid: string,
  change: InstanceChange,
  expected: Partial<Omit<Expected, 'version'>>,
  item: { owner?: unknown; status?: unknown } | undefined,
): string | undefined {
  if (item?.owner === undefined) return `No lambda instance ${uuid}.`;
  if (item.status === DESTROYED && !expected.destroyedToo) {
    if (change.status === DESTROYED) return `Lambda instance ${uuid} is already DESTROYED.`;
    return (
      `Lambda instance ${uuid} is DESTROYED, which is final: ` +
      (change.status === undefined
        ? `bring it back first with \`set-status ${uuid} <status> --revive\`.`
        : 'give --revive to bring it back.')
    );
  }
  if (expected.owner !== undefined && item.owner !== expected.owner) {
    const owner = typeof item.owner === 'string' ? item.owner : JSON.stringify(item.owner);
    return `${uuid} belongs to ${owner}, not ${expected.owner}.`;
  }
  return undefined;
}

/** The UpdateItem that changes a stored instance at `at`: every change of one goes through here. */
export function instanceUpdate(
  table: string,
  uuid: string,
  change: InstanceChange,
  expected: Expected,
  at: string,
): TransactItem {
  const names: Record<string, string> = { '#owner': 'owner', '#version': 'version', '#updated_at': 'updated_at' };
  const values: Record<string, unknown> = { ':zero': 0, ':one': 1, ':updated_at': at };
  const set = ['#version = if_not_exists(#version, :zero) + :one', '#updated_at = :updated_at'];
  const remove: string[] = [];
  for (const [attribute, value] of Object.entries(change)) {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    set.push(`#${attribute} = :${attribute}`);
  }
  if (change.status !== undefined) {
    const keys = listedKeys(expected.owner, change.status);
    Object.assign(names, { '#listed_owner': 'listed_owner', '#listed_status': 'listed_status' });
    if (keys.listed_status === undefined) remove.push('#listed_owner', '#listed_status');
    else {
      values[':listed_status'] = keys.listed_status;
      set.push('#listed_owner = :owner', '#listed_status = :listed_status');
    }
  }
  // The id counter and the owners' indexes have no owner: no instance write ever changes them.
  const conditions = ['attribute_exists(#owner)'];
  if (!expected.destroyedToo) {
    names['#status'] = 'status';
    values[':destroyed'] = DESTROYED;
    conditions.push('#status <> :destroyed');
  }
  values[':owner'] = expected.owner;
  conditions.push('#owner = :owner');
  if (expected.version === 0) conditions.push('attribute_not_exists(#version)');
  else {
    values[':read'] = expected.version;
    conditions.push('#version = :read');
  }
  return {
    Update: {
      TableName: table,
      Key: { uuid },
      UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    },
  };
}

/** The item as instanceUpdate leaves it: the change, the list's keys with the status, the time and the next version. */
export function updatedItem(item: InstanceItem, change: InstanceChange, at: string): InstanceItem {
  const written = { updated_at: at, version: (item.version ?? 0) + 1 };
  if (change.status === undefined) return { ...item, ...change, ...written };
  const { listed_owner: _owner, listed_status: _status, ...rest } = item;
  return { ...rest, ...change, ...listedKeys(item.owner, change.status), ...written };
}

/** The Put that stores a new instance, with its timeline; refused if its uuid is taken. */
export function instancePut(table: string, instance: LambdaInstance & Timeline): TransactItem {
  return {
    Put: {
      TableName: table,
      Item: toInstanceItem(instance),
      ConditionExpression: 'attribute_not_exists(#uuid)',
      ExpressionAttributeNames: { '#uuid': 'uuid' },
    },
  };
}

/** How one instance moves in its owner's index: its id, the status it leaves and the one it takes (if any). */
export interface IndexMove {
  id: number;
  from?: StatusCode | undefined;
  to?: StatusCode | undefined;
}

/**
 * The UpdateItem that moves an owner's index with a write at `at` (epoch ms): each block written gets `at` as its
 * newest write (and as its first, if it has none), each status move its counts, the item its next version (what a
 * bulk load's rewrite of the whole item is conditional on). It is never refused: a write that was slow to arrive may
 * leave an older time than the block's newest, which readers allow for (lib/owner-index.ts), where a condition would
 * let a nearby writer starve a distant one.
 */
export function ownerIndexUpdate(table: string, owner: string, moves: readonly IndexMove[], at: number): TransactItem {
  const deltas = new Map<string, number>();
  const blocks = new Set<number>();
  for (const { id, from, to } of moves) {
    const block = blockOf(id);
    blocks.add(block);
    if (from === to) continue;
    if (from !== undefined) deltas.set(countAttribute(block, from), (deltas.get(countAttribute(block, from)) ?? 0) - 1);
    if (to !== undefined) deltas.set(countAttribute(block, to), (deltas.get(countAttribute(block, to)) ?? 0) + 1);
  }
  const names: Record<string, string> = { '#version': OWNER_INDEX_VERSION };
  const values: Record<string, unknown> = { ':at': at, ':one': 1 };
  const set: string[] = [];
  for (const block of blocks) {
    const [newest, first] = [`#t${block}`, `#c${block}`];
    names[newest] = newestAttribute(block);
    names[first] = firstAttribute(block);
    set.push(`${newest} = :at`, `${first} = if_not_exists(${first}, :at)`);
  }
  const add = [...deltas].flatMap(([attribute, delta], n) => {
    if (delta === 0) return [];
    names[`#n${n}`] = attribute;
    values[`:n${n}`] = delta;
    return [`#n${n} :n${n}`];
  });
  return {
    Update: {
      TableName: table,
      Key: { uuid: ownerIndexKey(owner) },
      UpdateExpression: `SET ${set.join(', ')} ADD ${[...add, '#version :one'].join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}
