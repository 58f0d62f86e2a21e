// DynamoDB for a stage, as the admin CLI, the local stack, the tests and the bench reach it: a document client on a
// deployed stage (AWS) or on a DynamoDB endpoint (DynamoDB Local), and a stage's tables created there from
// serverless.yml. Nothing here starts a process: the local stack (local/stack.ts) does.
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tables } from '../lib/config.ts';
import { createDocumentClient } from '../lib/dynamodb.ts';
import { stageTables, tableDeclarations } from './serverless-yml.ts';

/** DynamoDB Local rejects non-alphanumeric access keys; it ignores them otherwise. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const LOCAL_REGION = 'eu-central-1';

/** The AWS SDK's own variables that point a process at DynamoDB Local. */
export function localAwsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
  };
}

/** A low-level client on DynamoDB Local, for table administration. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** A document client on DynamoDB Local, bounded like the functions' (generous timeouts by default: a busy machine). */
export function localDocumentClient(endpoint: string, requestTimeoutMs = 10_000): DynamoDBDocumentClient {
  return createDocumentClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, requestTimeoutMs });
}

/** Creates the stage's tables, as serverless.yml declares them, on DynamoDB Local; returns their names. */
export async function createTables(endpoint: string, stage: string): Promise<Tables> {
  const client = localClient(endpoint);
  try {
    await Promise.all(
      tableDeclarations(stage).map(async ({ create, timeToLive }) => {
        await client.send(new CreateTableCommand(create));
        if (timeToLive)
          await client.send(
            new UpdateTimeToLiveCommand({ TableName: create.TableName, TimeToLiveSpecification: timeToLive }),
          );
      }),
    );
  } finally {
    client.destroy();
  }
  return stageTables(stage);
}
