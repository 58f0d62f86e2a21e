// The floor of the cold-start and warm comparisons: the DynamoDB document client alone, as lib/data.ts builds it,
// doing one GetItem or one Query. The bench bundles this file with serverless.yml's esbuild options too, so that a
// bundled function is compared with a bundled floor.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export const documents = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

export async function getItem(table: string, key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
  const { Item } = await documents.send(new GetCommand({ TableName: table, Key: key }));
  return Item;
}

/** One page of an owner's index partition, the way lib/data.ts's list asks for it (same projection). */
export async function queryOwner(
  table: string,
  index: string,
  owner: string,
  page: Pick<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'> = {},
): Promise<number> {
  const { Items } = await documents.send(
    new QueryCommand({
      TableName: table,
      IndexName: index,
      KeyConditionExpression: 'listed_owner = :owner',
      ProjectionExpression: '#uuid, #id, #name',
      ExpressionAttributeNames: { '#uuid': 'uuid', '#id': 'id', '#name': 'name' },
      ExpressionAttributeValues: { ':owner': owner },
      ...page,
    }),
  );
  return Items?.length ?? 0;
}
