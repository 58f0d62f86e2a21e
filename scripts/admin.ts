// `npm run admin -- <command>`: tokens and instances administration. Works on DynamoDB Local (the tables of
// `npm start`) by default, and on AWS when given --stage or --region.
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Presets, SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { digestToken } from '../lib/auth.ts';
import { createDocumentClient } from '../lib/dynamodb.ts';
import type { Application, LambdaInstance } from '../lib/items.ts';
import { DESTROYED, describeStatus, statusNamed, type StatusCode } from '../lib/statuses.ts';
import { isUuid, parseRecords, toRecord } from '../operators/records.ts';
import { localDocumentClient } from '../local/stack.ts';
import { RefusedChange } from '../operators/batch.ts';
import type { Progress } from '../operators/instances.ts';
import { createOperatorStore, type OperatorStore } from '../operators/store.ts';
import { shortDigest, type StoredToken } from '../operators/tokens.ts';
import { stageTables } from '../local/serverless-yml.ts';

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
      `Token ${shortDigest(digest)} for ${options.owner}, expires ${isoTime(options.expiresIn && createdAt + options.expiresIn)}. It is not shown again.`,
    );
  });

tokensCommand
  .command('revoke')
  .description('revoke a token, given the token itself or the start of its digest (as `tokens list` shows it)')
  .argument('<token-or-digest-prefix>')
  .action(async (given: string) => {
    const { tokens } = data(program);
    if ((await tokens.revoke(digestToken(given))) !== undefined) return console.error('Revoked.');
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
      records.map((record: StoredToken) => ({
        digest: shortDigest(record.digest),
        owner: record.owner,
        label: record.label ?? '',
        created: isoTime(record.createdAt),
        expires: isoTime(record.expiresAt),
        revoked: record.revoked ? 'yes' : 'no',
      })),
    );
  });

const instancesCommand = program
  .command('instances')
  .description('import, export and change lambda instances: status, name, applications');

/** The one line printed per changed instance. */
function changed(verb: string, instance: LambdaInstance): string {
  const { message } = describeStatus(instance.status);
  const failure = instance.failureMessage === '' ? '' : `, failure ${JSON.stringify(instance.failureMessage)}`;
  const apps = instance.applications.map(({ name, id, started }) => `${name} ${id}${started ? ' started' : ''}`);
  return (
    `${verb} ${instance.uuid} (id ${instance.id}, owner ${instance.owner}): ${JSON.stringify(instance.name)}, ` +
    `${message} (${instance.status})${failure}, applications [${apps.join('; ')}]`
  );
}

/** A progress bar on a terminal; nothing when standard error is piped or redirected. */
function progress(label: string): Progress | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new SingleBar(
    { format: `${label} {bar} {value}/{total}`, stream: process.stderr, clearOnComplete: true },
    Presets.shades_classic,
  );
  return (done, total) => {
    if (done === 0 || !bar.isActive) bar.start(total, done);
    bar.update(done);
    if (done >= total) bar.stop();
  };
}

/** Runs a change and prints its line, or the reason it was refused (exit 1). */
async function change(verb: string, run: (store: OperatorStore) => Promise<LambdaInstance>): Promise<void> {
  try {
    console.log(changed(verb, await run(data(program))));
  } catch (error) {
    if (error instanceof RefusedChange) fail(error.message);
    throw error;
  }
}

function statusCode(text: string): StatusCode {
  const code = statusNamed(text);
  if (code === undefined)
    throw new InvalidArgumentError('give a status code (0 to 23) or its name, e.g. CLUSTER_FAILED.');
  return code;
}

const applicationType = (text: string): Application['type'] => {
  if (text !== 'BATCH' && text !== 'STREAMING') throw new InvalidArgumentError('give BATCH or STREAMING.');
  return text;
};

instancesCommand
  .command('import')
  .description(
    'add the lambda instances of a JSON file, with new ids; with --replace, stored uuids are replaced (keeping ' +
      'their id and owner); nothing is written if any record is invalid',
  )
  .argument('<file.json>')
  .option('--owner <uuid>', 'the owner of records that name none', uuid)
  .option('--replace', 'replace instances whose uuid is already stored instead of refusing the file')
  .action(async (file: string, options: { owner?: string; replace?: boolean }) => {
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
    const stored = new Set(await instances.existing(parsed.instances.map(({ uuid }) => uuid)));
    if (stored.size > 0 && !options.replace) {
      fail(`Nothing imported. These uuids are already stored (--replace replaces them):\n${[...stored].join('\n')}`);
    }
    try {
      // Each step prints what it wrote before the next may be refused.
      const replaced = await instances.replace(
        parsed.instances.filter(({ uuid }) => stored.has(uuid)),
        { onProgress: progress('replacing') },
      );
      for (const instance of replaced) console.log(changed('replaced', instance));
      const created = await instances.create(
        parsed.instances.filter(({ uuid }) => !stored.has(uuid)),
        progress('importing'),
      );
      for (const instance of created) console.log(changed('created', instance));
      console.error(`Imported ${created.length} new instance(s), replaced ${replaced.length}.`);
    } catch (error) {
      if (error instanceof RefusedChange) fail(error.message);
      throw error;
    }
  });

instancesCommand
  .command('export')
  .description('write the lambda instances (of one owner) as a JSON file that `instances import` reads back')
  .option('--owner <uuid>', 'only this owner’s instances', uuid)
  .option('--output <file>', 'write here instead of to standard output')
  .action(async (options: { owner?: string; output?: string }) => {
    const { instances } = data(program);
    const scanning = progress('scanning');
    const all = await instances.all(options.owner, scanning && ((scanned) => scanning(scanned, scanned)));
    const text = `${JSON.stringify(all.map(toRecord), null, 2)}\n`;
    if (options.output === undefined) process.stdout.write(text);
    else writeFileSync(options.output, text);
  });

instancesCommand
  .command('set-status')
  .description('set an instance’s status; the failure message is the one given, or none')
  .argument('<uuid>', 'the instance', uuid)
  .argument('<status>', 'a code (0 to 23) or a name in any case, e.g. CLUSTER_FAILED', statusCode)
  .option('--failure-message <text>', 'why it failed (a status without one clears it)')
  .action((instance: string, status: StatusCode, options: { failureMessage?: string }) =>
    change('status', (store) => store.instances.setStatus(instance, status, options.failureMessage)),
  );

instancesCommand
  .command('destroy')
  .description('set an instance DESTROYED (6): it leaves its owner’s list, its details are still served')
  .argument('<uuid>', 'the instance', uuid)
  .action((instance: string) => change('destroyed', (store) => store.instances.setStatus(instance, DESTROYED)));

instancesCommand
  .command('rename')
  .description('rename an instance')
  .argument('<uuid>', 'the instance', uuid)
  .argument('<name>', 'its new name')
  .action((instance: string, name: string) => {
    if (name.trim() === '') fail('Give a name that is not empty.');
    return change('renamed', (store) => store.instances.rename(instance, name));
  });

const appCommand = instancesCommand
  .command('app')
  .description('add, start, stop and remove an instance’s applications');

appCommand
  .command('add')
  .description('add an application (stopped) to an instance')
  .argument('<uuid>', 'the instance', uuid)
  .requiredOption('--name <name>', 'the application, e.g. project.jar')
  .requiredOption('--type <type>', 'BATCH or STREAMING', applicationType)
  .option('--id <uuid>', 'its id (default: a new random UUID)', uuid)
  .action((instance: string, options: { name: string; type: Application['type']; id?: string }) =>
    change('application added', (store) => store.instances.addApplication(instance, options)),
  );

/** app start|stop|remove: what each says, and does. */
const APPLICATION_CHANGES = {
  start: {
    description: 'mark an application started',
    done: 'application started',
    run: (store: OperatorStore, instance: string, app: string) =>
      store.instances.setApplicationStarted(instance, app, true),
  },
  stop: {
    description: 'mark an application stopped',
    done: 'application stopped',
    run: (store: OperatorStore, instance: string, app: string) =>
      store.instances.setApplicationStarted(instance, app, false),
  },
  remove: {
    description: 'remove an application',
    done: 'application removed',
    run: (store: OperatorStore, instance: string, app: string) => store.instances.removeApplication(instance, app),
  },
};

for (const [verb, { description, done, run }] of Object.entries(APPLICATION_CHANGES)) {
  appCommand
    .command(verb)
    .description(description)
    .argument('<uuid>', 'the instance', uuid)
    .argument('<app-id>', 'the application', uuid)
    .action((instance: string, app: string) => change(done, (store) => run(store, instance, app)));
}

try {
  await program.parseAsync();
} catch (error) {
  fail(`Failed: ${error instanceof Error ? error.message : String(error)}`);
}
