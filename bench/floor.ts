// The floor of the cold-start and warm comparisons: the DynamoDB document client alone, built as the functions build
// theirs (lib/dynamodb.ts), doing one GetItem or one Query. The bench bundles this file with serverless.yml's esbuild
// options too, so that a bundled function is compared with a bundled floor; bundled, it reads its endpoint from the
// environment as a function does.
import { GetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../lib/dynamodb.ts';

export interface Floor {
  /** Strongly consistent when `consistent`, as the details read an instance; a token lookup is not. */
  getItem: (
    table: string,
    key: Record<string, string>,
    consistent?: boolean,
  ) => Promise<Record<string, unknown> | undefined>;
  /** One page of an owner's index partition, the way the list asks for it (same projection); the items' count. */
  queryOwner: (
    table: string,
    index: string,
    owner: string,
    page?: Pick<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  ) => Promise<number>;
}

export function createFloor(documents: DynamoDBDocumentClient): Floor {
  return {
    async getItem(table, key, consistent = false) {
      const { Item } = await documents.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: consistent }));
      return Item;
    },
    async queryOwner(table, index, owner, page = {}) {
      const { Items } = await documents.send(
        new QueryCommand({
          TableName: table,
          IndexName: index,
          KeyConditionExpression: 'listed_owner = :owner',
          ProjectionExpression: '#uuid, #id, #name, #status, failure_message',
          ExpressionAttributeNames: { '#uuid': 'uuid', '#id': 'id', '#name': 'name', '#status': 'status' },
          ExpressionAttributeValues: { ':owner': owner },
          ...page,
        }),
      );
      return Items?.length ?? 0;
    },
  };
}

/** The cold-start floor's own client, from the environment (the functions' default request timeout). */
export const { getItem } = createFloor(createDocumentClient({ requestTimeoutMs: 600 }));
