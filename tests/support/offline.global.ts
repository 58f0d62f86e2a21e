// The end-to-end stack, as `npm start` builds it (DynamoDB Local with the sample data, the API on serverless-offline,
// on free ports), plus the fixtures' extra accounts. Verified tokens are trusted for 2 seconds, not 60, so that a
// revoked token's push connection is seen closed within a test.
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../local/stack.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { loadFixtures } from '../fixtures/tenancy.ts';
import { E2E_ORIGIN, E2E_TOKEN_CACHE_SECONDS } from './contract.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startLocalStack({
    stage: 'e2e',
    sampleData: true,
    api: { env: { CORS_ORIGINS: E2E_ORIGIN, TOKEN_CACHE_SECONDS: String(E2E_TOKEN_CACHE_SECONDS) } },
  });
  try {
    const client = localDocumentClient(stack.dynamoDbEndpoint);
    await loadFixtures(createOperatorStore({ client, tables: stack.tables! }));
    client.destroy();
    project.provide('apiBaseUrl', stack.apiUrl!);
    project.provide('websocketUrl', stack.websocketUrl!);
    project.provide('dynamoDbEndpoint', stack.dynamoDbEndpoint);
    return stack.stop;
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
