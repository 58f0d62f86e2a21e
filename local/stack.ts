// The local stack, started one way by `npm start`, the test suites' global setups and the bench: DynamoDB Local on
// the machine's Java, a stage's tables created from serverless.yml, the sample data, and the API on
// serverless-offline, each optional. `stop()` stops what was started, the API first; `exited` says when one of them
// stopped on its own, and why.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createTables, localAwsEnvironment, localClient, localDocumentClient } from '../infra/dynamodb.ts';
import { stageEnvironment } from '../infra/serverless-yml.ts';
import { readSettings, type Tables } from '../lib/config.ts';
import { createOperatorStore } from '../operators/store.ts';
import { dynamoDbLocalCommand, ownDynamoDbLocalOn } from './dynamodb-local.ts';
import { showOfflineOutput } from './offline-output.ts';
import { loadSampleData } from './sample-data.ts';
import { spawnTied } from './tied.ts';
import { warmUp } from './warm-up.ts';

interface ApiOptions {
  /** Default: a free port each. */
  httpPort?: number;
  lambdaPort?: number;
  websocketPort?: number;
  /**
   * 'inherit' shows serverless-offline's output (npm start), but not its lines about the requests sent before the
   * stack is returned (the warm-up's); by default it is kept only for errors.
   */
  stdio?: 'inherit' | 'pipe';
  /** More environment for serverless-offline (the functions' settings, e.g. CORS_ORIGINS). */
  env?: Record<string, string>;
}

export interface LocalStackOptions {
  /** DynamoDB Local's port (default: a free one). */
  dynamoDbPort?: number;
  /** The stage whose tables to create; none without. */
  stage?: string;
  /** Load the sample data (docs/contract.md section 6) into the stage's tables. */
  sampleData?: boolean;
  /** Serve the API on serverless-offline for the stage. */
  api?: ApiOptions;
  /** Send the sample owner's requests to the API before returning (local/warm-up.ts says why); needs sample data. */
  warmUp?: boolean;
}

/** A process of the stack that stopped on its own: which, how, and what it said last. */
export interface UnexpectedExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  lastLines: string;
}

export interface LocalStack {
  dynamoDbEndpoint: string;
  /** The stage's tables, when a stage was given. */
  tables?: Tables;
  /** The API's base URL, when it was started. */
  apiUrl?: string;
  /** Where clients connect for the push (docs/contract.md section 7.8), when the API was started. */
  websocketUrl?: string;
  /** Settles when DynamoDB Local or serverless-offline exits before `stop()` was called; never after. */
  exited: Promise<UnexpectedExit>;
  stop: () => Promise<void>;
}

interface RunningProcess {
  name: string;
  process: ChildProcess;
  /** Its last lines of output, stdout and stderr together. */
  lastLines: () => string;
  stop: () => Promise<void>;
}

const KEPT_LINES = 20;

/** Keeps the last lines a child writes, for the message when it fails. */
function keepLastLines(child: ChildProcess): () => string {
  let kept = '';
  const record = (chunk: Buffer) => {
    kept = (kept + chunk.toString())
      .split('\n')
      .slice(-KEPT_LINES - 1)
      .join('\n');
  };
  child.stdout?.on('data', record);
  child.stderr?.on('data', record);
  return () => kept.trimEnd();
}

function assertJava(): void {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer and `java` was not found on PATH. ' +
        'Install it (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless) and try again.',
    );
  }
}

const portFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

async function assertPortFree(port: number, variable: string): Promise<void> {
  if (!(await portFree(port)))
    throw new Error(`Port ${port} is already in use: stop what uses it or set ${variable} to another port.`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() =>
          typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
        );
      });
  });
}

/** Sends SIGTERM and waits for the exit (SIGKILL after 5 s). */
function stopper(child: ChildProcess): () => Promise<void> {
  return async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}

/**
 * DynamoDB Local's JVM with its quick compiler only: on a small machine the optimising compiler's threads take the
 * CPU that its start and its first requests need. One already set in the environment wins.
 */
const DYNAMODB_LOCAL_JVM_OPTIONS = '-XX:TieredStopAtLevel=1';

/** Whether a process of this id is alive (signal 0 tests without signalling). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends SIGTERM to a process that is not our child, and waits for it to be gone (SIGKILL after 5 s). */
async function stopProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; isRunning(pid); waited += 100) {
    if (waited === 5000) process.kill(pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Frees DynamoDB Local's port of this project's own leftover (one whose starter died without stopping it: nothing
 * can use it, and its data was to go with it) and says so; names this project's DynamoDB Local of a running start,
 * with the command that stops that start; else refuses a port in use, as for any other port.
 */
async function claimDynamoDbLocalPort(port: number): Promise<void> {
  if (await portFree(port)) return;
  const own = ownDynamoDbLocalOn(port);
  if (own?.leftover) {
    await stopProcess(own.pid);
    console.log(`Stopped DynamoDB Local (pid ${own.pid}) that an earlier npm start left running on port ${port}.`);
  } else if (own) {
    throw new Error(
      `Port ${port} is DynamoDB Local of another running start of this project (pid ${own.pid}): stop that start ` +
        `(kill ${own.parent}) or set DYNAMODB_PORT to another port.`,
    );
  }
  await assertPortFree(port, 'DYNAMODB_PORT');
}

/** Starts an in-memory DynamoDB Local on the port and resolves once it answers. */
async function startDynamoDbLocal(port: number): Promise<RunningProcess & { endpoint: string }> {
  assertJava();
  await claimDynamoDbLocalPort(port);
  const { command, args, cwd } = dynamoDbLocalCommand(port);
  const child = spawnTied(command, args, {
    cwd,
    env: { ...process.env, JAVA_TOOL_OPTIONS: process.env.JAVA_TOOL_OPTIONS ?? DYNAMODB_LOCAL_JVM_OPTIONS },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lastLines = keepLastLines(child);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited at start:\n${lastLines()}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer within 30 s:\n${lastLines()}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return { name: 'DynamoDB Local', endpoint, process: child, lastLines, stop: stopper(child) };
}

/**
 * Runs `serverless offline start` for the stage on DynamoDB Local and resolves when its HTTP server is ready;
 * `showRequests()` passes on its lines about requests too, when its output is shown.
 */
async function startApi(
  stage: string,
  dynamoDbEndpoint: string,
  options: ApiOptions = {},
): Promise<RunningProcess & { url: string; websocketUrl: string; showRequests: () => void }> {
  const [httpPort, lambdaPort, websocketPort] = [
    options.httpPort ?? (await freePort()),
    options.lambdaPort ?? (await freePort()),
    options.websocketPort ?? (await freePort()),
  ];
  await assertPortFree(httpPort, 'PORT');
  const serverless = fileURLToPath(new URL('../node_modules/.bin/serverless', import.meta.url));
  const ports = ['--httpPort', httpPort, '--lambdaPort', lambdaPort, '--websocketPort', websocketPort].map(String);
  // The push function posts to serverless-offline's own @connections API (serverless.yml's CONNECTIONS_URL).
  const connections = ['--param', `offlineConnectionsUrl=http://127.0.0.1:${websocketPort}`];
  const child = spawnTied(serverless, ['offline', 'start', '--stage', stage, ...ports, ...connections], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, ...localAwsEnvironment(dynamoDbEndpoint), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lastLines = keepLastLines(child);
  const { showRequests } = options.stdio === 'inherit' ? showOfflineOutput(child) : { showRequests: () => {} };
  const ready = new Promise<void>((resolve, reject) => {
    const onData = () => lastLines().includes('Server ready') && resolve();
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serverless offline exited with ${code}:\n${lastLines()}`)));
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`serverless offline not ready within 120 s:\n${lastLines()}`)), 120_000).unref(),
  );
  const stop = stopper(child);
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: 'serverless-offline',
    process: child,
    lastLines,
    stop,
    url: `http://127.0.0.1:${httpPort}`,
    websocketUrl: `ws://127.0.0.1:${websocketPort}`,
    showRequests,
  };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const running: RunningProcess[] = [];
  let stopping = false;
  let reportExit: (exit: UnexpectedExit) => void = () => {};
  const exited = new Promise<UnexpectedExit>((resolve) => (reportExit = resolve));
  const supervise = (started: RunningProcess) => {
    running.push(started);
    const { name, process: child, lastLines } = started;
    const report = () =>
      !stopping && reportExit({ name, code: child.exitCode, signal: child.signalCode, lastLines: lastLines() });
    if (child.exitCode !== null || child.signalCode !== null) report();
    else child.once('exit', report);
  };
  const stop = async (): Promise<void> => {
    stopping = true;
    for (const { stop: stopOne } of [...running].reverse()) await stopOne();
  };
  try {
    // The functions' settings, checked as `serverless package` checks them, before anything starts.
    if (options.api && options.stage !== undefined)
      readSettings(stageEnvironment(options.stage, { ...process.env, ...options.api.env }));
    const dynamoDb = await startDynamoDbLocal(options.dynamoDbPort ?? (await freePort()));
    supervise(dynamoDb);
    const stack: LocalStack = { dynamoDbEndpoint: dynamoDb.endpoint, exited, stop };
    if (options.stage === undefined) return stack;
    stack.tables = await createTables(dynamoDb.endpoint, options.stage);
    if (options.sampleData) {
      const client = localDocumentClient(dynamoDb.endpoint);
      await loadSampleData(createOperatorStore({ client, tables: stack.tables }));
      client.destroy();
    }
    if (options.api) {
      const api = await startApi(options.stage, dynamoDb.endpoint, options.api);
      supervise(api);
      stack.apiUrl = api.url;
      stack.websocketUrl = api.websocketUrl;
      if (options.warmUp) await warmUp(api.url);
      // serverless-offline writes a request's lines before its answer, and on Linux a write to a pipe is synchronous:
      // by the loop's next turn, its lines about the warm-up have been read.
      await new Promise((resolve) => setImmediate(resolve));
      api.showRequests();
    }
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}
