// What every admin command gets: where it reads and writes, the operators' store of the target, progress bars, and
// the argument checks several commands share.
import { InvalidArgumentError } from 'commander';
import type { Progress } from '../imports.ts';
import { asUuid } from '../records.ts';
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
  /** A count of what was done so far, for work whose total is unknown (a scan), on a terminal only. */
  counter: (label: string) => Counter | undefined;
}

interface Counter {
  update: (count: number) => void;
  /** Takes the count off the terminal: call it however the work ends. */
  stop: () => void;
}

/** A command that cannot do what it was asked, for the reason it states; it has written nothing. */
export class CommandFailed extends Error {
  override readonly name = 'CommandFailed';
}

/** A UUID in any letter case, as the tables keep it: in lower case. */
export function uuid(text: string): string {
  const lower = asUuid(text);
  if (lower === undefined) throw new InvalidArgumentError('give a UUID.');
  return lower;
}

export function nonEmpty(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('give one that is not empty.');
  return text;
}
