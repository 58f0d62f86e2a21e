// The push's open connections (serverless.yml's connections table): who is connected, with which token, until when.
// Keyed by owner, so that the push reads an owner's connections strongly consistently; $disconnect, which knows only
// the connection's id, finds its owner through the by-connection index.
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  paginateQuery,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { faultsAsUnavailable } from '../dynamodb.ts';
import type { CallOptions } from '../store.ts';

export interface Connection {
  owner: string;
  connectionId: string;
  /** SHA-256 of the token it connected with: when that token no longer holds, the connection is closed. */
  tokenDigest: string;
}

export interface ConnectionStore {
  add(connection: Connection, options?: CallOptions): Promise<void>;
  /** Every open connection of the owner. */
  ofOwner(owner: string): Promise<Connection[]>;
  /** Forgets one of an owner's connections (gone, or its token no longer holds). */
  forget(connection: Pick<Connection, 'owner' | 'connectionId'>): Promise<void>;
  /** Forgets a connection known by its id alone ($disconnect), if it is known. */
  forgetById(connectionId: string): Promise<void>;
}

interface ConnectionItem {
  owner: string;
  connection_id: string;
  token_digest: string;
  /** Epoch seconds. */
  connected_at: number;
  /** Epoch seconds: the table's TTL attribute. */
  expires_at: number;
}

/** API Gateway closes every connection after 2 hours; the item is kept a little longer, then DynamoDB's TTL takes it. */
export const CONNECTION_SECONDS = 2 * 60 * 60 + 5 * 60;

const BY_CONNECTION = 'by-connection';

export function createConnectionStore(client: DynamoDBDocumentClient, table: string): ConnectionStore {
  const forget = ({ owner, connectionId }: Pick<Connection, 'owner' | 'connectionId'>) =>
    faultsAsUnavailable(() =>
      client.send(new DeleteCommand({ TableName: table, Key: { owner, connection_id: connectionId } })),
    ).then(() => undefined);

  return {
    async add({ owner, connectionId, tokenDigest }, { signal } = {}) {
      const now = Math.floor(Date.now() / 1000);
      const item: ConnectionItem = {
        owner,
        connection_id: connectionId,
        token_digest: tokenDigest,
        connected_at: now,
        expires_at: now + CONNECTION_SECONDS,
      };
      await faultsAsUnavailable(() =>
        client.send(new PutCommand({ TableName: table, Item: item }), signal ? { abortSignal: signal } : undefined),
      );
    },

    async ofOwner(owner) {
      const found: Connection[] = [];
      const pages = paginateQuery(
        { client },
        {
          TableName: table,
          KeyConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
          // A connection made before a change must hear of it.
          ConsistentRead: true,
        },
      );
      await faultsAsUnavailable(async () => {
        for await (const page of pages) {
          for (const item of (page.Items ?? []) as ConnectionItem[]) {
            found.push({ owner: item.owner, connectionId: item.connection_id, tokenDigest: item.token_digest });
          }
        }
      });
      return found;
    },

    forget,

    async forgetById(connectionId) {
      const { Items = [] } = await faultsAsUnavailable(() =>
        client.send(
          new QueryCommand({
            TableName: table,
            IndexName: BY_CONNECTION,
            KeyConditionExpression: 'connection_id = :id',
            ExpressionAttributeValues: { ':id': connectionId },
          }),
        ),
      );
      await Promise.all((Items as Pick<ConnectionItem, 'owner'>[]).map(({ owner }) => forget({ owner, connectionId })));
    },
  };
}
