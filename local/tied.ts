// Children that do not outlive the process that started them. stop() and npm start's signal handlers stop the local
// stack's processes; a kill -9 of their parent runs neither, and left DynamoDB Local and serverless-offline serving.
import {
  spawn,
  spawnSync,
  type ChildProcessByStdio,
  type SpawnOptionsWithStdioTuple,
  type StdioNull,
  type StdioPipe,
} from 'node:child_process';
import type { Readable } from 'node:stream';

let tying: boolean | undefined;

/** util-linux's setpriv can set the parent-death signal (Linux; BusyBox's setpriv cannot). Asked once. */
const canTie = (): boolean =>
  (tying ??= process.platform === 'linux' && spawnSync('setpriv', ['--pdeathsig', 'KILL', 'true']).status === 0);

/**
 * Spawns a child that Linux kills (SIGKILL) as soon as this process ends, however it ends: `setpriv --pdeathsig`
 * execs the command with the parent-death signal set. Elsewhere the child is spawned as it is.
 */
export function spawnTied(
  command: string,
  args: readonly string[],
  options: SpawnOptionsWithStdioTuple<StdioNull, StdioPipe, StdioPipe>,
): ChildProcessByStdio<null, Readable, Readable> {
  return canTie()
    ? spawn('setpriv', ['--pdeathsig', 'KILL', command, ...args], options)
    : spawn(command, args, options);
}

/** Calls `onGone` once the process that started this one has exited (its parent changes). Node has no event for it. */
export function whenParentGone(onGone: () => void): void {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, 1000).unref();
}
