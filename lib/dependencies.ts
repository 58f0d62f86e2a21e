// What a function is built from: its settings, and the store and token verifier made from them on a DynamoDB client.
// The one assembly: a deployed function builds it once per container from its environment (`fromEnvironment`);
// tests and the bench build it on their own client (DynamoDB Local, or a proxy in front of it) with `assemble`.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApiOptions } from './api.ts';
import { readSettings, type Environment, type Settings } from './config.ts';
import { createDocumentClient } from './dynamodb.ts';
import { createStore, type InstanceReader } from './store.ts';
import { createVerifier } from './verifiers.ts';

export interface Dependencies extends ApiOptions {
  instances: InstanceReader;
}

export function assemble(
  settings: Settings,
  client: DynamoDBDocumentClient,
  options: Pick<ApiOptions, 'logger'> = {},
): Dependencies {
  const store = createStore({ client, tables: settings.tables });
  return {
    instances: store.instances,
    verifier: createVerifier(settings, store.tokens),
    corsOrigins: settings.corsOrigins,
    requestDeadlineMs: settings.requestDeadlineMs,
    ...options,
  };
}

export function fromEnvironment(env: Environment): Dependencies {
  const settings = readSettings(env);
  return assemble(settings, createDocumentClient({ requestTimeoutMs: settings.dynamoDbRequestTimeoutMs }));
}
