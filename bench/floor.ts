// The floors the functions are measured against: the least that answering a request of the contract takes, on the
// same document client as the functions (lib/dynamodb.ts). Every request needs its token's owner (docs/contract.md
// section 2), so the details' floor reads the token beside the instance (one round trip) and the list's reads the
// token, then queries the owner's index partition as the list does (two). No middleware, no shaping, no body.
import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { Tables } from '../lib/config.ts';

type Floor = (event: APIGatewayProxyEvent) => Promise<{ statusCode: number }>;

export interface Floors {
  detail: Floor;
  list: Floor;
}

export function createFloors(client: DynamoDBDocumentClient, tables: Tables): Floors {
  const readToken = async ({ headers }: APIGatewayProxyEvent) => {
    const token = (headers.authorization ?? '').replace(/^Token /, '');
    const digest = createHash('sha256').update(token).digest('hex');
    const { Item } = await client.send(new GetCommand({ TableName: tables.tokens, Key: { digest } }));
    return Item as { owner: string } | undefined;
  };
  return {
    async detail(event) {
      const [token, { Item }] = await Promise.all([
        readToken(event),
        client.send(
          new GetCommand({
            TableName: tables.instances,
            Key: { uuid: event.pathParameters?.id },
            ConsistentRead: true,
          }),
        ),
      ]);
      return { statusCode: token && Item?.owner === token.owner ? 200 : 404 };
    },
    async list(event) {
      const token = await readToken(event);
      if (!token) return { statusCode: 401 };
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: tables.instances,
          IndexName: 'listed-by-owner',
          KeyConditionExpression: 'listed_owner = :owner',
          ProjectionExpression: '#uuid, #id, #name, #status, failure_message',
          ExpressionAttributeNames: { '#uuid': 'uuid', '#id': 'id', '#name': 'name', '#status': 'status' },
          ExpressionAttributeValues: { ':owner': token.owner },
        }),
      );
      return { statusCode: Items.length > 0 ? 200 : 404 };
    },
  };
}
