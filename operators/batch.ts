// The plumbing of the operators' bulk reads and writes: DynamoDB's batch calls in their size limits with unprocessed
// items retried with backoff, full-table scans, and the backoff every retry of an operator's write shares.
import { BatchGetCommand, BatchWriteCommand, paginateScan, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import type { Item } from './refusals.ts';

const BATCH_WRITE_LIMIT = 25;
const BATCH_GET_LIMIT = 100;
const SCAN_LIMIT = 1000;
/**
 * Batch reads under way at a time: an operator far from the database waits a round trip per 400 items, not 100. More
 * (8) left the bench's eight bulk loaders waiting over the client's 300 ms to connect to a busy DynamoDB Local.
 */
const GETS_AT_ONCE = 4;
/** Attempts of a batch's unprocessed items, and of a read-modify-write that lost a race, before giving up. */
export const MAX_ATTEMPTS = 8;

/** A batch write that DynamoDB kept refusing part of: what was written and what was not. */
export class IncompleteWrite extends Error {
  override readonly name = 'IncompleteWrite';
  readonly written: number;
  readonly unwritten: string[];
  constructor(written: number, unwritten: string[]) {
    super(
      `Wrote ${written} of ${written + unwritten.length} items; DynamoDB still refused ${unwritten.length} after ` +
        `${MAX_ATTEMPTS} attempts, not written: ${unwritten.join(', ')}. Run the same command again to write them.`,
    );
    this.written = written;
    this.unwritten = unwritten;
  }
}

/** A scan's filter, in DynamoDB's expression language. */
interface ScanFilter {
  expression: string;
  names: Record<string, string>;
  values?: Record<string, unknown>;
}

export interface Batches {
  /** Puts the items 25 a call; unprocessed ones are retried with backoff, then reported (IncompleteWrite) by `keyOf`. */
  put<T extends Item>(table: string, items: readonly T[], keyOf: (item: T) => string): Promise<void>;
  /**
   * The stored items of these keys, read consistently 100 a call, GETS_AT_ONCE calls at a time; unprocessed keys are
   * retried with backoff.
   */
  get(table: string, keys: readonly Item[]): Promise<Item[]>;
  /** Every item of a table that passes the filter (administration only: the API never scans). */
  scan(table: string, filter?: ScanFilter, onProgress?: (scanned: number) => void): Promise<Item[]>;
}

export function chunks<T>(all: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(all.length / size) }, (_, index) =>
    all.slice(index * size, (index + 1) * size),
  );
}

/** Waits a random time up to 25 ms x 2^attempt, at most 2 s ("full jitter"), so that retrying writers spread out. */
export const backOff = (attempt: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2000, 25 * 2 ** attempt)));

export function createBatches(client: DynamoDBDocumentClient): Batches {
  return {
    async put(table, items, keyOf) {
      let written = 0;
      for (const [index, group] of chunks(items, BATCH_WRITE_LIMIT).entries()) {
        let pending = group;
        for (let attempt = 1; pending.length > 0; attempt++) {
          if (attempt > MAX_ATTEMPTS) {
            const later = items.slice((index + 1) * BATCH_WRITE_LIMIT);
            throw new IncompleteWrite(written, [...pending, ...later].map(keyOf));
          }
          if (attempt > 1) await backOff(attempt);
          const batch = pending;
          const output = await faultsAsUnavailable(() =>
            client.send(
              new BatchWriteCommand({ RequestItems: { [table]: batch.map((Item) => ({ PutRequest: { Item } })) } }),
            ),
          );
          pending = (output.UnprocessedItems?.[table] ?? []).map(({ PutRequest }) => PutRequest?.Item as never);
          written += batch.length - pending.length;
        }
      }
    },

    async get(table, keys) {
      const read = await pMap(
        chunks(keys, BATCH_GET_LIMIT),
        async (group) => {
          const found: Item[] = [];
          let pending: Item[] = group;
          for (let attempt = 1; pending.length > 0; attempt++) {
            if (attempt > MAX_ATTEMPTS) throw new Error(`DynamoDB kept refusing to read ${pending.length} items.`);
            if (attempt > 1) await backOff(attempt);
            const batch = pending;
            const output = await faultsAsUnavailable(() =>
              client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: batch, ConsistentRead: true } } })),
            );
            found.push(...(output.Responses?.[table] ?? []));
            pending = output.UnprocessedKeys?.[table]?.Keys ?? [];
          }
          return found;
        },
        { concurrency: GETS_AT_ONCE },
      );
      return read.flat();
    },

    async scan(table, filter, onProgress) {
      const items: Item[] = [];
      // A page of at most SCAN_LIMIT items: without a Limit, DynamoDB Local reads the rest of the table for every 1 MB.
      const pages = paginateScan(
        { client, pageSize: SCAN_LIMIT },
        {
          TableName: table,
          ...(filter && { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }),
          ...(filter?.values && Object.keys(filter.values).length > 0 && { ExpressionAttributeValues: filter.values }),
        },
      );
      let scanned = 0;
      await faultsAsUnavailable(async () => {
        for await (const page of pages) {
          items.push(...(page.Items ?? []));
          onProgress?.((scanned += page.ScannedCount ?? 0));
        }
      });
      return items;
    },
  };
}
