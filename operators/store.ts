// Everything operators write (the admin CLI, the sample data, tests and the bench), by concern: instances
// (operators/instances.ts) and tokens (operators/tokens.ts), over the batch plumbing of operators/batch.ts and the
// stamped writes of operators/stamped-writes.ts on the database's clock. The functions never load this; it shares
// lib/items.ts's item mapping with their store (lib/store.ts).
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Tables } from '../lib/config.ts';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import { createBatches, type Batches } from './batch.ts';
import { databaseClock, type DatabaseClock } from './clock.ts';
import { createInstanceWriter, type InstanceWriter } from './instances.ts';
import { stampedWriter, type StampedWriter } from './stamped-writes.ts';
import { createTokenAdmin, type TokenAdmin } from './tokens.ts';

export interface OperatorStore {
  instances: InstanceWriter;
  tokens: TokenAdmin;
  /** The database's time, as the writes stamp it. */
  clock: DatabaseClock;
}

/** What each of the operators' stores is built on. */
export interface StoreParts {
  client: DynamoDBDocumentClient;
  tables: Tables;
  batches: Batches;
  /** The database's time, for every write's stamp. */
  clock: DatabaseClock;
  writer: StampedWriter;
}

export function createOperatorStore({
  client,
  tables,
}: {
  client: DynamoDBDocumentClient;
  tables: Tables;
}): OperatorStore {
  // The first answer sets the clock; a DescribeTable reads no item and costs nothing.
  const clock = databaseClock(client, () =>
    faultsAsUnavailable(() => client.send(new DescribeTableCommand({ TableName: tables.instances }))),
  );
  const parts: StoreParts = {
    client,
    tables,
    batches: createBatches(client),
    clock,
    writer: stampedWriter({ client, clock, table: tables.instances }),
  };
  return { instances: createInstanceWriter(parts), tokens: createTokenAdmin(parts), clock };
}
