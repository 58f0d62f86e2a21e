// `instances import`: new instances created under ids drawn from the table's counter, stored ones replaced with
// --replace (docs/contract.md sections 7.6 and 7.7). The file has been checked whole before this runs
// (operators/records.ts); here every record is checked against what is stored before the first write
// (operators/import-plan.ts), then the replacements and the new instances are written in transactions of up to 100
// actions, each stamped with its own time.
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
import { planImport, replacement, type ImportOptions, type Replacement } from './import-plan.ts';
import {
  instancePut,
  instanceUpdate,
  ownerIndexUpdate,
  updatedItem,
  type InstanceChange,
  type TransactItem,
} from './instance-update.ts';
import { RefusedChange } from './refusals.ts';
import type { Stamp, WrittenInstance } from './stamped-writes.ts';
import type { StoreParts } from './store.ts';
import { createdTimeline } from './timeline.ts';

/** The most actions DynamoDB takes in one transaction. */
const TRANSACTION_ACTIONS = 100;
/** What a transaction's items may weigh as JSON, under DynamoDB's 4 MB per transaction. */
const TRANSACTION_BYTES = 3_500_000;
/** The instances table also holds the counter that ids are drawn from; its key is not a UUID, so no route reads it. */
export const ID_COUNTER_KEY = 'counter:instance-id';

/** Reports how far a long operation has come. */
export type Progress = (done: number, total: number) => void;

/** An instance to store, before it has an id (import records), with the times of an exported one. */
export type NewInstance = Omit<LambdaInstance, 'id'> & Partial<Timeline>;

interface ImportSteps extends ImportOptions {
  /**
   * Told of each step's instances once they are written (replaced ones first), before the next may be refused; of
   * the DESTROYED ones left unchanged (their records identical to them) before anything is written.
   */
  onWritten?: (verb: 'unchanged' | 'replaced' | 'created', instances: readonly StoredInstance[]) => Promise<void>;
  progress?: (label: string) => Progress | undefined;
}

export interface Imports {
  /**
   * Stores new instances, in order, under ids drawn from the table's atomic counter (one counter update reserves the
   * whole block, so concurrent imports never share an id). Each transaction fails whole if any of its uuids exists.
   * Each is created and updated at its transaction's time, its status the first entry of its history; a record's own
   * created_at and history (an exported instance) are kept.
   */
  create(all: readonly NewInstance[], onProgress?: Progress): Promise<StoredInstance[]>;
  /**
   * An import: every record checked against what is stored (operators/import-plan.ts), refusing the whole call before
   * anything is written; then stored uuids replaced (with `replace`; each keeps its id, owner, created_at and history,
   * to which a changed status or failure message adds an entry; each transaction conditional on its instances being
   * unchanged since they were read), then the rest created.
   */
  importInstances(
    all: readonly NewInstance[],
    options?: ImportSteps,
  ): Promise<{ replaced: number; created: number; unchanged: number }>;
}

/** Splits instances, in order, into transactions: each instance an action, and one index update per owner in it. */
export function transactions<T extends { owner: string }>(all: readonly T[], bytes: (instance: T) => number): T[][] {
  const groups: T[][] = [];
  let group: T[] = [];
  let owners = new Set<string>();
  let weight = 0;
  for (const instance of all) {
    const actions = group.length + owners.size + 1 + (owners.has(instance.owner) ? 0 : 1);
    if (group.length > 0 && (actions > TRANSACTION_ACTIONS || weight + bytes(instance) > TRANSACTION_BYTES)) {
      groups.push(group);
      [group, owners, weight] = [[], new Set(), 0];
    }
    group.push(instance);
    owners.add(instance.owner);
    weight += bytes(instance);
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * The newest time an instance to create carries of its own (epoch ms, 0 if none): its updated_at may not precede it.
 * An import file's times are at most a clock's uncertainty ahead of the database's (operators/records.ts).
 */
const newestTime = ({ createdAt, statusHistory }: NewInstance): number =>
  Math.max(0, ...[createdAt, statusHistory?.[0]?.at].map((time) => (time ? Date.parse(time) : 0)));

/** The owners' index updates of a transaction's instances, one per owner. */
function ownerIndexUpdates(
  table: string,
  moves: readonly { owner: string; id: number; from?: LambdaInstance['status']; to?: LambdaInstance['status'] }[],
  at: Stamp,
): TransactItem[] {
  const byOwner = Map.groupBy(moves, ({ owner }) => owner);
  return [...byOwner].map(([owner, ofOwner]) => ownerIndexUpdate(table, owner, ofOwner, at.ms));
}

export function createImports({ client, tables, batches, writer }: StoreParts): Imports {
  const table = tables.instances;

  /** The stored items of these uuids. */
  const stored = async (uuids: readonly string[]): Promise<InstanceItem[]> =>
    (await batches.get(
      table,
      [...new Set(uuids)].map((uuid) => ({ uuid })),
    )) as InstanceItem[];

  /** Reserves `count` ids from the counter; returns the first. */
  async function reserveIds(count: number): Promise<number> {
    const { Attributes } = await faultsAsUnavailable(() =>
      client.send(
        new UpdateCommand({
          TableName: table,
          Key: { uuid: ID_COUNTER_KEY },
          UpdateExpression: 'ADD #last :count',
          ExpressionAttributeNames: { '#last': 'last_id' },
          ExpressionAttributeValues: { ':count': count },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return (Attributes as { last_id: number }).last_id - count + 1;
  }

  const imports: Imports = {
    async create(all, onProgress) {
      if (all.length === 0) return [];
      const firstId = await reserveIds(all.length);
      const numbered = all.map((instance, index) => ({ ...instance, id: firstId + index }));
      const created: StoredInstance[] = [];
      for (const group of transactions(numbered, (instance) => jsonBytes(toInstanceItem(instance)))) {
        let timed: (LambdaInstance & Timeline)[] = [];
        await writer.write({
          actions: (at) => {
            timed = group.map((instance) => ({ ...instance, ...createdTimeline(instance, at.iso) }));
            return [
              ...timed.map((instance) => instancePut(table, instance)),
              ...ownerIndexUpdates(
                table,
                timed.map(({ owner, id, status }) => ({ owner, id, to: status })),
                at,
              ),
            ];
          },
          written: group.map(({ uuid, owner, id }): WrittenInstance => ({ uuid, owner, id, version: 0 })),
          notBefore: Math.max(...group.map(newestTime)),
          refused: () =>
            new RefusedChange(
              `Created ${created.length} of ${all.length} new instances; the next ${group.length} include a uuid ` +
                `stored by someone else since the file was read, and none of them was written. Import the file ` +
                `again with --replace.`,
            ),
        });
        created.push(...timed);
        onProgress?.(created.length, all.length);
      }
      return created;
    },

    async importInstances(all, { replace = false, revive = false, onWritten, progress } = {}) {
      const found = new Map((await stored(all.map(({ uuid }) => uuid))).map((item) => [item.uuid, item]));
      const plan = planImport(all, found, { replace, revive });
      if ('problems' in plan) throw new RefusedChange(`Nothing imported:\n${plan.problems.join('\n')}`);
      if (plan.unchanged.length > 0) await onWritten?.('unchanged', plan.unchanged);
      const replaced = await replaceStored(plan.replace, revive, progress?.('replacing'));
      await onWritten?.('replaced', replaced);
      const created = await imports.create(plan.create, progress?.('importing'));
      await onWritten?.('created', created);
      return { replaced: replaced.length, created: created.length, unchanged: plan.unchanged.length };
    },
  };

  /** Writes the replacements, each conditional on its instance's owner and version being those read. */
  async function replaceStored(
    all: readonly Replacement[],
    revive: boolean,
    onProgress: Progress | undefined,
  ): Promise<StoredInstance[]> {
    const replaced: StoredInstance[] = [];
    for (const group of transactions(
      all.map(({ instance, stored }) => ({ instance, stored, owner: stored.owner })),
      // The values its update sends (the time aside).
      ({ instance, stored }) => jsonBytes(replacement(instance, stored, '')),
    )) {
      let changes: InstanceChange[] = [];
      const at = await writer.write({
        actions: (stamp) => {
          changes = group.map(({ instance, stored }) => replacement(instance, stored, stamp.iso));
          return [
            ...group.map(({ stored: { uuid, owner, version = 0 } }, n) =>
              instanceUpdate(table, uuid, changes[n]!, { owner, version, destroyedToo: revive }, stamp.iso),
            ),
            ...ownerIndexUpdates(
              table,
              group.map(({ instance, stored: { owner, id, status } }) => ({
                owner,
                id,
                from: status,
                to: instance.status,
              })),
              stamp,
            ),
          ];
        },
        written: group.map(({ stored: { uuid, owner, id, version = 0 } }) => ({
          uuid,
          owner,
          id,
          version: version + 1,
        })),
        refused: (index, item) =>
          new RefusedChange(
            `Replaced ${replaced.length} of ${all.length}; the next ${group.length} were not written, because ` +
              `${String(item?.uuid ?? group[index]?.stored.uuid)} was changed by someone else since it was read. ` +
              `Import the file again.`,
          ),
      });
      replaced.push(...group.map(({ stored }, n) => fromInstanceItem(updatedItem(stored, changes[n]!, at))));
      onProgress?.(replaced.length, all.length);
    }
    return replaced;
  }

  return imports;
}
