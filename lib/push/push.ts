// The push function (docs/contract.md section 7.8): each change of an instance, read from the instances table's
// stream, goes to its owner's open connections as a changed_since list item. One owner's changes in a batch share
// messages; owners and connections are told in parallel. A connection that is gone is forgotten; one whose token no
// longer holds is closed and forgotten; neither fails anything. A record whose owner could not be told is reported
// failed (Powertools batch), so that Lambda retries it, splits the batch, and at last gives it to the on-failure
// queue, never holding back the stream.
import type { Logger } from '@aws-lambda-powertools/logger';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import pMap from 'p-map';
import { logger as sharedLogger } from '../logger.ts';
import { changeOf, pack, type Change } from './changes.ts';
import type { Connection, ConnectionStore } from './connections.ts';
import type { ConnectionsApi } from './management.ts';

export interface PushDependencies {
  connections: ConnectionStore;
  api: ConnectionsApi;
  /** Whether the token of this digest still holds (the tokens table, remembered for TOKEN_CACHE_SECONDS). */
  tokenHolds: (digest: string) => Promise<boolean>;
  logger?: Logger;
}

/**
 * Connections told at once: what the management client keeps open to API Gateway (the SDK's 50 sockets). More would
 * wait for a socket inside the SDK, where their time to answer would already be running.
 */
const CONNECTIONS_AT_ONCE = 50;

export type PushHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/** Each record's change (or undefined: nothing to tell), or the error that reading it raised (logged). */
function readRecords(records: readonly DynamoDBRecord[], logger: Logger): Map<string, Change | undefined | Error> {
  const read = new Map<string, Change | undefined | Error>();
  for (const record of records) {
    try {
      read.set(record.eventID ?? '', changeOf(record));
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      logger.warn('A change that cannot be pushed', {
        sequenceNumber: record.dynamodb?.SequenceNumber,
        error: failure,
      });
      read.set(record.eventID ?? '', failure);
    }
  }
  return read;
}

/** Each owner's changes, the last one of each instance only (a record's order in the stream is its instance's). */
function byOwner(changes: Iterable<Change | undefined | Error>): Map<string, Change[]> {
  const owners = new Map<string, Map<string, Change>>();
  for (const change of changes) {
    if (change === undefined || change instanceof Error) continue;
    const instances = owners.get(change.owner) ?? new Map<string, Change>();
    instances.delete(change.uuid);
    owners.set(change.owner, instances.set(change.uuid, change));
  }
  return new Map([...owners].map(([owner, instances]) => [owner, [...instances.values()]]));
}

/** The promise kept under `key`, made on its first use. */
function kept<T>(promises: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const known = promises.get(key);
  if (known) return known;
  const made = make();
  promises.set(key, made);
  return made;
}

export function pushRoute({ connections, api, tokenHolds, logger = sharedLogger }: PushDependencies): PushHandler {
  /** Tells one connection the messages, unless it is gone or its token no longer holds. */
  async function tell(
    connection: Connection,
    messages: readonly string[],
    holds: (digest: string) => Promise<boolean>,
  ) {
    if (!(await holds(connection.tokenDigest))) {
      await api.close(connection.connectionId);
      await connections.forget(connection);
      return;
    }
    for (const message of messages) {
      if ((await api.send(connection.connectionId, message)) === 'gone') {
        await connections.forget(connection);
        return;
      }
    }
  }

  /**
   * Tells every open connection of the owner, CONNECTIONS_AT_ONCE at a time; fails if any of them could not be told,
   * once all were tried.
   */
  async function deliver(owner: string, changes: Change[], holds: (digest: string) => Promise<boolean>) {
    const { messages, tooLarge } = pack(changes);
    for (const { uuid } of tooLarge) logger.warn('A change too large to push', { uuid });
    if (messages.length === 0) return;
    const open = await connections.ofOwner(owner);
    try {
      await pMap(open, (connection) => tell(connection, messages, holds), {
        concurrency: CONNECTIONS_AT_ONCE,
        stopOnError: false,
      });
    } catch (error) {
      const failures = error instanceof AggregateError ? (error.errors as Error[]) : [error as Error];
      const reasons = [...new Set(failures.map(({ name, message }) => `${name}: ${message}`))];
      logger.warn('Could not tell every connection of an owner', {
        owner,
        failed: failures.length,
        of: open.length,
        reasons,
      });
      throw error;
    }
  }

  return async (event, context) => {
    const read = readRecords(event.Records, logger);
    const changes = byOwner(read.values());
    // One look at each token per batch, however many connections present it; one delivery per owner.
    const verdicts = new Map<string, Promise<boolean>>();
    const holds = (digest: string) => kept(verdicts, digest, () => tokenHolds(digest));
    const deliveries = new Map<string, Promise<void>>();
    const deliveryTo = (owner: string) =>
      kept(deliveries, owner, () => deliver(owner, changes.get(owner) ?? [], holds));

    return processPartialResponse(
      event,
      async (record: DynamoDBRecord) => {
        const change = read.get(record.eventID ?? '');
        if (change instanceof Error) throw change;
        if (change !== undefined) await deliveryTo(change.owner);
      },
      new BatchProcessor(EventType.DynamoDBStreams),
      { context },
    );
  };
}
