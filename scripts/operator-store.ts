// The writes only operators make (the admin CLI, sample data, tests and the bench): import, export and token
// administration. The functions never load this module; it shares lib/items.ts's item mapping with their store.
import {
  BatchGetCommand,
  BatchWriteCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateScan,
  type BatchGetCommandInput,
  type BatchGetCommandOutput,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { Tables } from '../lib/config.ts';
import { send } from '../lib/dynamodb.ts';
import {
  fromInstanceItem,
  fromTokenItem,
  toInstanceItem,
  toTokenItem,
  type InstanceItem,
  type LambdaInstance,
  type TokenItem,
  type TokenRecord,
} from '../lib/items.ts';

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
const TRANSACTION_LIMIT = 100;
/** The instances table also holds the counter that ids are drawn from; its key is not a UUID, so no route reads it. */
const ID_COUNTER_KEY = 'counter:instance-id';

/** A write refused by its ConditionExpression: an expected answer, not a fault. */
const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

function chunks<T>(all: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(all.length / size) }, (_, index) =>
    all.slice(index * size, (index + 1) * size),
  );
}

export type OperatorStore = ReturnType<typeof createOperatorStore>;

export function createOperatorStore({ client, tables }: { client: DynamoDBDocumentClient; tables: Tables }) {
  async function batchPut(table: string, items: object[]): Promise<void> {
    for (const group of chunks(items, BATCH_WRITE_LIMIT)) {
      let requests: BatchWriteCommandInput['RequestItems'] = {
        [table]: group.map((Item) => ({ PutRequest: { Item } })),
      };
      while (requests && Object.keys(requests).length > 0) {
        const batch: BatchWriteCommandInput['RequestItems'] = requests;
        const output: BatchWriteCommandOutput = await send(() =>
          client.send(new BatchWriteCommand({ RequestItems: batch })),
        );
        requests = output.UnprocessedItems;
      }
    }
  }

  /** Every item of a table that passes the filter (administration only: the API never scans). */
  async function scanAll<T>(
    table: string,
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
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
    await send(async () => {
      for await (const page of pages) items.push(...((page.Items ?? []) as T[]));
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

  const instances = {
    /**
     * Writes instances with the ids they carry (sample data, tests); an existing uuid is overwritten. The id counter
     * is raised to the highest of them, so that `create` never hands out an id that is already taken.
     */
    async put(all: readonly LambdaInstance[]): Promise<void> {
      if (all.length === 0) return;
      await batchPut(tables.instances, all.map(toInstanceItem));
      await raiseIdCounter(all.reduce((highest, { id }) => Math.max(highest, id), 0));
    },

    /** The uuids among these that are already stored. */
    async existing(uuids: readonly string[]): Promise<string[]> {
      const found: string[] = [];
      for (const keys of chunks([...new Set(uuids)], BATCH_GET_LIMIT)) {
        let request: BatchGetCommandInput['RequestItems'] = {
          [tables.instances]: {
            Keys: keys.map((uuid) => ({ uuid })),
            ProjectionExpression: '#uuid',
            ExpressionAttributeNames: { '#uuid': 'uuid' },
          },
        };
        while (request && Object.keys(request).length > 0) {
          const batch: BatchGetCommandInput['RequestItems'] = request;
          const output: BatchGetCommandOutput = await send(() =>
            client.send(new BatchGetCommand({ RequestItems: batch })),
          );
          found.push(...(output.Responses?.[tables.instances] ?? []).map((item) => (item as { uuid: string }).uuid));
          request = output.UnprocessedKeys;
        }
      }
      return found;
    },

    /**
     * Stores new instances, in order, under ids drawn from the table's atomic counter (one counter update reserves
     * the whole block, so concurrent imports never share an id). Each group of up to 100 is one transaction that
     * fails whole if any uuid already exists.
     */
    async create(all: readonly Omit<LambdaInstance, 'id'>[]): Promise<LambdaInstance[]> {
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
      for (const group of chunks(created, TRANSACTION_LIMIT)) {
        await send(() =>
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
        );
      }
      return created;
    },

    /** Every stored instance (of one owner, if given), DESTROYED included, in id order. */
    async all(owner?: string): Promise<LambdaInstance[]> {
      const items = await scanAll<InstanceItem>(tables.instances, {
        expression: owner === undefined ? 'attribute_exists(#owner)' : '#owner = :owner',
        names: { '#owner': 'owner' },
        values: owner === undefined ? {} : { ':owner': owner },
      });
      return items.map(fromInstanceItem).sort((a, b) => a.id - b.id);
    },
  };

  const tokens = {
    async put(record: TokenRecord): Promise<void> {
      await send(() => client.send(new PutCommand({ TableName: tables.tokens, Item: toTokenItem(record) })));
    },

    /** Writes many token records at once (fixtures and the bench). */
    async putAll(records: readonly TokenRecord[]): Promise<void> {
      await batchPut(tables.tokens, records.map(toTokenItem));
    },

    /** Marks a stored token revoked; false when there is no such digest. */
    async revoke(digest: string): Promise<boolean> {
      try {
        await send(() =>
          client.send(
            new UpdateCommand({
              TableName: tables.tokens,
              Key: { digest },
              UpdateExpression: 'SET revoked = :revoked',
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
