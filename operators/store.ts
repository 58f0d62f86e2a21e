// Everything operators write (the admin CLI, the sample data, tests and the bench), by concern: instances
// (operators/instances.ts) and tokens (operators/tokens.ts), over the batch and retry plumbing of operators/batch.ts.
// The functions never load this; it shares lib/items.ts's item mapping with their store (lib/store.ts).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tables } from '../lib/config.ts';
import { createBatches } from './batch.ts';
import { createInstanceWriter, type InstanceWriter } from './instances.ts';
import { createTokenAdmin, type TokenAdmin } from './tokens.ts';

export interface OperatorStore {
  instances: InstanceWriter;
  tokens: TokenAdmin;
}

export function createOperatorStore({
  client,
  tables,
}: {
  client: DynamoDBDocumentClient;
  tables: Tables;
}): OperatorStore {
  const batches = createBatches(client);
  return {
    instances: createInstanceWriter({ client, tables, batches }),
    tokens: createTokenAdmin({ client, tables, batches }),
  };
}
