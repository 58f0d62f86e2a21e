// The writes only operators make (the admin CLI, sample data, tests and the bench): import (new and replacing),
// status changes, renames, applications, export and token administration. The functions never load this module; it
// shares lib/items.ts's item mapping with their store.
//
// Every change says its invariant in the write: a single-attribute change is one UpdateItem conditional on the
// instance existing, with the list's sparse index key set or removed in the same write as the status; a
// read-modify-write change (applications, replacing on import) is conditional on the item's `version`, which every
// operator write increments, and is retried a bounded number of times. A refused change writes nothing.
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateScan,
  type DynamoDBDocumentClient,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Tables } from '../lib/config.ts';
import { send } from '../lib/dynamodb.ts';
import {
  fromInstanceItem,
  fromTokenItem,
  isListed,
  toInstanceItem,
  toTokenItem,
  type Application,
  type InstanceItem,
  type LambdaInstance,
  type TokenItem,
  type TokenRecord,
} from '../lib/items.ts';
import type { StatusCode } from '../lib/statuses.ts';

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
const TRANSACTION_LIMIT = 100;
/** Attempts of a batch's unprocessed items, and of a read-modify-write that lost a race, before giving up. */
const MAX_ATTEMPTS = 8;
/** The instances table also holds the counter that ids are drawn from; its key is not a UUID, so no route reads it. */
const ID_COUNTER_KEY = 'counter:instance-id';

/** A change refused for a reason the operator can act on (no such instance, a bad application id, ...). */
export class RefusedChange extends Error {
  override readonly name = 'RefusedChange';
}

/** A batch write that DynamoDB kept refusing part of: what was written and what was not. */
export class IncompleteWrite extends Error {
  override readonly name = 'IncompleteWrite';
  readonly written: number;
  readonly unwritten: string[];
  constructor(written: number, unwritten: string[]) {
    super(
      `Wrote ${written} of ${written + unwritten.length} items; DynamoDB still refused ${unwritten.length} after ` +
        `${MAX_ATTEMPTS} attempts, not written: ${unwritten.join(', ')}. Run the same command again to write them.`,
    );
    this.written = written;
    this.unwritten = unwritten;
  }
}

/** Reports how far a long operation has come. */
export type Progress = (done: number, total: number) => void;

/** A new application: its id, when not given, is drawn at random. */
export type NewApplication = Pick<Application, 'name' | 'type'> & { id?: string };

/** A write refused by its ConditionExpression: an expected answer, not a fault. */
const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error &&
  (error.name === 'ConditionalCheckFailedException' ||
    (error.name === 'TransactionCanceledException' && error.message.includes('ConditionalCheckFailed')));

/** Runs a conditional write; a refused condition is a RefusedChange saying `refusal()`, and nothing is written. */
async function writeOrRefuse<T>(write: () => Promise<T>, refusal: () => string): Promise<T> {
  try {
    return await send(write);
  } catch (error) {
    if (isConditionFailure(error)) throw new RefusedChange(refusal(), { cause: error });
    throw error;
  }
}

function chunks<T>(all: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(all.length / size) }, (_, index) =>
    all.slice(index * size, (index + 1) * size),
  );
}

/** Waits a random time up to 25 ms x 2^attempt, at most 2 s ("full jitter"), so that retrying writers spread out. */
const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2000, 25 * 2 ** attempt)));

/** The condition that the item's version is still the one read (an item never changed by an operator has none). */
function unchangedSince(version: number): Pick<UpdateCommandInput, 'ConditionExpression'> & {
  values: Record<string, number>;
} {
  return version === 0
    ? { ConditionExpression: 'attribute_not_exists(#version)', values: {} }
    : { ConditionExpression: '#version = :read', values: { ':read': version } };
}

export type OperatorStore = ReturnType<typeof createOperatorStore>;

export function createOperatorStore({ client, tables }: { client: DynamoDBDocumentClient; tables: Tables }) {
  /** Puts the items 25 a call; unprocessed ones are retried with backoff, then reported by `keyOf`. */
  async function batchPut<T extends object>(table: string, items: readonly T[], keyOf: (item: T) => string) {
    let written = 0;
    for (const [index, group] of chunks(items, BATCH_WRITE_LIMIT).entries()) {
      let pending = group;
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > MAX_ATTEMPTS) {
          const later = items.slice((index + 1) * BATCH_WRITE_LIMIT);
          throw new IncompleteWrite(written, [...pending, ...later].map(keyOf));
        }
        if (attempt > 1) await backOff(attempt);
        const batch = pending;
        const output = await send(() =>
          client.send(
            new BatchWriteCommand({ RequestItems: { [table]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
          ),
        );
        pending = (output.UnprocessedItems?.[table] ?? []).map(({ PutRequest }) => PutRequest?.Item as T);
        written += batch.length - pending.length;
      }
    }
  }

  /** The stored instances among these uuids (consistent reads), unprocessed keys retried with backoff. */
  async function getMany(uuids: readonly string[]): Promise<InstanceItem[]> {
    const found: InstanceItem[] = [];
    for (const group of chunks([...new Set(uuids)], BATCH_GET_LIMIT)) {
      let keys: Record<string, unknown>[] = group.map((uuid) => ({ uuid }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        if (attempt > MAX_ATTEMPTS) throw new Error(`DynamoDB kept refusing to read ${keys.length} instances.`);
        if (attempt > 1) await backOff(attempt);
        const batch = keys;
        const output = await send(() =>
          client.send(
            new BatchGetCommand({ RequestItems: { [tables.instances]: { Keys: batch, ConsistentRead: true } } }),
          ),
        );
        found.push(...((output.Responses?.[tables.instances] ?? []) as InstanceItem[]));
        keys = output.UnprocessedKeys?.[tables.instances]?.Keys ?? [];
      }
    }
    return found;
  }

  /** Every item of a table that passes the filter (administration only: the API never scans). */
  async function scanAll<T>(
    table: string,
    filter: { expression: string; names: Record<string, string>; values: Record<string, unknown> } | undefined,
    onProgress?: (scanned: number) => void,
  ): Promise<T[]> {
    const items: T[] = [];
    const pages = paginateScan(
      { client },
      {
        TableName: table,
        ...(filter && { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }),
        ...(filter && Object.keys(filter.values).length > 0 && { ExpressionAttributeValues: filter.values }),
      },
    );
    let scanned = 0;
    await send(async () => {
      for await (const page of pages) {
        items.push(...((page.Items ?? []) as T[]));
        onProgress?.((scanned += page.ScannedCount ?? 0));
      }
    });
    return items;
  }

  /** Sets the id counter to `id` unless it is already there or beyond. */
  async function raiseIdCounter(id: number): Promise<void> {
    try {
      await send(() =>
        client.send(
          new UpdateCommand({
            TableName: tables.instances,
            Key: { uuid: ID_COUNTER_KEY },
            UpdateExpression: 'SET #last = :id',
            ConditionExpression: 'attribute_not_exists(#last) OR #last < :id',
            ExpressionAttributeNames: { '#last': 'last_id' },
            ExpressionAttributeValues: { ':id': id },
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /**
   * One UpdateItem on an existing instance that also counts a version; returns the instance as it now is. A missing
   * instance (or a condition not met) is a RefusedChange, and nothing is written.
   */
  async function update(
    uuid: string,
    change: { set: string[]; remove?: string[]; names?: Record<string, string>; values: Record<string, unknown> },
    condition = { ConditionExpression: 'attribute_exists(#uuid)', values: {} as Record<string, unknown> },
  ): Promise<LambdaInstance> {
    const set = [...change.set, '#version = if_not_exists(#version, :zero) + :one'];
    const { Attributes } = await writeOrRefuse(
      () =>
        client.send(
          new UpdateCommand({
            TableName: tables.instances,
            Key: { uuid },
            UpdateExpression: `SET ${set.join(', ')}${change.remove?.length ? ` REMOVE ${change.remove.join(', ')}` : ''}`,
            ConditionExpression: condition.ConditionExpression,
            ExpressionAttributeNames: { '#uuid': 'uuid', '#version': 'version', ...change.names },
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ...change.values, ...condition.values },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      () => `No lambda instance ${uuid}.`,
    );
    return fromInstanceItem(Attributes as InstanceItem);
  }

  /**
   * Changes an instance's applications: reads the instance (consistently), applies `change` (which may refuse), and
   * writes the result on condition that nobody wrote the instance meanwhile; a lost race is read and tried again.
   */
  async function changeApplications(
    uuid: string,
    change: (applications: readonly Application[]) => Application[],
  ): Promise<LambdaInstance> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await send(() =>
        client.send(new GetCommand({ TableName: tables.instances, Key: { uuid }, ConsistentRead: true })),
      );
      const item = Item as InstanceItem | undefined;
      if (!item || item.uuid === ID_COUNTER_KEY) throw new RefusedChange(`No lambda instance ${uuid}.`);
      const applications = change(item.applications ?? []);
      const { ConditionExpression, values } = unchangedSince(item.version ?? 0);
      try {
        return await update(
          uuid,
          { set: ['applications = :applications'], values: { ':applications': applications } },
          { ConditionExpression: `attribute_exists(#uuid) AND ${ConditionExpression}`, values },
        );
      } catch (error) {
        if (!(error instanceof RefusedChange) || attempt === MAX_ATTEMPTS) {
          throw error instanceof RefusedChange
            ? new RefusedChange(`${uuid} kept changing while its applications were written (${MAX_ATTEMPTS} attempts).`)
            : error;
        }
        await backOff(attempt);
      }
    }
  }

  /** The application of an instance with this id, or a refusal. */
  function application(applications: readonly Application[], id: string, uuid: string): Application {
    const found = applications.find((candidate) => candidate.id === id);
    if (!found) throw new RefusedChange(`Lambda instance ${uuid} has no application ${id}.`);
    return found;
  }

  const instances = {
    /**
     * Writes instances with the ids they carry (sample data, tests); an existing uuid is overwritten. The id counter
     * is raised to the highest of them, so that `create` never hands out an id that is already taken.
     */
    async put(all: readonly LambdaInstance[]): Promise<void> {
      if (all.length === 0) return;
      await batchPut(tables.instances, all.map(toInstanceItem), ({ uuid }) => uuid);
      await raiseIdCounter(all.reduce((highest, { id }) => Math.max(highest, id), 0));
    },

    /** The uuids among these that are already stored. */
    async existing(uuids: readonly string[]): Promise<string[]> {
      return (await getMany(uuids)).map(({ uuid }) => uuid);
    },

    /**
     * Stores new instances, in order, under ids drawn from the table's atomic counter (one counter update reserves
     * the whole block, so concurrent imports never share an id). Each group of up to 100 is one transaction that
     * fails whole if any uuid already exists.
     */
    async create(all: readonly Omit<LambdaInstance, 'id'>[], onProgress?: Progress): Promise<LambdaInstance[]> {
      if (all.length === 0) return [];
      const { Attributes } = await send(() =>
        client.send(
          new UpdateCommand({
            TableName: tables.instances,
            Key: { uuid: ID_COUNTER_KEY },
            UpdateExpression: 'ADD #last :count',
            ExpressionAttributeNames: { '#last': 'last_id' },
            ExpressionAttributeValues: { ':count': all.length },
            ReturnValues: 'UPDATED_NEW',
          }),
        ),
      );
      const firstId = (Attributes as { last_id: number }).last_id - all.length + 1;
      const created = all.map((instance, index) => ({ ...instance, id: firstId + index }));
      let done = 0;
      for (const group of chunks(created, TRANSACTION_LIMIT)) {
        await writeOrRefuse(
          () =>
            client.send(
              new TransactWriteCommand({
                TransactItems: group.map((instance) => ({
                  Put: {
                    TableName: tables.instances,
                    Item: toInstanceItem(instance),
                    ConditionExpression: 'attribute_not_exists(#uuid)',
                    ExpressionAttributeNames: { '#uuid': 'uuid' },
                  },
                })),
              }),
            ),
          () =>
            `Created ${done} of ${created.length} new instances; the next ${group.length} include a uuid stored by ` +
            `someone else since the file was read, and none of them was written. Import the file again with --replace.`,
        );
        onProgress?.((done += group.length), created.length);
      }
      return created;
    },

    /**
     * Replaces stored instances with new contents, each keeping its id and owner (`import --replace`). A record
     * naming another owner than the stored one is refused before anything is written. Each group of up to 100 is
     * one transaction, conditional on every instance being unchanged since it was read.
     */
    async replace(all: readonly Omit<LambdaInstance, 'id'>[], onProgress?: Progress): Promise<LambdaInstance[]> {
      const stored = new Map((await getMany(all.map(({ uuid }) => uuid))).map((item) => [item.uuid, item]));
      const moved = all.filter(({ uuid, owner }) => stored.get(uuid)?.owner !== owner);
      if (moved.length > 0) {
        const reasons = moved.map(({ uuid, owner }) =>
          stored.has(uuid) ? `${uuid} belongs to ${stored.get(uuid)?.owner}, not ${owner}` : `${uuid} is not stored`,
        );
        throw new RefusedChange(`Nothing replaced:\n${reasons.join('\n')}`);
      }
      const replaced = all.map((instance) => ({ ...instance, id: stored.get(instance.uuid)!.id }));
      let done = 0;
      for (const group of chunks(replaced, TRANSACTION_LIMIT)) {
        await writeOrRefuse(
          () =>
            client.send(
              new TransactWriteCommand({
                TransactItems: group.map((instance) => {
                  const version = stored.get(instance.uuid)?.version ?? 0;
                  const { ConditionExpression, values } = unchangedSince(version);
                  return {
                    Put: {
                      TableName: tables.instances,
                      Item: { ...toInstanceItem(instance), version: version + 1 },
                      ConditionExpression: `#owner = :owner AND ${ConditionExpression}`,
                      ExpressionAttributeNames: { '#owner': 'owner', '#version': 'version' },
                      ExpressionAttributeValues: { ':owner': instance.owner, ...values },
                    },
                  };
                }),
              }),
            ),
          () =>
            `Replaced ${done} of ${replaced.length}; the next ${group.length} were changed by someone else since ` +
            `they were read, and none of them was written. Import the file again.`,
        );
        onProgress?.((done += group.length), replaced.length);
      }
      return replaced;
    },

    /**
     * Sets the status, and the failure message (none given clears it), in one write that also moves the list's
     * index key: DESTROYED takes the instance out of the list, any other status puts it back.
     */
    async setStatus(uuid: string, status: StatusCode, failureMessage = ''): Promise<LambdaInstance> {
      const listed = isListed(status);
      return update(uuid, {
        set: ['#status = :status', 'failure_message = :message', ...(listed ? ['listed_owner = #owner'] : [])],
        ...(!listed && { remove: ['listed_owner'] }),
        names: { '#status': 'status', ...(listed && { '#owner': 'owner' }) },
        values: { ':status': status, ':message': failureMessage },
      });
    },

    async rename(uuid: string, name: string): Promise<LambdaInstance> {
      return update(uuid, { set: ['#name = :name'], names: { '#name': 'name' }, values: { ':name': name } });
    },

    async addApplication(uuid: string, { id = crypto.randomUUID(), name, type }: NewApplication) {
      return changeApplications(uuid, (applications) => {
        if (applications.some((existing) => existing.id === id)) {
          throw new RefusedChange(`Lambda instance ${uuid} already has an application ${id}.`);
        }
        return [...applications, { id, name, type, started: false }];
      });
    },

    async setApplicationStarted(uuid: string, id: string, started: boolean): Promise<LambdaInstance> {
      return changeApplications(uuid, (applications) => {
        application(applications, id, uuid);
        return applications.map((existing) => (existing.id === id ? { ...existing, started } : existing));
      });
    },

    async removeApplication(uuid: string, id: string): Promise<LambdaInstance> {
      return changeApplications(uuid, (applications) => {
        application(applications, id, uuid);
        return applications.filter((existing) => existing.id !== id);
      });
    },

    /** Every stored instance (of one owner, if given), DESTROYED included, in id order. */
    async all(owner?: string, onProgress?: (scanned: number) => void): Promise<LambdaInstance[]> {
      const items = await scanAll<InstanceItem>(
        tables.instances,
        {
          expression: owner === undefined ? 'attribute_exists(#owner)' : '#owner = :owner',
          names: { '#owner': 'owner' },
          values: owner === undefined ? {} : { ':owner': owner },
        },
        onProgress,
      );
      return items.map(fromInstanceItem).sort((a, b) => a.id - b.id);
    },
  };

  const tokens = {
    async put(record: TokenRecord): Promise<void> {
      await send(() => client.send(new PutCommand({ TableName: tables.tokens, Item: toTokenItem(record) })));
    },

    /** Writes many token records at once (fixtures and the bench). */
    async putAll(records: readonly TokenRecord[]): Promise<void> {
      await batchPut(tables.tokens, records.map(toTokenItem), ({ digest }) => digest.slice(0, 12));
    },

    /**
     * Marks a stored token revoked, for good: its expiry goes, because the table's TTL deleting the record would let
     * Astakos approve the token again. False when there is no such digest.
     */
    async revoke(digest: string): Promise<boolean> {
      try {
        await send(() =>
          client.send(
            new UpdateCommand({
              TableName: tables.tokens,
              Key: { digest },
              UpdateExpression: 'SET revoked = :revoked REMOVE expires_at',
              ConditionExpression: 'attribute_exists(digest)',
              ExpressionAttributeValues: { ':revoked': true },
            }),
          ),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    /** Stored tokens (of one owner, or whose digest starts with a prefix), oldest first. */
    async all(filter: { owner?: string; digestPrefix?: string } = {}): Promise<TokenRecord[]> {
      const conditions: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      if (filter.owner !== undefined) {
        conditions.push('#owner = :owner');
        names['#owner'] = 'owner';
        values[':owner'] = filter.owner;
      }
      if (filter.digestPrefix !== undefined) {
        conditions.push('begins_with(#digest, :prefix)');
        names['#digest'] = 'digest';
        values[':prefix'] = filter.digestPrefix;
      }
      const items = await scanAll<TokenItem>(
        tables.tokens,
        conditions.length === 0 ? undefined : { expression: conditions.join(' AND '), names, values },
      );
      return items.map(fromTokenItem).sort((a, b) => a.createdAt - b.createdAt);
    },
  };

  return { instances, tokens };
}
