// The request path's data access: what the two functions read (a token, an instance, an owner's list) and the one
// write they may make (remembering a token Astakos accepted). Callers ask domain questions and get domain types;
// only lib/ knows table names, keys and the index. The operators' writes are operators/store.ts.
import {
  GetCommand,
  PutCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Tables } from './config.ts';
import type { Paging } from './requests.ts';
import type { StatusCode } from './statuses.ts';
import { faultsAsUnavailable } from './dynamodb.ts';
import {
  CHANGED_BY_OWNER,
  DEFAULT_NAME,
  LISTED_BY_OWNER,
  fromInstanceItem,
  fromTokenItem,
  toTokenItem,
  type InstanceItem,
  type InstanceSummary,
  type StoredInstance,
  type TokenItem,
  type TokenRecord,
} from './items.ts';

/** What every read and write of a request takes: the request's deadline, as an abort signal. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Which of an owner's instances a list shows, and how much of them. */
interface ListQuery {
  /** Only instances of these statuses. */
  statuses?: ReadonlySet<StatusCode> | undefined;
  /**
   * Only instances changed at or after this time (DESTROYED ones included), each with its `updatedAt`; without it,
   * the instances the list shows (all but DESTROYED). An RFC 3339 UTC time with milliseconds, as stored.
   */
  changedSince?: string | undefined;
  /** One page of them; without it, all of them, if there are at most `atMost`. */
  paging?: Paging | undefined;
  atMost: number;
}

/** What a list reads: how many instances match, and those it shows, in id order. */
interface ListPage {
  count: number;
  /** The page (empty past the last one), or every match; undefined when no page was asked and more than `atMost` match. */
  items: InstanceSummary[] | undefined;
}

export interface InstanceReader {
  /** The owner's instances that the query asks for (the list's rules: docs/contract.md sections 5.1, 7.2, 7.7). */
  list(owner: string, query: ListQuery, options?: CallOptions): Promise<ListPage>;
  /** The instance with this uuid, whoever owns it (the route decides what the caller may see). */
  get(uuid: string, options?: CallOptions): Promise<StoredInstance | undefined>;
}

export interface TokenStore {
  find(digest: string, options?: CallOptions): Promise<TokenRecord | undefined>;
  /**
   * Stores a verified token (Astakos's successes), replacing any record of the same digest that is not revoked; over
   * a revoked one it fails (ConditionalCheckFailedException) and writes nothing.
   */
  remember(record: TokenRecord, options?: CallOptions): Promise<void>;
}

export interface Store {
  instances: InstanceReader;
  tokens: TokenStore;
}

type IndexItem = Pick<InstanceItem, 'uuid' | 'id' | 'name' | 'status' | 'failure_message' | 'updated_at'>;

const sdkOptions = ({ signal }: CallOptions = {}) => (signal ? { abortSignal: signal } : undefined);

/**
 * Items a Query asks for at a time. Without a Limit, DynamoDB Local reads the rest of the partition for every 1 MB
 * page (a 30,000-instance list took minutes); with one it reads what it returns. Deployed, 1,000 of the indexes'
 * entries are about 150 KB, a few more calls than 1 MB pages for a long list.
 */
const QUERY_LIMIT = 1000;

export function createStore({ client, tables }: { client: DynamoDBDocumentClient; tables: Tables }): Store {
  /** Every page of a Query of one of the owner indexes, as summaries (with `updatedAt` when the index has it). */
  async function summaries(
    query: Pick<QueryCommandInput, 'IndexName' | 'KeyConditionExpression' | 'ExpressionAttributeValues'> & {
      ExpressionAttributeNames?: Record<string, string>;
    },
    { withUpdatedAt = false, ...options }: CallOptions & { withUpdatedAt?: boolean } = {},
  ): Promise<InstanceSummary[]> {
    const found: InstanceSummary[] = [];
    const pages = paginateQuery(
      { client, pageSize: QUERY_LIMIT },
      {
        TableName: tables.instances,
        ...query,
        ProjectionExpression: `#uuid, #id, #name, #status, failure_message${withUpdatedAt ? ', updated_at' : ''}`,
        ExpressionAttributeNames: {
          '#uuid': 'uuid',
          '#id': 'id',
          '#name': 'name',
          '#status': 'status',
          ...query.ExpressionAttributeNames,
        },
      },
      sdkOptions(options),
    );
    await faultsAsUnavailable(async () => {
      for await (const page of pages) {
        for (const item of (page.Items ?? []) as IndexItem[]) {
          found.push({
            uuid: item.uuid,
            name: item.name ?? DEFAULT_NAME,
            id: item.id,
            status: item.status,
            failureMessage: item.failure_message ?? '',
            ...(item.updated_at !== undefined && { updatedAt: item.updated_at }),
          });
        }
      }
    });
    return found;
  }

  /** The owner's listed instances (all but DESTROYED), in id order, with their status. */
  const listed = (owner: string, options?: CallOptions) =>
    // One Query per 1,000 of the owner's slim index entries: never a Scan, never another owner's item, never a full
    // item (the index carries what the list shows, status included).
    summaries(
      {
        IndexName: LISTED_BY_OWNER,
        KeyConditionExpression: 'listed_owner = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      },
      options,
    );

  /** The owner's instances changed at or after `since` (DESTROYED ones included), in id order, with `updatedAt`. */
  async function changed(owner: string, since: string, options?: CallOptions) {
    // The index's range is the time of each instance's last change: the owner's unchanged instances are never read.
    const found = await summaries(
      {
        IndexName: CHANGED_BY_OWNER,
        KeyConditionExpression: '#owner = :owner AND updated_at >= :since',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':since': since },
      },
      { ...options, withUpdatedAt: true },
    );
    return found.sort((a, b) => a.id - b.id);
  }

  return {
    instances: {
      async list(owner, { statuses, changedSince, paging, atMost }, options) {
        const read =
          changedSince === undefined ? await listed(owner, options) : await changed(owner, changedSince, options);
        const matching = statuses ? read.filter(({ status }) => statuses.has(status)) : read;
        if (!paging) return { count: matching.length, items: matching.length > atMost ? undefined : matching };
        const start = (paging.page - 1) * paging.limit;
        return { count: matching.length, items: matching.slice(start, start + paging.limit) };
      },

      // Strongly consistent: an operator's change is in the very next answer (docs/contract.md section 7.6), for 1 read unit, not 0.5.
      async get(uuid, options) {
        const { Item } = await faultsAsUnavailable(() =>
          client.send(
            new GetCommand({ TableName: tables.instances, Key: { uuid }, ConsistentRead: true }),
            sdkOptions(options),
          ),
        );
        // The id counter shares the table; its key is not a UUID, so a route never asks for it.
        return Item ? fromInstanceItem(Item as InstanceItem) : undefined;
      },
    },

    tokens: {
      async find(digest, options) {
        const { Item } = await faultsAsUnavailable(() =>
          client.send(new GetCommand({ TableName: tables.tokens, Key: { digest } }), sdkOptions(options)),
        );
        return Item ? fromTokenItem(Item as TokenItem) : undefined;
      },

      async remember(record, options) {
        await faultsAsUnavailable(() =>
          client.send(
            new PutCommand({
              TableName: tables.tokens,
              Item: toTokenItem(record),
              // Never over a revocation that an operator made while Astakos was being asked.
              ConditionExpression: 'attribute_not_exists(digest) OR revoked = :open',
              ExpressionAttributeValues: { ':open': false },
            }),
            sdkOptions(options),
          ),
        );
      },
    },
  };
}
