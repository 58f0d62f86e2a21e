// The end-to-end stack, as `npm start` builds it: DynamoDB Local with the sample data plus the fixtures' extra
// owners, and `serverless offline start` on free ports.
import type { TestProject } from 'vitest/node';
import {
  createTables,
  freePort,
  localAwsEnvironment,
  localClient,
  stageEnvironment,
  startDynamoDbLocal,
  startServerlessOffline,
} from '../../scripts/local-stack.ts';
import { loadSampleData } from '../../scripts/sample-data.ts';
import { loadFixtures } from '../fixtures/tenancy.ts';

const STAGE = 'e2e';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamoDb = await startDynamoDbLocal(await freePort());
  const awsEnvironment = localAwsEnvironment(dynamoDb.endpoint);
  try {
    Object.assign(process.env, awsEnvironment, stageEnvironment(STAGE));
    const client = localClient(dynamoDb.endpoint);
    await createTables(client, STAGE);
    client.destroy();
    await loadSampleData();
    await loadFixtures();
    const httpPort = await freePort();
    const offline = await startServerlessOffline({
      stage: STAGE,
      env: awsEnvironment,
      httpPort,
      lambdaPort: await freePort(),
      websocketPort: await freePort(),
    });
    project.provide('apiBaseUrl', `http://127.0.0.1:${httpPort}`);
    return async () => {
      await offline.stop();
      await dynamoDb.stop();
    };
  } catch (error) {
    await dynamoDb.stop();
    throw error;
  }
}
