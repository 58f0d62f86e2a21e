// `npm run admin -- <command>`: tokens and instances administration (the commands: operators/commands/). Works on
// DynamoDB Local (the tables of `npm start`) by default, and on AWS when given --stage or --region. Every command
// checks all of its input before it writes anything; a refusal exits 1 with the reason on standard error. Tests run
// admin() in-process.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommanderError } from 'commander';
import { createDocumentClient } from '../lib/dynamodb.ts';
import { readAll } from '../lib/config.ts';
import { stageTables } from '../infra/serverless-yml.ts';
import { localDocumentClient } from '../infra/dynamodb.ts';
import { LOCAL_PORTS } from '../infra/local-ports.ts';
import { RefusedChange } from '../operators/refusals.ts';
import { createOperatorStore } from '../operators/store.ts';
import { CommandFailed, type AdminIo, type CommandContext } from '../operators/commands/context.ts';
import { addInstanceCommands } from '../operators/commands/instances.ts';
import { addTokenCommands } from '../operators/commands/tokens.ts';

interface Target {
  stage?: string;
  region?: string;
  endpoint?: string;
}

/** Where npm start's DynamoDB Local listens (DYNAMODB_PORT), by npm start's rules. */
const localDynamoDbPort = () => readAll({ port: LOCAL_PORTS.dynamoDb }, process.env).port;

/** The admin program, writing to `io`; each client it opens is handed to `opened`, to be closed when it is done. */
function adminProgram(io: AdminIo, opened: (client: DynamoDBDocumentClient) => void, outputs: Promise<void>[]) {
  const program = new Command('admin')
    .description('Administration of lambda-instances-api: tokens and instances.')
    .option('--stage <stage>', 'the deployed stage whose tables to use (AWS; default: the local tables of npm start)')
    .option('--region <region>', 'AWS region of the stage')
    .option('--endpoint <url>', 'a DynamoDB endpoint to use instead (e.g. another DynamoDB Local)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => outputs.push(io.out(text)),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(text),
    });

  const context: CommandContext = {
    io,
    // The target's tables: the local ones of `npm start` by default, a deployed stage's with --stage or --region.
    data: () => {
      const { stage, region, endpoint } = program.opts<Target>();
      const onAws = endpoint === undefined && (stage !== undefined || region !== undefined);
      // Administration moves more data than a request: give DynamoDB time.
      const requestTimeoutMs = 10_000;
      const client = onAws
        ? createDocumentClient({ requestTimeoutMs, ...(region !== undefined && { region }) })
        : localDocumentClient(endpoint ?? `http://127.0.0.1:${localDynamoDbPort()}`, requestTimeoutMs);
      opened(client);
      return createOperatorStore({ client, tables: stageTables(stage ?? (onAws ? 'dev' : 'local')) });
    },
    progress: (label) => {
      if (!io.terminal) return undefined;
      const bar = new SingleBar(
        { format: `${label} {bar} {value}/{total}`, stream: io.terminal, clearOnComplete: true },
        Presets.shades_classic,
      );
      return (done, total) => {
        if (done === 0 || !bar.isActive) bar.start(total, done);
        bar.update(done);
        if (done >= total) bar.stop();
      };
    },
    counter: (label) => {
      if (!io.terminal) return undefined;
      const shown = new SingleBar({ format: `${label} {value}`, stream: io.terminal, clearOnComplete: true });
      shown.start(0, 0);
      return { update: (count) => shown.update(count), stop: () => shown.stop() };
    },
  };
  addTokenCommands(program, context);
  addInstanceCommands(program, context);
  pointToHelpAfterErrors(program);
  return program;
}

/** An argument error is its message and where to read more, as git does, not the whole usage. */
function pointToHelpAfterErrors(command: Command, path = command.name()): void {
  command.showHelpAfterError(`See '${path} --help'.`);
  for (const subcommand of command.commands) pointToHelpAfterErrors(subcommand, `${path} ${subcommand.name()}`);
}

/** Runs one admin command line (without `node admin.ts`); resolves to its exit code. */
export async function admin(args: readonly string[], io: AdminIo): Promise<number> {
  const clients: DynamoDBDocumentClient[] = [];
  const outputs: Promise<void>[] = [];
  try {
    await adminProgram(io, (client) => clients.push(client), outputs).parseAsync(args, { from: 'user' });
    await Promise.all(outputs);
    return 0;
  } catch (error) {
    // Commander has printed its own errors (usage) and help already.
    if (error instanceof CommanderError) return error.exitCode;
    const known = error instanceof CommandFailed || error instanceof RefusedChange;
    io.err(`${known ? '' : 'Failed: '}${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    for (const client of clients) client.destroy();
  }
}

/** The process's streams; a standard output that fails (a full disk, a closed pipe) rejects, never crashes. */
function processIo(): AdminIo {
  process.stdout.on('error', () => undefined);
  return {
    out: (text) =>
      new Promise((resolve, reject) =>
        process.stdout.write(text, (error) =>
          error ? reject(new CommandFailed(`Cannot write to standard output: ${error.message}`)) : resolve(),
        ),
      ),
    err: (text) => process.stderr.write(text),
    // Only `tokens revoke -` reads it: the stream is made when asked for.
    get stdin() {
      return process.stdin;
    },
    ...(process.stderr.isTTY && { terminal: process.stderr }),
  };
}

if (import.meta.main) process.exitCode = await admin(process.argv.slice(2), processIo());
