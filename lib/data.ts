// The DynamoDB data-access module: the only code that knows table names, keys, index names and item attributes.
// Callers ask domain questions and get domain types back.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  paginateQuery,
  paginateScan,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { config } from './config.ts';
import { DependencyUnavailableError } from './errors.ts';
import { DESTROYED, type StatusCode } from './statuses.ts';

export interface Application {
  id: string;
  name: string;
  type: 'BATCH' | 'STREAMING';
  started: boolean;
}

export interface LambdaInstance {
  uuid: string;
  id: number;
  name: string;
  owner: string;
  instanceInfo: Record<string, unknown>;
  status: StatusCode;
  failureMessage: string;
  applications: Application[];
}

export type InstanceSummary = Pick<LambdaInstance, 'uuid' | 'name' | 'id'>;

export interface TokenRecord {
  /** SHA-256 of the token, hex: the token itself is never stored. */
  digest: string;
  owner: string;
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds; also the table's TTL attribute, so DynamoDB deletes expired tokens eventually. */
  expiresAt?: number;
  revoked: boolean;
  label?: string;
}

/** The item of the instances table, as stored. */
interface InstanceItem {
  uuid: string;
  id: number;
  name?: string;
  owner: string;
  /** Set only on instances the list shows: the sparse key of the listed-by-owner index. */
  listed_owner?: string;
  instance_info?: Record<string, unknown>;
  status: StatusCode;
  failure_message?: string;
  applications?: Application[];
}

interface TokenItem {
  digest: string;
  owner: string;
  created_at: number;
  expires_at?: number;
  revoked?: boolean;
  label?: string;
}

const LISTED_BY_OWNER = 'listed-by-owner';
const DEFAULT_NAME = 'Lambda Instance';
const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
const TRANSACTION_LIMIT = 100;
/** The instances table also holds the counter that ids are drawn from; its key is not a UUID, so no route reads it. */
const ID_COUNTER_KEY = 'counter:instance-id';

// One client per container, reused by every invocation. The timeouts and the retry budget bound every call whatever
// DynamoDB does: at most 2 attempts of 300 ms to connect and 600 ms to answer (by default), with a jittered backoff
// between them (< 0.2 s, < 1 s when throttled), so a call gives up within 2.8 s. A failed call ends the request
// (503), so the two calls of a request fit the function's 6 s timeout even at their worst.
const documents = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 300, requestTimeout: config.dynamoDbRequestTimeoutMs, throwOnRequestTimeout: true },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

/** DynamoDB throttling, timeouts, network faults and 5xx become DependencyUnavailableError (a 503); the rest is a bug. */
function unavailableOr(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  if (isThrottlingError(sdkError) || isTransientError(sdkError) || status >= 500) {
    return new DependencyUnavailableError(`DynamoDB unavailable: ${error.name}`, { cause: error });
  }
  return error;
}

/** A write refused by its ConditionExpression: an expected answer, not a fault. */
const isConditionFailure = (error: unknown): boolean => error instanceof Error && error.name === 'ConditionalCheckFailedException';

async function send<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw unavailableOr(error);
  }
}

function toInstanceItem(instance: LambdaInstance): InstanceItem {
  return {
    uuid: instance.uuid,
    id: instance.id,
    name: instance.name,
    owner: instance.owner,
    ...(instance.status !== DESTROYED && { listed_owner: instance.owner }),
    instance_info: instance.instanceInfo,
    status: instance.status,
    failure_message: instance.failureMessage,
    applications: instance.applications,
  };
}

function fromInstanceItem(item: InstanceItem): LambdaInstance {
  return {
    uuid: item.uuid,
    id: item.id,
    name: item.name ?? DEFAULT_NAME,
    owner: item.owner,
    instanceInfo: item.instance_info ?? {},
    status: item.status,
    failureMessage: item.failure_message ?? '',
    applications: item.applications ?? [],
  };
}

function fromTokenItem(item: TokenItem): TokenRecord {
  const record: TokenRecord = {
    digest: item.digest,
    owner: item.owner,
    createdAt: item.created_at,
    revoked: item.revoked === true,
  };
  if (item.expires_at !== undefined) record.expiresAt = item.expires_at;
  if (item.label !== undefined) record.label = item.label;
  return record;
}

async function batchPut(table: string, items: object[]): Promise<void> {
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    let requests: BatchWriteCommandInput['RequestItems'] = {
      [table]: items.slice(start, start + BATCH_WRITE_LIMIT).map((Item) => ({ PutRequest: { Item } })),
    };
    while (requests && Object.keys(requests).length > 0) {
      const batch = requests;
      const output: BatchWriteCommandOutput = await send(() => documents.send(new BatchWriteCommand({ RequestItems: batch })));
      requests = output.UnprocessedItems;
    }
  }
}

/** Sets the id counter to `id` unless it is already there or beyond. */
async function raiseIdCounter(id: number): Promise<void> {
  try {
    await send(() =>
      documents.send(
        new UpdateCommand({
          TableName: config.instancesTable,
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

function chunks<T>(all: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(all.length / size) }, (_, index) => all.slice(index * size, (index + 1) * size));
}

/** Every item of a table that passes the filter (administration only: the API never scans). */
async function scanAll<T>(table: string, filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> }): Promise<T[]> {
  const items: T[] = [];
  const pages = paginateScan(
    { client: documents },
    {
      TableName: table,
      ...(filter && { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }),
      ...(filter && Object.keys(filter.values).length > 0 && { ExpressionAttributeValues: filter.values }),
    },
  );
  for await (const page of pages) items.push(...((page.Items ?? []) as T[]));
  return items;
}

export const instances = {
  /** The owner's listed instances (all but DESTROYED) in id order: one Query per 1 MB of the slim index. */
  async list(owner: string): Promise<InstanceSummary[]> {
    const summaries: InstanceSummary[] = [];
    const pages = paginateQuery(
      { client: documents },
      {
        TableName: config.instancesTable,
        IndexName: LISTED_BY_OWNER,
        KeyConditionExpression: 'listed_owner = :owner',
        ProjectionExpression: '#uuid, #id, #name',
        ExpressionAttributeNames: { '#uuid': 'uuid', '#id': 'id', '#name': 'name' },
        ExpressionAttributeValues: { ':owner': owner },
      },
    );
    await send(async () => {
      for await (const page of pages) {
        for (const item of (page.Items ?? []) as Pick<InstanceItem, 'uuid' | 'id' | 'name'>[]) {
          summaries.push({ uuid: item.uuid, name: item.name ?? DEFAULT_NAME, id: item.id });
        }
      }
    });
    return summaries;
  },

  /** The instance with this uuid if it belongs to the owner; someone else's instance is as absent as a missing one. */
  async get(owner: string, uuid: string): Promise<LambdaInstance | undefined> {
    const { Item } = await send(() => documents.send(new GetCommand({ TableName: config.instancesTable, Key: { uuid } })));
    const item = Item as InstanceItem | undefined;
    return item?.owner === owner ? fromInstanceItem(item) : undefined;
  },

  /**
   * Writes instances with the ids they carry (sample data, tests); an existing uuid is overwritten. The id counter
   * is raised to the highest of them, so that `create` never hands out an id that is already taken.
   */
  async put(all: readonly LambdaInstance[]): Promise<void> {
    if (all.length === 0) return;
    await batchPut(config.instancesTable, all.map(toInstanceItem));
    await raiseIdCounter(all.reduce((highest, { id }) => Math.max(highest, id), 0));
  },

  /** The uuids among these that are already stored. */
  async existing(uuids: readonly string[]): Promise<string[]> {
    const found: string[] = [];
    for (const keys of chunks([...new Set(uuids)], BATCH_GET_LIMIT)) {
      let request: Record<string, { Keys: Record<string, unknown>[]; ProjectionExpression: string; ExpressionAttributeNames: Record<string, string> }> | undefined = {
        [config.instancesTable]: { Keys: keys.map((uuid) => ({ uuid })), ProjectionExpression: '#uuid', ExpressionAttributeNames: { '#uuid': 'uuid' } },
      };
      while (request && Object.keys(request).length > 0) {
        const batch = request;
        const output = await send(() => documents.send(new BatchGetCommand({ RequestItems: batch })));
        found.push(...(output.Responses?.[config.instancesTable] ?? []).map((item) => (item as { uuid: string }).uuid));
        request = output.UnprocessedKeys as typeof request;
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
      documents.send(
        new UpdateCommand({
          TableName: config.instancesTable,
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
        documents.send(
          new TransactWriteCommand({
            TransactItems: group.map((instance) => ({
              Put: {
                TableName: config.instancesTable,
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
    const items = await scanAll<InstanceItem>(config.instancesTable, {
      expression: owner === undefined ? 'attribute_exists(#owner)' : '#owner = :owner',
      names: { '#owner': 'owner' },
      values: owner === undefined ? {} : { ':owner': owner },
    });
    return items.map(fromInstanceItem).sort((a, b) => a.id - b.id);
  },
};

export const tokens = {
  async find(digest: string): Promise<TokenRecord | undefined> {
    const { Item } = await send(() => documents.send(new GetCommand({ TableName: config.tokensTable, Key: { digest } })));
    return Item ? fromTokenItem(Item as TokenItem) : undefined;
  },

  async put(record: TokenRecord): Promise<void> {
    const item: TokenItem = {
      digest: record.digest,
      owner: record.owner,
      created_at: record.createdAt,
      revoked: record.revoked,
      ...(record.expiresAt !== undefined && { expires_at: record.expiresAt }),
      ...(record.label !== undefined && { label: record.label }),
    };
    await send(() => documents.send(new PutCommand({ TableName: config.tokensTable, Item: item })));
  },

  /** Marks a stored token revoked; false when there is no such digest. */
  async revoke(digest: string): Promise<boolean> {
    try {
      await send(() =>
        documents.send(
          new UpdateCommand({
            TableName: config.tokensTable,
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
      config.tokensTable,
      conditions.length === 0 ? undefined : { expression: conditions.join(' AND '), names, values },
    );
    return items.map(fromTokenItem).sort((a, b) => a.createdAt - b.createdAt);
  },
};
