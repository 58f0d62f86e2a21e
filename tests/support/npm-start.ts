// `npm start` as a developer runs it (through npm, or its script on this Node) on free ports: its URL, its output, its
// processes and its exit. Linux only: its processes are found in /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../local/stack.ts';

export interface NpmStart {
  url: string;
  dynamoDbEndpoint: string;
  /** Its four ports: the API's, DynamoDB Local's, serverless-offline's Lambda and WebSocket ones. */
  ports: number[];
  /** The process started: npm, or node running scripts/start.ts. */
  pid: number;
  /** Everything it wrote so far, stdout and stderr. */
  output: () => string;
  /** The pid of its descendant whose command line contains `part` (`DynamoDBLocal.jar`, `serverless`). */
  childPid: (part: string) => number;
  /** Its exit code (null after a signal). */
  exited: Promise<number | null>;
  /** Ctrl-C, and the wait for it to stop what it started. */
  stop: () => Promise<void>;
}

interface NpmStartOptions {
  /** `npm start` itself, as a terminal or an IDE runs it; by default its script, `node scripts/start.ts`. */
  viaNpm?: boolean;
  /** DynamoDB Local's port (default: a free one). */
  dynamoDbPort?: number;
}

const READY = 'is running at';

const commandLine = (pid: string): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return ''; // gone meanwhile
  }
};

const children = (pid: string): string[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean);
  } catch {
    return [];
  }
};

export async function npmStart(readyWithinMs: number, options: NpmStartOptions = {}): Promise<NpmStart> {
  const ports = [await freePort(), options.dynamoDbPort ?? (await freePort()), await freePort(), await freePort()];
  const [port, dynamoDbPort, lambdaPort, websocketPort] = ports.map(String) as [string, string, string, string];
  const [command, args] = options.viaNpm ? ['npm', ['start']] : [process.execPath, ['scripts/start.ts']];
  const child = spawn(command, args, {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: {
      ...process.env,
      PORT: port,
      DYNAMODB_PORT: dynamoDbPort,
      LAMBDA_PORT: lambdaPort,
      WEBSOCKET_PORT: websocketPort,
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
    const descendants = children(String(child.pid));
    for (const pid of descendants) {
      if (commandLine(pid).includes(part)) return Number(pid);
      descendants.push(...children(pid));
    }
    throw new Error(`npm start has no process running ${part}`);
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
    ports,
    pid: child.pid!,
    output: () => output,
    childPid,
    exited,
    stop,
  };
}
