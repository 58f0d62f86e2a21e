// The DynamoDB data-access module: the only code that knows table names, keys, index names and item attributes.
// Callers ask domain questions and get domain types back.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  type BatchWriteCommandInput,
  type BatchWriteCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { config } from './config.ts';
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

// One client per container, reused by every invocation.
const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

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
      const output: BatchWriteCommandOutput = await documents.send(new BatchWriteCommand({ RequestItems: requests }));
      requests = output.UnprocessedItems;
    }
  }
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
    for await (const page of pages) {
      for (const item of (page.Items ?? []) as Pick<InstanceItem, 'uuid' | 'id' | 'name'>[]) {
        summaries.push({ uuid: item.uuid, name: item.name ?? DEFAULT_NAME, id: item.id });
      }
    }
    return summaries;
  },

  /** The instance with this uuid if it belongs to the owner; someone else's instance is as absent as a missing one. */
  async get(owner: string, uuid: string): Promise<LambdaInstance | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: config.instancesTable, Key: { uuid } }),
    );
    const item = Item as InstanceItem | undefined;
    return item?.owner === owner ? fromInstanceItem(item) : undefined;
  },

  async put(all: LambdaInstance[]): Promise<void> {
    await batchPut(config.instancesTable, all.map(toInstanceItem));
  },
};

export const tokens = {
  async find(digest: string): Promise<TokenRecord | undefined> {
    const { Item } = await documents.send(
      new GetCommand({ TableName: config.tokensTable, Key: { digest } }),
    );
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
    await documents.send(new PutCommand({ TableName: config.tokensTable, Item: item }));
  },
};
