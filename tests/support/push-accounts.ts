// Owners of their own for the push's end-to-end files, on the e2e stack's tables: a token each (valid, revoked or
// expiring), their instances, and what the connections table holds of them.
import { PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import type { LambdaInstance } from '../../lib/items.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { stageTables, tableDeclarations } from '../../infra/serverless-yml.ts';
import { createOperatorStore } from '../../operators/store.ts';
import type { NewInstance } from '../../operators/imports.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';

const client = localDocumentClient(inject('dynamoDbEndpoint'));
export const operator = createOperatorStore({ client, tables: stageTables('e2e') });
const CONNECTIONS = tableDeclarations('e2e')
  .map(({ create }) => String(create.TableName))
  .find((name) => name.endsWith('-connections'))!;

export interface Account {
  owner: string;
  token: string;
  digest: string;
}

/** A new owner with a token of its own; revoked, or expiring at `expiresAt` (epoch seconds), when asked. */
export async function account({ revoked = false, expiresAt }: { revoked?: boolean; expiresAt?: number } = {}) {
  const owner = crypto.randomUUID();
  const token = `push-e2e-${owner}`;
  const digest = digestToken(token);
  const createdAt = Math.floor(Date.now() / 1000);
  await operator.tokens.put({ digest, owner, createdAt, revoked, ...(expiresAt !== undefined && { expiresAt }) });
  return { owner, token, digest } satisfies Account;
}

/** A new instance of the owner, not yet stored. */
export const newInstance = (owner: string, name = 'Pushed instance'): NewInstance => ({
  ...SEED_DETAILS_INSTANCE,
  uuid: crypto.randomUUID(),
  owner,
  name,
  status: '2',
  failureMessage: '',
});

export const create = (owner: string, count: number): Promise<LambdaInstance[]> =>
  operator.instances.create(Array.from({ length: count }, (_, n) => newInstance(owner, `Pushed instance ${n}`)));

/** The connections table's rows of the owner. */
export async function storedConnections(owner: string) {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: CONNECTIONS,
      KeyConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': owner },
      ConsistentRead: true,
    }),
  );
  return Items as { owner: string; connection_id: string; token_digest: string; expires_at: number }[];
}

/** How many rows of the connections table hold this token digest, whoever the owner. */
export async function connectionsWithDigest(digest: string): Promise<number> {
  const { Count = 0 } = await client.send(
    new ScanCommand({
      TableName: CONNECTIONS,
      FilterExpression: 'token_digest = :digest',
      ExpressionAttributeValues: { ':digest': digest },
    }),
  );
  return Count;
}

/** A row for a connection that does not exist (its client went away without API Gateway's $disconnect). */
export async function storeGoneConnection({ owner, digest }: Account): Promise<string> {
  const connectionId = `gone-${crypto.randomUUID()}`;
  const now = Math.floor(Date.now() / 1000);
  await client.send(
    new PutCommand({
      TableName: CONNECTIONS,
      Item: { owner, connection_id: connectionId, token_digest: digest, connected_at: now, expires_at: now + 7500 },
    }),
  );
  return connectionId;
}

/** Waits until the check holds (polled every 100 ms), or fails after timeoutMs. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
