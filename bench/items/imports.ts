// An operators' import of new instances (`instances import` without its file): transactions of up to 100, each
// stamped on the database's clock and moving its owners' indexes. Reported in instances per second; fa38ad0's CLI,
// with one time for the whole import and no owners' indexes, took 206 s for 100,000 (485 a second).
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { importRecords } from '../data.ts';
import { valueRow, type Row } from '../rows.ts';
import type { Setup } from '../setup.ts';

export async function imports(setup: Setup): Promise<Row[]> {
  const client = localDocumentClient(setup.dynamoDbEndpoint);
  const { instances } = createOperatorStore({ client, tables: setup.tables });
  const records = importRecords(setup.sizes.imported);
  const started = performance.now();
  const { created } = await instances.importInstances(records);
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return [valueRow(`import of ${created} new instances: throughput`, created / seconds, 'instances/s')];
}
