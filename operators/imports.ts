// `instances import`: new instances created under ids drawn from the table's counter, stored ones replaced with
// --replace (docs/contract.md sections 7.6 and 7.7). The file has been checked whole before this runs
// (operators/records.ts); here every stored uuid is checked before the first write, then the replacements and the
// new instances are written in transactions of up to 100 actions, each stamped with its own time.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import {
  fromInstanceItem,
  isListed,
  toInstanceItem,
  type InstanceItem,
  type LambdaInstance,
  type StoredInstance,
  type Timeline,
} from '../lib/items.ts';
import {
  instancePut,
  instanceUpdate,
  ownerIndexUpdate,
  whyRefused,
  type Expected,
  type InstanceChange,
  type TransactItem,
} from './instance-update.ts';
import { RefusedChange } from './refusals.ts';
import type { Stamp, WrittenInstance } from './stamped-writes.ts';
import type { StoreParts } from './store.ts';
import { createdTimeline, historyAfter } from './timeline.ts';

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

interface ImportOptions {
  /** Replace the instances whose uuid is stored (each keeps its id and owner) instead of refusing the file. */
  replace?: boolean;
  /** With `replace`: DESTROYED stored instances may be changed too, which brings them back. */
  revive?: boolean;
  /** Told of each step's instances once they are written (replaced ones first), before the next may be refused. */
  onWritten?: (verb: 'replaced' | 'created', instances: readonly StoredInstance[]) => Promise<void>;
  progress?: (label: string) => Progress | undefined;
}

export interface Imports {
  /** The uuids among these that are already stored. */
  existing(uuids: readonly string[]): Promise<string[]>;
  /**
   * Stores new instances, in order, under ids drawn from the table's atomic counter (one counter update reserves the
   * whole block, so concurrent imports never share an id). Each transaction fails whole if any of its uuids exists.
   * Each is created and updated at its transaction's time, its status the first entry of its history; a record's own
   * created_at and history (an exported instance) are kept.
   */
  create(all: readonly NewInstance[], onProgress?: Progress): Promise<StoredInstance[]>;
  /**
   * Replaces stored instances' contents, each keeping its id and owner. A record naming another owner than the
   * stored one, or changing a DESTROYED instance without `revive`, refuses the whole call before anything is
   * written. Each transaction is conditional on its instances being unchanged since they were read. Each keeps its
   * stored created_at and history, to which a changed status or failure message adds an entry.
   */
  replace(
    all: readonly NewInstance[],
    options?: { revive?: boolean; onProgress?: Progress | undefined },
  ): Promise<StoredInstance[]>;
  /** An import: stored uuids replaced (with `replace`) or refused, then the rest created. */
  importInstances(all: readonly NewInstance[], options?: ImportOptions): Promise<{ replaced: number; created: number }>;
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

/** The owners' index updates of a transaction's instances, one per owner. */
function ownerIndexUpdates(
  table: string,
  moves: readonly { owner: string; id: number; from?: LambdaInstance['status']; to?: LambdaInstance['status'] }[],
  at: Stamp,
): TransactItem[] {
  const byOwner = Map.groupBy(moves, ({ owner }) => owner);
  return [...byOwner].map(([owner, ofOwner]) => ownerIndexUpdate(table, owner, ofOwner, at.ms));
}

/**
 * What a replacing record changes: everything but the id, the owner and created_at, which the stored instance keeps;
 * its history gains an entry when the status or the failure message changes.
 */
function replacement(instance: NewInstance, stored: InstanceItem, at: string): InstanceChange {
  const history = historyAfter(stored, instance, at);
  return {
    name: instance.name,
    instance_info: instance.instanceInfo,
    status: instance.status,
    failure_message: instance.failureMessage,
    applications: instance.applications,
    ...(history && { status_history: history }),
  };
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
    async existing(uuids) {
      return (await stored(uuids)).map(({ uuid }) => uuid);
    },

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

    async replace(all, { revive = false, onProgress } = {}) {
      const found = new Map((await stored(all.map(({ uuid }) => uuid))).map((item) => [item.uuid, item]));
      const expected = (instance: NewInstance): Expected => ({
        owner: instance.owner,
        version: found.get(instance.uuid)?.version ?? 0,
        // Replacing a DESTROYED instance with a DESTROYED record (an export imported back) brings nothing back.
        destroyedToo: revive || !isListed(instance.status),
      });
      const reasons = all.flatMap((instance) => {
        const item = found.get(instance.uuid);
        const reason = item
          ? whyRefused(instance.uuid, { status: instance.status }, expected(instance), item)
          : `${instance.uuid} is not stored.`;
        return reason === undefined ? [] : [reason];
      });
      if (reasons.length > 0) throw new RefusedChange(`Nothing replaced:\n${reasons.join('\n')}`);
      const replaced: StoredInstance[] = [];
      const storedOf = (instance: NewInstance): InstanceItem => found.get(instance.uuid)!;
      for (const group of transactions(all, (instance) => jsonBytes(instance))) {
        let changes: InstanceChange[] = [];
        const at = await writer.write({
          actions: (stamp) => {
            changes = group.map((instance) => replacement(instance, storedOf(instance), stamp.iso));
            return [
              ...group.map((instance, n) =>
                instanceUpdate(table, instance.uuid, changes[n]!, expected(instance), stamp.iso),
              ),
              ...ownerIndexUpdates(
                table,
                group.map((instance) => {
                  const { owner, id, status } = storedOf(instance);
                  return { owner, id, from: status, to: instance.status };
                }),
                stamp,
              ),
            ];
          },
          written: group.map((instance) => {
            const { owner, id, version = 0 } = storedOf(instance);
            return { uuid: instance.uuid, owner, id, version: version + 1 };
          }),
          refused: (index, item) =>
            new RefusedChange(
              `Replaced ${replaced.length} of ${all.length}; the next ${group.length} were not written, because ` +
                `${String(item?.uuid ?? group[index]?.uuid)} was changed by someone else since it was read. Import ` +
                `the file again.`,
            ),
        });
        replaced.push(
          ...group.map((instance, n) => fromInstanceItem({ ...storedOf(instance), ...changes[n], updated_at: at })),
        );
        onProgress?.(replaced.length, all.length);
      }
      return replaced;
    },

    async importInstances(all, { replace = false, revive = false, onWritten, progress } = {}) {
      const storedUuids = new Set(await imports.existing(all.map(({ uuid }) => uuid)));
      if (storedUuids.size > 0 && !replace) {
        throw new RefusedChange(
          `Nothing imported. These uuids are already stored (--replace replaces them):\n${[...storedUuids].join('\n')}`,
        );
      }
      const replaced = await imports.replace(
        all.filter(({ uuid }) => storedUuids.has(uuid)),
        { revive, onProgress: progress?.('replacing') },
      );
      await onWritten?.('replaced', replaced);
      const created = await imports.create(
        all.filter(({ uuid }) => !storedUuids.has(uuid)),
        progress?.('importing'),
      );
      await onWritten?.('created', created);
      return { replaced: replaced.length, created: created.length };
    },
  };
  return imports;
}
