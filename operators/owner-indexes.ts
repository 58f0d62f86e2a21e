// The owners' indexes (lib/owner-index.ts) computed from instances rather than moved by a write: after a bulk load
// (`put`: fixtures, sample data, the bench), and rebuilt whole by `instances reindex` (a stage whose instances were
// stored before the indexes existed, or an index to repair), which also gives each listed instance the status key of
// listed-by-status where it lacks it. Neither is a transaction over the owner's instances: run them while nothing
// else writes that owner's instances.
import { GetCommand, PutCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import { listedKeys, type InstanceItem } from '../lib/items.ts';
import {
  OWNER_INDEX_VERSION,
  blockOf,
  countAttribute,
  firstAttribute,
  newestAttribute,
  ownerIndexKey,
  readOwnerIndex,
  type OwnerIndex,
} from '../lib/owner-index.ts';
import type { StatusCode } from '../lib/statuses.ts';
import { MAX_ATTEMPTS, backOff, chunks } from './batch.ts';
import { refusal, type Item } from './refusals.ts';
import type { StoreParts } from './store.ts';

/** What an owner's index counts of an instance. */
type Counted = Pick<InstanceItem, 'id' | 'status' | 'updated_at'>;

/** A block's first write when it holds an instance stored before times were kept: earlier than any time asked. */
const UNTIMED = Number.MIN_SAFE_INTEGER;
/** Instances given their status key at a time. */
const KEYED_AT_ONCE = 25;

/**
 * The index with these instances taken out and those put in. A block's first write goes back to the earliest time
 * put in; an instance without a time (stored before times were kept) makes it UNTIMED, so that no time finds the
 * block wholly changed.
 */
export function withInstances(index: OwnerIndex, removed: readonly Counted[], added: readonly Counted[]): OwnerIndex {
  const blocks = new Map(index.map((block) => [block.block, { ...block, counts: new Map(block.counts) }]));
  const blockAt = (id: number) => {
    const block = blockOf(id);
    let found = blocks.get(block);
    if (!found) blocks.set(block, (found = { block, counts: new Map(), newest: 0, first: Infinity }));
    return found;
  };
  const count = (status: StatusCode, id: number, by: number) => {
    const { counts } = blockAt(id);
    counts.set(status, (counts.get(status) ?? 0) + by);
  };
  for (const { id, status } of removed) count(status, id, -1);
  for (const { id, status, updated_at } of added) {
    count(status, id, 1);
    const block = blockAt(id);
    const at = updated_at === undefined ? UNTIMED : Date.parse(updated_at);
    block.newest = Math.max(block.newest, at);
    block.first = Math.min(block.first, at);
  }
  return [...blocks.values()].map((block) => ({ ...block, first: Number.isFinite(block.first) ? block.first : 0 }));
}

/** The stored item of an owner's index, at a version. */
export function ownerIndexItem(owner: string, index: OwnerIndex, version = 1): Item {
  const item: Item = { uuid: ownerIndexKey(owner), [OWNER_INDEX_VERSION]: version };
  for (const { block, counts, newest, first } of index) {
    for (const [status, count] of counts) if (count > 0) item[countAttribute(block, status)] = count;
    item[newestAttribute(block)] = newest;
    item[firstAttribute(block)] = first;
  }
  return item;
}

/**
 * The UpdateItem that gives a stored instance the status key its status asks for (lib/items.ts's listedKeys), or
 * takes from a DESTROYED one the keys an older admin CLI's destroy left; undefined when the keys are as they should
 * be. On condition that its status is still the one read, since a write that moved the status set the keys itself. It
 * changes nothing a client sees: neither `version` nor `updated_at` moves.
 */
function statusKeyUpdate(table: string, item: InstanceItem): UpdateCommandInput | undefined {
  const key = listedKeys(item.owner, item.status).listed_status;
  const condition = {
    TableName: table,
    Key: { uuid: item.uuid },
    ConditionExpression: '#status = :status',
  };
  if (key === undefined) {
    if (item.listed_status === undefined && item.listed_owner === undefined) return undefined;
    return {
      ...condition,
      UpdateExpression: 'REMOVE #key, #owner',
      ExpressionAttributeNames: { '#key': 'listed_status', '#owner': 'listed_owner', '#status': 'status' },
      ExpressionAttributeValues: { ':status': item.status },
    };
  }
  if (item.listed_status === key) return undefined;
  return {
    ...condition,
    UpdateExpression: 'SET #key = :key',
    ExpressionAttributeNames: { '#key': 'listed_status', '#status': 'status' },
    ExpressionAttributeValues: { ':key': key, ':status': item.status },
  };
}

export interface OwnerIndexes {
  /** After a bulk load of these instances over these stored ones: their owners' indexes moved by both. */
  loaded(replaced: readonly InstanceItem[], written: readonly InstanceItem[]): Promise<void>;
  /**
   * Every owner's index (or one owner's) rebuilt from the stored instances, and their listed instances given the
   * status key they lack: how many indexes and keys were written.
   */
  reindex: (owner?: string) => Promise<{ owners: number; keyed: number }>;
}

export function createOwnerIndexes({ client, tables, batches }: StoreParts): OwnerIndexes {
  const table = tables.instances;

  /**
   * Moves an owner's index by a bulk load's instances: read, computed, and written whole on condition that no other
   * write came in between (several loaders of one owner at once, as the bench runs them); a lost race reads again.
   */
  async function load(owner: string, removed: readonly Counted[], added: readonly Counted[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await faultsAsUnavailable(() =>
        client.send(new GetCommand({ TableName: table, Key: { uuid: ownerIndexKey(owner) }, ConsistentRead: true })),
      );
      const version = Number(Item?.[OWNER_INDEX_VERSION] ?? 0);
      try {
        await faultsAsUnavailable(() =>
          client.send(
            new PutCommand({
              TableName: table,
              Item: ownerIndexItem(owner, withInstances(readOwnerIndex(Item), removed, added), version + 1),
              ConditionExpression: version === 0 ? 'attribute_not_exists(#version)' : '#version = :read',
              ExpressionAttributeNames: { '#version': OWNER_INDEX_VERSION },
              ...(version > 0 && { ExpressionAttributeValues: { ':read': version } }),
            }),
          ),
        );
        return;
      } catch (error) {
        if (refusal(error)?.kind !== 'condition' || attempt === MAX_ATTEMPTS) throw error;
        await backOff(attempt);
      }
    }
  }

  /** Gives these instances the status key they lack, a few at a time: how many were given one. */
  async function giveStatusKeys(items: readonly InstanceItem[]): Promise<number> {
    const updates = items.flatMap((item) => statusKeyUpdate(table, item) ?? []);
    let keyed = 0;
    for (const some of chunks(updates, KEYED_AT_ONCE)) {
      const written = await Promise.all(
        some.map(async (update) => {
          try {
            await faultsAsUnavailable(() => client.send(new UpdateCommand(update)));
            return true;
          } catch (error) {
            if (refusal(error)?.kind !== 'condition') throw error;
            return false;
          }
        }),
      );
      keyed += written.filter(Boolean).length;
    }
    return keyed;
  }

  return {
    async loaded(replaced, written) {
      const owners = new Set([...replaced, ...written].map(({ owner }) => owner));
      const ofOwner = (owner: string, items: readonly InstanceItem[]) => items.filter((item) => item.owner === owner);
      for (const owner of owners) await load(owner, ofOwner(owner, replaced), ofOwner(owner, written));
    },

    async reindex(owner) {
      const items = (await batches.scan(
        table,
        owner === undefined
          ? { expression: 'attribute_exists(#owner)', names: { '#owner': 'owner' } }
          : { expression: '#owner = :owner', names: { '#owner': 'owner' }, values: { ':owner': owner } },
      )) as InstanceItem[];
      const byOwner = Map.groupBy(items, (item) => item.owner);
      for (const [ofOwner, instances] of byOwner) {
        const item = ownerIndexItem(ofOwner, withInstances([], [], instances));
        await faultsAsUnavailable(() => client.send(new PutCommand({ TableName: table, Item: item })));
      }
      return { owners: byOwner.size, keyed: await giveStatusKeys(items) };
    },
  };
}
