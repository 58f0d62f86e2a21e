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

export interface InstanceReader {
  /** The owner's listed instances (all but DESTROYED) in id order, with their status. */
  list(owner: string, options?: CallOptions): Promise<InstanceSummary[]>;
  /**
   * The owner's instances changed at or after `since` (DESTROYED ones included) in id order, with their status and
   * `updatedAt`. `since` is compared as stored: an RFC 3339 UTC time with milliseconds (Date.toISOString()).
   */
  changedSince(owner: string, since: string, options?: CallOptions): Promise<InstanceSummary[]>;
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
      { client },
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

  return {
    instances: {
      // One Query per 1 MB of the owner's slim index partition: never a Scan, never another owner's item, never a
      // full item (the index carries what the list shows, status included).
      list: (owner, options) =>
        summaries(
          {
            IndexName: LISTED_BY_OWNER,
            KeyConditionExpression: 'listed_owner = :owner',
            ExpressionAttributeValues: { ':owner': owner },
          },
          options,
        ),

      // One Query per 1 MB of what changed: the index's range is the time of each instance's last change, so the
      // owner's unchanged instances are never read. In id order, as the list.
      async changedSince(owner, since, options) {
        const changed = await summaries(
          {
            IndexName: CHANGED_BY_OWNER,
            KeyConditionExpression: '#owner = :owner AND updated_at >= :since',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner, ':since': since },
          },
          { ...options, withUpdatedAt: true },
        );
        return changed.sort((a, b) => a.id - b.id);
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
