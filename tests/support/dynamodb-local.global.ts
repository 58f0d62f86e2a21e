// One DynamoDB Local for the whole integration run, on a free port; each test file makes its own tables.
import type { TestProject } from 'vitest/node';
import { freePort, startDynamoDbLocal } from '../../scripts/local-stack.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamoDb = await startDynamoDbLocal(await freePort());
  project.provide('dynamoDbEndpoint', dynamoDb.endpoint);
  return dynamoDb.stop;
}
