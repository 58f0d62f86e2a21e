// What every admin command gets: where it reads and writes, the operators' store of the target, progress bars, and
// the argument checks several commands share.
import { InvalidArgumentError } from 'commander';
import type { Progress } from '../imports.ts';
import { isUuid } from '../records.ts';
import type { OperatorStore } from '../store.ts';

/** Where a command reads and writes: the process's own streams, or a test's. */
export interface AdminIo {
  /** Results (a token, one line per change, the export); settles once written, rejects if it cannot be. */
  out(text: string): Promise<void>;
  /** Reasons and summaries. */
  err(text: string): void;
  /** What `tokens revoke -` reads the token from. */
  readonly stdin: NodeJS.ReadableStream;
  /** Standard error when it is a terminal, for progress bars; undefined when it is piped or redirected. */
  terminal?: NodeJS.WritableStream;
}

export interface CommandContext {
  io: AdminIo;
  /** The operators' store on the target's tables (the global options say which). */
  data: () => OperatorStore;
  /** A progress bar on a terminal; nothing when standard error is piped or redirected. */
  progress: (label: string) => Progress | undefined;
}

/** A command that cannot do what it was asked, for the reason it states; it has written nothing. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
}

export function uuid(text: string): string {
  if (!isUuid(text)) throw new InvalidArgumentError('give a lower-case UUID.');
  return text;
}

export function nonEmpty(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('give one that is not empty.');
  return text;
}
