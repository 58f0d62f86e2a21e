// The operators' instance writes and reads, by concern: single-instance edits (operators/edits.ts), imports
// (operators/imports.ts), the owners' indexes rebuilt (operators/owner-indexes.ts), the bulk load of fixtures and
// sample data, and the scan behind export. Every write of instances is a stamped transaction
// (operators/stamped-writes.ts).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import {
  fromInstanceItem,
  toInstanceItem,
  type InstanceItem,
  type LambdaInstance,
  type StoredInstance,
  type Timeline,
} from '../lib/items.ts';
import { createInstanceEdits, type InstanceEdits } from './edits.ts';
import { ID_COUNTER_KEY, createImports, type Imports } from './imports.ts';
import { createOwnerIndexes, type OwnerIndexes } from './owner-indexes.ts';
import { refusal } from './refusals.ts';
import type { StoreParts } from './store.ts';
import { createdTimeline } from './timeline.ts';

export interface InstanceWriter extends InstanceEdits, Imports, Pick<OwnerIndexes, 'reindex'> {
  /**
   * Writes instances with the ids they carry, in batches (fixtures, sample data, the bench): a loader, not an
   * operator's write, for tables nobody else writes meanwhile. An existing uuid is overwritten. The id counter is
   * raised to the highest id, so that `create` never hands out one that is taken, and the owners' indexes move with
   * them. Times they carry are kept; those they lack are the database's now, their status the one entry of their
   * history.
   */
  put(all: readonly (LambdaInstance & Partial<Timeline>)[]): Promise<void>;
  /** Every stored instance (of one owner, if given), DESTROYED included, in id order. */
  all(owner?: string, onProgress?: (scanned: number) => void): Promise<StoredInstance[]>;
}

export function createInstanceWriter(parts: StoreParts): InstanceWriter {
  const { client, tables, batches, clock } = parts;
  const table = tables.instances;
  const ownerIndexes = createOwnerIndexes(parts);

  /** Sets the id counter to `id` unless it is already there or beyond. */
  async function raiseIdCounter(id: number): Promise<void> {
    try {
      await faultsAsUnavailable(() =>
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { uuid: ID_COUNTER_KEY },
            UpdateExpression: 'SET #last = :id',
            ConditionExpression: 'attribute_not_exists(#last) OR #last < :id',
            ExpressionAttributeNames: { '#last': 'last_id' },
            ExpressionAttributeValues: { ':id': id },
          }),
        ),
      );
    } catch (error) {
      if (refusal(error)?.kind !== 'condition') throw error;
    }
  }

  return {
    ...createInstanceEdits(parts),
    ...createImports(parts),
    reindex: ownerIndexes.reindex,

    async put(all) {
      if (all.length === 0) return;
      const at = await clock.now();
      const items = all.map((instance) =>
        toInstanceItem({ ...instance, ...createdTimeline(instance, at), updatedAt: instance.updatedAt ?? at }),
      );
      const replaced = (await batches.get(
        table,
        items.map(({ uuid }) => ({ uuid })),
      )) as InstanceItem[];
      await batches.put(table, items, ({ uuid }) => uuid);
      await ownerIndexes.loaded(replaced, items);
      await raiseIdCounter(all.reduce((highest, { id }) => Math.max(highest, id), 0));
    },

    async all(owner, onProgress) {
      const items = await batches.scan(
        table,
        owner === undefined
          ? { expression: 'attribute_exists(#owner)', names: { '#owner': 'owner' } }
          : { expression: '#owner = :owner', names: { '#owner': 'owner' }, values: { ':owner': owner } },
        onProgress,
      );
      return (items as InstanceItem[]).map(fromInstanceItem).sort((a, b) => a.id - b.id);
    },
  };
}
