// An integration test file's own API: fresh tables on the run's DynamoDB Local, the real handlers built by the same
// factories as the deployed functions, and the stores to arrange data with. Settings come from an environment object
// given here, never from process.env.
import { randomUUID } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { inject } from 'vitest';
import type { ApiHandler } from '../../lib/api.ts';
import { readSettings, type Environment, type Settings, type Tables } from '../../lib/config.ts';
import { assemble, type Dependencies } from '../../lib/dependencies.ts';
import { detailRoute } from '../../lib/routes/detail.ts';
import { listRoute } from '../../lib/routes/list.ts';
import { createStore, type Store } from '../../lib/store.ts';
import { createTables, localDocumentClient } from '../../infra/dynamodb.ts';
import { createOperatorStore, type OperatorStore } from '../../operators/store.ts';
import { loadSampleData } from '../../local/sample-data.ts';
import { loadFixtures } from '../fixtures/tenancy.ts';

export interface TestApi {
  list: ApiHandler;
  detail: ApiHandler;
  settings: Settings;
  tables: Tables;
  /** A store on the handlers' client (through `dynamoDbEndpoint` when one was given). */
  store: Store;
  /** Writes straight to DynamoDB Local, for arranging data. */
  operator: OperatorStore;
  dependencies: Dependencies;
}

export interface TestApiOptions {
  /**
   * Settings over the tables' names. Unless given, a DynamoDB call gets 5 s and a request 15 s: a busy machine's
   * DynamoDB Local may be slow; the fault tests give the production values.
   */
  env?: Environment;
  /** Where the handlers reach DynamoDB (e.g. a fault proxy in front of DynamoDB Local). */
  dynamoDbEndpoint?: string;
  /** Load the sample data and the tenancy fixtures' accounts. */
  sampleData?: boolean;
  /** The handlers' logger (default: the functions' own). */
  logger?: Logger;
}

async function freshTables(): Promise<{ tables: Tables; operator: OperatorStore }> {
  const endpoint = inject('dynamoDbEndpoint');
  const tables = await createTables(endpoint, `test${randomUUID().slice(0, 8)}`);
  return { tables, operator: createOperatorStore({ client: localDocumentClient(endpoint), tables }) };
}

export async function testApi({
  env = {},
  dynamoDbEndpoint,
  sampleData = false,
  logger,
}: TestApiOptions = {}): Promise<TestApi> {
  const { tables, operator } = await freshTables();
  const settings = readSettings({
    INSTANCES_TABLE: tables.instances,
    TOKENS_TABLE: tables.tokens,
    DYNAMODB_REQUEST_TIMEOUT_MS: '5000',
    REQUEST_DEADLINE_MS: '15000',
    ...env,
  });
  const client = localDocumentClient(dynamoDbEndpoint ?? inject('dynamoDbEndpoint'), settings.dynamoDbRequestTimeoutMs);
  const dependencies = assemble(settings, client, logger && { logger });
  const store = createStore({ client, tables });
  if (sampleData) await Promise.all([loadSampleData(operator), loadFixtures(operator)]);
  return {
    list: listRoute(dependencies),
    detail: detailRoute(dependencies),
    settings,
    tables,
    store,
    operator,
    dependencies,
  };
}
