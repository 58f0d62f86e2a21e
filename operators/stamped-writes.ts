// Every operator write of instances is one transaction: the instances' own writes and their owners' index updates
// (lib/owner-index.ts), stamped with the database's time (operators/clock.ts) when it is sent, so that a syncing
// client can trust `changed_since` (docs/contract.md section 7.7):
// - each write carries its own time, taken just before it leaves (an import of many transactions, many times);
// - a write whose answer comes more than LATE_MS after its time is stamped again once it is in, so that no change
//   becomes visible carrying a time much older than the moment it became visible (the margin of README's sync
//   recipe counts on it).
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import { MAX_ATTEMPTS, backOff, chunks } from './batch.ts';
import type { DatabaseClock } from './clock.ts';
import { instanceUpdate, ownerIndexUpdate, type TransactItem } from './instance-update.ts';
import { RefusedChange, StaleRead, refusal, type Item } from './refusals.ts';

/** How late an answer may come after its write's time before the write is stamped again. */
const LATE_MS = 2000;
/** Instances stamped again at a time, after a late write. */
const STAMP_AGAIN_AT_ONCE = 10;

/** A write's time, as the tables keep it (RFC 3339 UTC with ms) and as the owners' indexes do (epoch ms). */
export interface Stamp {
  iso: string;
  ms: number;
}

/** An instance as a write leaves it: enough to stamp it again. */
export interface WrittenInstance {
  uuid: string;
  owner: string;
  id: number;
  /** Its version after the write (0: it has none, as a new instance). */
  version: number;
}

interface StampedWrite {
  /** The transaction's actions at a time: the instances' writes first, then their owners' index updates. */
  actions: (at: Stamp) => TransactItem[];
  /** The instances it writes, in the order of their actions. */
  written: readonly WrittenInstance[];
  /** The error to throw when the instance write at `index` is refused over `item` (undefined: none was stored). */
  refused: (index: number, item: Item | undefined) => Error;
  /** The earliest time it may carry (epoch ms): an imported instance's own times, which its updated_at follows. */
  notBefore?: number;
}

export interface StampedWriter {
  /** Writes it; resolves to the time it carries. */
  write(write: StampedWrite): Promise<string>;
}

export function stampedWriter({
  client,
  clock,
  table,
}: {
  client: DynamoDBDocumentClient;
  clock: DatabaseClock;
  table: string;
}): StampedWriter {
  async function write({ actions, written, refused, notBefore = 0 }: StampedWrite, late = stampAgain): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const ms = Math.max(await clock.nowMs(), notBefore);
      const items = actions({ ms, iso: new Date(ms).toISOString() });
      try {
        await faultsAsUnavailable(() => client.send(new TransactWriteCommand({ TransactItems: items })));
      } catch (error) {
        const why = refusal(error);
        if (why?.kind === 'condition') throw refused(why.index, why.item);
        if (why === undefined) throw error;
        // Another transaction held one of its items (an owner's index, most often): wait a little and try again.
        if (attempt === MAX_ATTEMPTS)
          throw new RefusedChange(`Other writes kept holding its items (${MAX_ATTEMPTS} attempts): nothing written.`);
        await backOff(attempt);
        continue;
      }
      if ((await clock.nowMs()) - ms > LATE_MS) await late(written);
      return new Date(ms).toISOString();
    }
  }

  /** Stamps written instances again, each unless it was written again since (its newer time stands). */
  async function stampAgain(instances: readonly WrittenInstance[]): Promise<void> {
    for (const some of chunks(instances, STAMP_AGAIN_AT_ONCE)) {
      await Promise.all(
        some.map(async ({ uuid, owner, id, version }) => {
          try {
            await write(
              {
                actions: (at) => [
                  instanceUpdate(table, uuid, {}, { owner, version, destroyedToo: true }, at.iso),
                  ownerIndexUpdate(table, owner, [{ id }], at.ms),
                ],
                written: [{ uuid, owner, id, version: version + 1 }],
                refused: () => new StaleRead(`${uuid} was written again since.`),
              },
              // A late stamp is stamped once more at most: then the next write's time stands.
              () => Promise.resolve(),
            );
          } catch (error) {
            if (!(error instanceof StaleRead)) throw error;
          }
        }),
      );
    }
  }

  return { write: (stamped) => write(stamped) };
}
