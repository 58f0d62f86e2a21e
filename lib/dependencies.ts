// What a deployed function is built from: its settings, read from its environment, and the DynamoDB client, store
// and token verifier made from them. A function builds these once per container, when its module loads; tests,
// scripts and the bench build their own with the same factories.
import type { ApiOptions } from './api.ts';
import { readSettings, type Environment } from './config.ts';
import { createDocumentClient } from './dynamodb.ts';
import { createStore, type InstanceReader } from './store.ts';
import { createVerifier } from './verifiers.ts';

export interface Dependencies extends ApiOptions {
  instances: InstanceReader;
}

export function fromEnvironment(env: Environment): Dependencies {
  const settings = readSettings(env);
  const store = createStore({
    client: createDocumentClient({ requestTimeoutMs: settings.dynamoDbRequestTimeoutMs }),
    tables: settings.tables,
  });
  return {
    instances: store.instances,
    verifier: createVerifier(settings, store.tokens),
    corsOrigins: settings.corsOrigins,
    requestDeadlineMs: settings.requestDeadlineMs,
  };
}
