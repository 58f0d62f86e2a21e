// One DynamoDB Local for the whole integration run, on a free port; each test file makes its own tables.
import type { TestProject } from 'vitest/node';
import { startLocalStack } from '../../local/stack.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startLocalStack();
  project.provide('dynamoDbEndpoint', stack.dynamoDbEndpoint);
  return stack.stop;
}
