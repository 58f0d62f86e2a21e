// `npm run admin -- <command>`: tokens and instances administration. Works on DynamoDB Local (the tables of
// `npm start`) by default, and on AWS when given --stage or --region.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { digestToken } from '../lib/auth.ts';
import { createDocumentClient } from '../lib/dynamodb.ts';
import { isUuid, parseRecords, toRecord } from './instance-records.ts';
import { localDocumentClient } from './local-stack.ts';
import { createOperatorStore, type OperatorStore } from './operator-store.ts';
import { stageTables } from './serverless-yml.ts';

const DIGEST_SHOWN = 12;
const DURATION = /^(\d+)([smhdw]?)$/;
const SECONDS_PER_UNIT: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

interface Target {
  stage?: string;
  region?: string;
  endpoint?: string;
}

/** 256 bits from the OS's secure generator, never starting with '-' (it would read as an option on a command line). */
function newToken(): string {
  for (;;) {
    const token = randomBytes(32).toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}

function durationSeconds(text: string): number {
  const match = DURATION.exec(text);
  const seconds = match ? Number(match[1]) * SECONDS_PER_UNIT[match[2] ?? '']! : 0;
  if (seconds < 1) throw new InvalidArgumentError('give a duration such as 3600s, 45m, 12h, 30d or 2w.');
  return seconds;
}

function uuid(text: string): string {
  if (!isUuid(text)) throw new InvalidArgumentError('give a lower-case UUID.');
  return text;
}

/** The target's tables: the local ones of `npm start` by default, a deployed stage's with --stage or --region. */
function data(program: Command): OperatorStore {
  const { stage, region, endpoint } = program.opts<Target>();
  const onAws = endpoint === undefined && (stage !== undefined || region !== undefined);
  // Administration moves more data than a request: give DynamoDB time.
  const requestTimeoutMs = 10_000;
  const client = onAws
    ? createDocumentClient({ requestTimeoutMs, ...(region !== undefined && { region }) })
    : localDocumentClient(endpoint ?? `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? 8000}`, requestTimeoutMs);
  return createOperatorStore({ client, tables: stageTables(stage ?? (onAws ? 'dev' : 'local')) });
}

const isoTime = (seconds: number | undefined): string =>
  seconds === undefined ? 'never' : new Date(seconds * 1000).toISOString();

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const program = new Command('admin')
  .description('Administration of lambda-instances-api: tokens and instances.')
  .option('--stage <stage>', 'the deployed stage whose tables to use (AWS; default: the local tables of npm start)')
  .option('--region <region>', 'AWS region of the stage')
  .option('--endpoint <url>', 'a DynamoDB endpoint to use instead (e.g. another DynamoDB Local)')
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

const tokensCommand = program.command('tokens').description('create, revoke and list API tokens');

tokensCommand
  .command('create')
  .description('generate a token for an owner; the token is printed once and only its SHA-256 digest is stored')
  .requiredOption('--owner <uuid>', 'the ~okeanos user the token belongs to', uuid)
  .option('--expires-in <duration>', 'lifetime, e.g. 30d, 12h, 45m (default: no expiry)', durationSeconds)
  .option('--label <text>', 'a note to recognise the token by')
  .action(async (options: { owner: string; expiresIn?: number; label?: string }) => {
    const { tokens } = data(program);
    const token = newToken();
    const createdAt = Math.floor(Date.now() / 1000);
    const digest = digestToken(token);
    await tokens.put({
      digest,
      owner: options.owner,
      createdAt,
      revoked: false,
      ...(options.expiresIn !== undefined && { expiresAt: createdAt + options.expiresIn }),
      ...(options.label !== undefined && { label: options.label }),
    });
    console.log(token);
    console.error(
      `Token ${digest.slice(0, DIGEST_SHOWN)} for ${options.owner}, expires ${isoTime(options.expiresIn && createdAt + options.expiresIn)}. It is not shown again.`,
    );
  });

tokensCommand
  .command('revoke')
  .description('revoke a token, given the token itself or the start of its digest (as `tokens list` shows it)')
  .argument('<token-or-digest-prefix>')
  .action(async (given: string) => {
    const { tokens } = data(program);
    if (await tokens.revoke(digestToken(given))) return console.error('Revoked.');
    if (!/^[0-9a-f]{8,64}$/.test(given)) fail('No such token.');
    const matches = await tokens.all({ digestPrefix: given });
    if (matches.length === 0) fail('No token has a digest starting with that.');
    if (matches.length > 1) fail(`${matches.length} tokens have a digest starting with that: give more characters.`);
    await tokens.revoke(matches[0]!.digest);
    console.error('Revoked.');
  });

tokensCommand
  .command('list')
  .description('list tokens (digest prefix, owner, label, dates, revoked); never a token')
  .option('--owner <uuid>', 'only this owner’s tokens', uuid)
  .action(async (options: { owner?: string }) => {
    const { tokens } = data(program);
    const records = await tokens.all(options.owner === undefined ? {} : { owner: options.owner });
    console.table(
      records.map((record) => ({
        digest: record.digest.slice(0, DIGEST_SHOWN),
        owner: record.owner,
        label: record.label ?? '',
        created: isoTime(record.createdAt),
        expires: isoTime(record.expiresAt),
        revoked: record.revoked ? 'yes' : 'no',
      })),
    );
  });

const instancesCommand = program.command('instances').description('import and export lambda instances');

instancesCommand
  .command('import')
  .description('add the lambda instances of a JSON file, with new ids; nothing is written if any record is invalid')
  .argument('<file.json>')
  .option('--owner <uuid>', 'the owner of records that name none', uuid)
  .action(async (file: string, options: { owner?: string }) => {
    let input: unknown;
    try {
      input = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      fail(`Cannot read ${file} as JSON: ${(error as Error).message}`);
    }
    const parsed = parseRecords(input, options.owner);
    if ('problems' in parsed)
      fail(`Nothing imported. ${parsed.problems.length} problem(s):\n${parsed.problems.join('\n')}`);
    const { instances } = data(program);
    const existing = await instances.existing(parsed.instances.map(({ uuid }) => uuid));
    if (existing.length > 0) fail(`Nothing imported. These uuids are already stored:\n${existing.join('\n')}`);
    const created = await instances.create(parsed.instances);
    const ids = created.map(({ id }) => id);
    console.error(
      created.length === 0
        ? 'Nothing to import.'
        : `Imported ${created.length} instance(s), ids ${ids[0]} to ${ids.at(-1)}.`,
    );
  });

instancesCommand
  .command('export')
  .description('write the lambda instances (of one owner) as a JSON file that `instances import` reads back')
  .option('--owner <uuid>', 'only this owner’s instances', uuid)
  .option('--output <file>', 'write here instead of to standard output')
  .action(async (options: { owner?: string; output?: string }) => {
    const { instances } = data(program);
    const text = `${JSON.stringify((await instances.all(options.owner)).map(toRecord), null, 2)}\n`;
    if (options.output === undefined) process.stdout.write(text);
    else writeFileSync(options.output, text);
  });

try {
  await program.parseAsync();
} catch (error) {
  fail(`Failed: ${error instanceof Error ? error.message : String(error)}`);
}
