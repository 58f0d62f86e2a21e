// The operators' instance writes (docs/contract.md sections 7.6 and 7.7): import (new and replacing), status
// changes, renames, applications, and the scan behind export.
//
// Every change of a stored instance is built in one place, instanceUpdate(): one UpdateItem (alone, or one of a
// transaction's) that says its invariant in its condition: the instance exists, it is not DESTROYED (DESTROYED is
// final: only a revival, asked for explicitly, changes it), and, where the change was computed from a read, the item
// is unchanged since (its `version`, which every operator write increments). The list's sparse index key is set or
// removed in the same write as the status, and `updated_at` (the changed-by-owner index's key) in every write. A
// status change is computed from a read, like an application change, because its history is (operators/timeline.ts).
// A refused change writes nothing and says why, from the item DynamoDB refused it over.
import { GetCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import {
  fromInstanceItem,
  isListed,
  toInstanceItem,
  type Application,
  type InstanceItem,
  type LambdaInstance,
  type StoredInstance,
  type Timeline,
} from '../lib/items.ts';
import { DESTROYED, type StatusCode } from '../lib/statuses.ts';
import {
  MAX_ATTEMPTS,
  RefusedChange,
  backOff,
  chunks,
  refusedOver,
  writeOrRefuse,
  type Item,
  type StoreParts,
} from './batch.ts';
import { createdTimeline, historyAfter, now } from './timeline.ts';

const TRANSACTION_LIMIT = 100;
/** The instances table also holds the counter that ids are drawn from; its key is not a UUID, so no route reads it. */
const ID_COUNTER_KEY = 'counter:instance-id';

/** Reports how far a long operation has come. */
export type Progress = (done: number, total: number) => void;

/** An instance to store, before it has an id (import records), with the times of an exported one. */
export type NewInstance = Omit<LambdaInstance, 'id'> & Partial<Timeline>;

/** A new application: its id, when not given, is drawn at random. */
type NewApplication = Pick<Application, 'name' | 'type'> & { id?: string };

export interface InstanceWriter {
  /**
   * Writes instances with the ids they carry (sample data, tests); an existing uuid is overwritten. The id counter
   * is raised to the highest of them, so that `create` never hands out an id that is already taken. Times they
   * carry are kept; those they lack are now, with their status as the one entry of their history.
   */
  put(all: readonly (LambdaInstance & Partial<Timeline>)[]): Promise<void>;
  /** The uuids among these that are already stored. */
  existing(uuids: readonly string[]): Promise<string[]>;
  /**
   * Stores new instances, in order, under ids drawn from the table's atomic counter (one counter update reserves
   * the whole block, so concurrent imports never share an id). Each group of up to 100 is one transaction that
   * fails whole if any uuid already exists. Each is created and updated now, its status the first entry of its
   * history; a record's own created_at and history (an exported instance) are kept.
   */
  create(all: readonly NewInstance[], onProgress?: Progress): Promise<StoredInstance[]>;
  /**
   * Replaces stored instances' contents, each keeping its id and owner (`import --replace`). A record naming another
   * owner than the stored one, or bringing a DESTROYED instance back without `revive`, refuses the whole call before
   * anything is written. Each group of up to 100 is one transaction, conditional on every instance being unchanged
   * since it was read. Each keeps its stored created_at and history, to which a changed status or failure message
   * adds an entry; a record's own times are not used.
   */
  replace(
    all: readonly NewInstance[],
    options?: { revive?: boolean; onProgress?: Progress | undefined },
  ): Promise<StoredInstance[]>;
  /**
   * Sets the status, and the failure message (none given clears it), adding an entry to the history when either
   * changes. DESTROYED takes the instance out of the list; a DESTROYED instance's status changes only with `revive`.
   */
  setStatus(
    uuid: string,
    status: StatusCode,
    failureMessage?: string,
    options?: { revive?: boolean },
  ): Promise<StoredInstance>;
  rename(uuid: string, name: string): Promise<StoredInstance>;
  addApplication(uuid: string, application: NewApplication): Promise<StoredInstance>;
  setApplicationStarted(uuid: string, id: string, started: boolean): Promise<StoredInstance>;
  removeApplication(uuid: string, id: string): Promise<StoredInstance>;
  /** Every stored instance (of one owner, if given), DESTROYED included, in id order. */
  all(owner?: string, onProgress?: (scanned: number) => void): Promise<StoredInstance[]>;
}

/** What one write changes of an instance: the attributes an operator may change (updated_at: every write's). */
type InstanceChange = Partial<
  Pick<InstanceItem, 'name' | 'instance_info' | 'status' | 'failure_message' | 'applications' | 'status_history'>
>;

/** What the stored instance must be for the change to be written. */
interface Expected {
  /** A DESTROYED instance may be changed (a revival, or a replacement that keeps it DESTROYED). */
  destroyedToo?: boolean;
  owner?: string;
  /** The version read, for a change computed from that read (0: an item no operator has changed). */
  version?: number;
}

/** An UpdateItem's parameters, alone or in a transaction. */
type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type ItemUpdate = NonNullable<TransactItem['Update']>;

/** A write refused because the instance changed since it was read: read it again and retry. */
class StaleRead extends RefusedChange {}

/**
 * Why a change is refused over this stored item (undefined: there is none), or undefined when nothing but a newer
 * version stands in its way.
 */
function whyRefused(
  uuid: string,
  change: InstanceChange,
  expected: Expected,
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

/**
 * The one UpdateItem that changes a stored instance at `at`; every change goes through here (see the top of this
 * file).
 */
function instanceUpdate(
  table: string,
  uuid: string,
  change: InstanceChange,
  expected: Expected,
  at: string,
): ItemUpdate {
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
    names['#listed_owner'] = 'listed_owner';
    if (isListed(change.status)) set.push('#listed_owner = #owner');
    else remove.push('#listed_owner');
  }
  // The id counter has no owner: no instance command ever writes it.
  const conditions = ['attribute_exists(#owner)'];
  if (!expected.destroyedToo) {
    names['#status'] = 'status';
    values[':destroyed'] = DESTROYED;
    conditions.push('#status <> :destroyed');
  }
  if (expected.owner !== undefined) {
    values[':owner'] = expected.owner;
    conditions.push('#owner = :owner');
  }
  if (expected.version === 0) conditions.push('attribute_not_exists(#version)');
  else if (expected.version !== undefined) {
    values[':read'] = expected.version;
    conditions.push('#version = :read');
  }
  return {
    TableName: table,
    Key: { uuid },
    UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  };
}

/**
 * What a replacing record changes: everything but the id, the owner and created_at, which the stored instance keeps;
 * its history gains an entry when the status or the failure message changes.
 */
const replacement = (instance: NewInstance, stored: InstanceItem, at: string): InstanceChange => {
  const history = historyAfter(stored, instance, at);
  return {
    name: instance.name,
    instance_info: instance.instanceInfo,
    status: instance.status,
    failure_message: instance.failureMessage,
    applications: instance.applications,
    ...(history && { status_history: history }),
  };
};

export function createInstanceWriter({ client, tables, batches }: StoreParts): InstanceWriter {
  const table = tables.instances;

  /** The stored items of these uuids. */
  const stored = async (uuids: readonly string[]): Promise<InstanceItem[]> =>
    (await batches.get(
      table,
      [...new Set(uuids)].map((uuid) => ({ uuid })),
    )) as InstanceItem[];

  /** Writes one change; returns the instance as it now is. */
  async function update(
    uuid: string,
    change: InstanceChange,
    expected: Expected = {},
    at = now(),
  ): Promise<StoredInstance> {
    try {
      const { Attributes } = await faultsAsUnavailable(() =>
        client.send(
          new UpdateCommand({ ...instanceUpdate(table, uuid, change, expected, at), ReturnValues: 'ALL_NEW' }),
        ),
      );
      return fromInstanceItem(Attributes as InstanceItem);
    } catch (error) {
      const outcome = refusedOver(error);
      if (!outcome.refused) throw error;
      const reason = whyRefused(uuid, change, expected, outcome.item);
      throw reason === undefined
        ? new StaleRead(`${uuid} was changed by someone else since it was read.`)
        : new RefusedChange(reason);
    }
  }

  /**
   * A change computed from the instance as read (consistently): `compute` (which may refuse) makes it from the item
   * and the write's time, and it is written on condition that nobody wrote the instance meanwhile; a lost race is
   * read and tried again. `intent` is what the change does whatever the item holds, for a refusal's words; `what`
   * names the change in the message of a race lost too often.
   */
  async function changeFromRead(
    uuid: string,
    {
      intent = {},
      compute,
      expected = {},
      what,
    }: {
      intent?: InstanceChange;
      compute: (item: InstanceItem, at: string) => InstanceChange;
      expected?: Expected;
      what: string;
    },
  ): Promise<StoredInstance> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await faultsAsUnavailable(() =>
        client.send(new GetCommand({ TableName: table, Key: { uuid }, ConsistentRead: true })),
      );
      const item = Item as InstanceItem | undefined;
      const refused = whyRefused(uuid, intent, expected, item);
      if (refused !== undefined || !item) throw new RefusedChange(refused);
      const at = now();
      try {
        return await update(uuid, compute(item, at), { ...expected, version: item.version ?? 0 }, at);
      } catch (error) {
        if (!(error instanceof StaleRead)) throw error;
        if (attempt === MAX_ATTEMPTS) {
          throw new RefusedChange(`${uuid} kept changing while its ${what} were written (${MAX_ATTEMPTS} attempts).`);
        }
        await backOff(attempt);
      }
    }
  }

  /** Changes an instance's applications from the stored ones (see changeFromRead). */
  const changeApplications = (uuid: string, change: (applications: readonly Application[]) => Application[]) =>
    changeFromRead(uuid, {
      compute: (item) => ({ applications: change(item.applications ?? []) }),
      what: 'applications',
    });

  /** The application of an instance with this id, or a refusal. */
  function application(applications: readonly Application[], id: string, uuid: string): Application {
    const found = applications.find((candidate) => candidate.id === id);
    if (!found) throw new RefusedChange(`Lambda instance ${uuid} has no application ${id}.`);
    return found;
  }

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
      if (!refusedOver(error).refused) throw error;
    }
  }

  /**
   * Writes one transaction item per instance, TRANSACTION_LIMIT to a transaction, in order. A refused transaction
   * writes nothing of its group and stops the rest: `refusal` says so, given how many were written before it.
   */
  async function transactInGroups<T>(
    all: readonly T[],
    itemOf: (instance: T) => TransactItem,
    refusal: (done: number, group: readonly T[], item: Item | undefined) => string,
    onProgress?: Progress,
  ): Promise<void> {
    let done = 0;
    for (const group of chunks(all, TRANSACTION_LIMIT)) {
      await writeOrRefuse(
        () => client.send(new TransactWriteCommand({ TransactItems: group.map(itemOf) })),
        (item) => refusal(done, group, item),
      );
      onProgress?.((done += group.length), all.length);
    }
  }

  return {
    async put(all) {
      if (all.length === 0) return;
      const at = now();
      const items = all.map((instance) =>
        toInstanceItem({ ...instance, ...createdTimeline(instance, at), updatedAt: instance.updatedAt ?? at }),
      );
      await batches.put(table, items, ({ uuid }) => uuid);
      await raiseIdCounter(all.reduce((highest, { id }) => Math.max(highest, id), 0));
    },

    async existing(uuids) {
      return (await stored(uuids)).map(({ uuid }) => uuid);
    },

    async create(all, onProgress) {
      if (all.length === 0) return [];
      const { Attributes } = await faultsAsUnavailable(() =>
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { uuid: ID_COUNTER_KEY },
            UpdateExpression: 'ADD #last :count',
            ExpressionAttributeNames: { '#last': 'last_id' },
            ExpressionAttributeValues: { ':count': all.length },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      const firstId = (Attributes as { last_id: number }).last_id - all.length + 1;
      const at = now();
      const created = all.map((instance, index) => ({
        ...instance,
        id: firstId + index,
        ...createdTimeline(instance, at),
      }));
      await transactInGroups(
        created,
        (instance) => ({
          Put: {
            TableName: table,
            Item: toInstanceItem(instance),
            ConditionExpression: 'attribute_not_exists(#uuid)',
            ExpressionAttributeNames: { '#uuid': 'uuid' },
          },
        }),
        (done, group) =>
          `Created ${done} of ${created.length} new instances; the next ${group.length} include a uuid stored by ` +
          `someone else since the file was read, and none of them was written. Import the file again with --replace.`,
        onProgress,
      );
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
      const at = now();
      const changes = new Map(
        all.map((instance) => [instance.uuid, replacement(instance, found.get(instance.uuid)!, at)]),
      );
      const replaced = all.map((instance) =>
        fromInstanceItem({ ...found.get(instance.uuid)!, ...changes.get(instance.uuid), updated_at: at }),
      );
      await transactInGroups(
        all,
        (instance) => ({
          Update: instanceUpdate(table, instance.uuid, changes.get(instance.uuid)!, expected(instance), at),
        }),
        (done, group, item) =>
          `Replaced ${done} of ${all.length}; the next ${group.length} were not written, because ` +
          `${item?.uuid === undefined ? 'one of them' : String(item.uuid)} was changed by someone else since ` +
          `it was read. Import the file again.`,
        onProgress,
      );
      return replaced;
    },

    async setStatus(uuid, status, failureMessage = '', { revive = false } = {}) {
      const intent = { status, failure_message: failureMessage };
      return changeFromRead(uuid, {
        intent,
        compute: (item, at) => {
          const history = historyAfter(item, { status, failureMessage }, at);
          return { ...intent, ...(history && { status_history: history }) };
        },
        expected: { destroyedToo: revive },
        what: 'status and history',
      });
    },

    async rename(uuid, name) {
      return update(uuid, { name });
    },

    async addApplication(uuid, { id = crypto.randomUUID(), name, type }) {
      return changeApplications(uuid, (applications) => {
        if (applications.some((existing) => existing.id === id)) {
          throw new RefusedChange(`Lambda instance ${uuid} already has an application ${id}.`);
        }
        return [...applications, { id, name, type, started: false }];
      });
    },

    async setApplicationStarted(uuid, id, started) {
      return changeApplications(uuid, (applications) => {
        application(applications, id, uuid);
        return applications.map((existing) => (existing.id === id ? { ...existing, started } : existing));
      });
    },

    async removeApplication(uuid, id) {
      return changeApplications(uuid, (applications) => {
        application(applications, id, uuid);
        return applications.filter((existing) => existing.id !== id);
      });
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
