// `npm start` as a developer runs it (its script, on this Node) on free ports: its URL, its output, its child
// processes and its exit. Linux only: the children are found in /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../local/stack.ts';

export interface NpmStart {
  url: string;
  dynamoDbEndpoint: string;
  /** Everything it wrote so far, stdout and stderr. */
  output: () => string;
  /** The pid of its child process whose command line contains `part` (`DynamoDBLocal.jar`, `serverless`). */
  childPid: (part: string) => number;
  /** Its exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Ctrl-C, and the wait for it to stop what it started. */
  stop: () => Promise<void>;
}

const READY = 'is running at';

const commandLine = (pid: string): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return ''; // gone meanwhile
  }
};

export async function npmStart(readyWithinMs: number): Promise<NpmStart> {
  const [port, lambdaPort, websocketPort, dynamoDbPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const child = spawn(process.execPath, ['scripts/start.ts'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: {
      ...process.env,
      PORT: String(port),
      LAMBDA_PORT: String(lambdaPort),
      WEBSOCKET_PORT: String(websocketPort),
      DYNAMODB_PORT: String(dynamoDbPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const childPid = (part: string): number => {
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ');
    const found = children.find((pid) => commandLine(pid).includes(part));
    if (found === undefined) throw new Error(`npm start has no child process running ${part}`);
    return Number(found);
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT');
    await exited;
  };
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`npm start not ready within ${readyWithinMs} ms`)), readyWithinMs).unref(),
  );
  const failed = exited.then((code) => Promise.reject(new Error(`npm start exited with ${code}`)));
  try {
    await Promise.race([ready, timeout, failed]);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}:\n${output}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    dynamoDbEndpoint: `http://127.0.0.1:${dynamoDbPort}`,
    output: () => output,
    childPid,
    exited,
    stop,
  };
}
