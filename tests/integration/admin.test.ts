// The admin CLI against DynamoDB Local (its own tables, under a stage of its own). Commands run in-process, through
// the CLI's own admin() with captured output; two runs as real processes check what only a process shows: a
// terminal's progress bar, and a standard output that fails.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject, describe, expect, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import { createStore } from '../../lib/store.ts';
import { astakosVerifier } from '../../lib/verifiers.ts';
import { createTables, localDocumentClient } from '../../infra/dynamodb.ts';
import { parseRecords } from '../../operators/records.ts';
import { shortDigest } from '../../operators/tokens.ts';
import { admin as runAdmin } from '../../scripts/admin.ts';
import type { AdminIo } from '../../operators/commands/context.ts';

const endpoint = inject('dynamoDbEndpoint');
const stage = `admin${randomUUID().slice(0, 8)}`;
const tables = await createTables(endpoint, stage);
const client = localDocumentClient(endpoint);
const store = createStore({ client, tables });

const ADMIN = fileURLToPath(new URL('../../scripts/admin.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'admin-test-'));
const OWNER = 'b1f5c3d2-0000-4000-8000-0000000000ad';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** One command line, in-process: its standard input given, its output captured (or written by `out`). */
async function adminRun(
  args: string[],
  { stdin = '', out }: { stdin?: string; out?: AdminIo['out'] } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runAdmin(['--endpoint', endpoint, '--stage', stage, ...args], {
    out:
      out ??
      ((text) => {
        stdout += text;
        return Promise.resolve();
      }),
    err: (text) => {
      stderr += text;
    },
    stdin: Readable.from([stdin]),
  });
  return { code, stdout, stderr };
}

const admin = (...args: string[]): Promise<Run> => adminRun(args);

function file(name: string, content: unknown): string {
  const path = join(directory, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const record = (name: string, extra: object = {}) => ({
  name,
  instance_info: { slaves: 2, project_name: 'p' },
  status: '0',
  ...extra,
});

/** An import that must be refused: it exits non-zero; its standard error is a summary line, then a line a problem. */
async function refusedImport(name: string, records: unknown[]): Promise<{ summary: string; problems: string[] }> {
  const run = await admin('instances', 'import', file(name, records), '--owner', OWNER);
  expect(run.code).not.toBe(0);
  const [summary = '', ...problems] = run.stderr.split('\n').slice(0, -1);
  return { summary, problems };
}

/** Every stored instance, as `instances export` writes them. */
const exportAll = async (): Promise<string> => (await admin('instances', 'export')).stdout;

/** One instance as `instances export` writes it. */
const exportedInstance = async (uuid: string) =>
  (JSON.parse(await exportAll()) as { uuid: string }[]).find((instance) => instance.uuid === uuid);

interface ListedToken {
  digest: string;
  owner: string | null;
  label: string | null;
  created_at: string | null;
  expires_at: string | null;
  revoked: boolean;
  odd: Record<string, unknown>;
}

const listedTokens = async (...args: string[]) =>
  JSON.parse((await admin('tokens', 'list', '--json', ...args)).stdout) as ListedToken[];

describe('tokens', () => {
  it('create prints a 256-bit token once and stores only its digest; list shows an aligned table without it', async () => {
    const created = await admin('tokens', 'create', '--owner', OWNER, '--expires-in', '30d', '--label', 'ci');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const digest = digestToken(token);
    expect(created.stderr).toContain(`Token ${shortDigest(digest)} for ${OWNER}, expires 20`);
    expect(await store.tokens.find(digest)).toMatchObject({ owner: OWNER, label: 'ci', revoked: false });

    const listed = await admin('tokens', 'list', '--owner', OWNER);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^digest +owner +label +created +expires +revoked$/);
    const row = rows.find((line) => line.startsWith(shortDigest(digest)));
    expect(row).toMatch(new RegExp(`^${shortDigest(digest)} +${OWNER} +ci +20\\S+Z +20\\S+Z +no$`));
    // Aligned: every column starts where its header does.
    for (const column of ['owner', 'label', 'revoked']) {
      expect(rows.every((line) => line[header!.indexOf(column) - 1] === ' ')).toBe(true);
    }
    expect(listed.stdout).not.toContain(token);
    expect(listed.stdout).not.toContain(digest);
    expect(listed.stdout).not.toMatch(/\(index\)|'/);
  });

  it('create revokes a token it could not print: a command that failed leaves no working credential', async () => {
    const owner = randomUUID();
    const run = await adminRun(['tokens', 'create', '--owner', owner], {
      out: () => Promise.reject(new Error('Cannot write to standard output: ENOSPC')),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('Cannot write to standard output: ENOSPC; the token was not shown, and is revoked.\n');
    expect(await listedTokens('--owner', owner)).toEqual([expect.objectContaining({ owner, revoked: true })]);
  });

  it('list --json gives the same, as data', async () => {
    const token = (await admin('tokens', 'create', '--owner', OWNER, '--label', 'json')).stdout.trim();
    const listed = (await listedTokens('--owner', OWNER)).find(
      ({ digest }) => digest === shortDigest(digestToken(token)),
    );
    expect(listed).toEqual({
      digest: shortDigest(digestToken(token)),
      owner: OWNER,
      label: 'json',
      created_at: expect.stringMatching(/^20\d\d-.*Z$/) as string,
      expires_at: null,
      revoked: false,
      odd: {},
    });
  });

  it('revoke takes the start of a stored token’s digest, or - and the token on standard input', async () => {
    const tokens = await Promise.all(
      [1, 2, 3].map(async () => (await admin('tokens', 'create', '--owner', OWNER)).stdout.trim()),
    );
    const [byPrefix, byUpperCasePrefix, byInput] = tokens as [string, string, string];
    const prefix = shortDigest(digestToken(byPrefix));
    expect(await admin('tokens', 'revoke', prefix)).toMatchObject({
      code: 0,
      stdout: `revoked ${prefix} (owner ${OWNER})\n`,
    });
    expect((await admin('tokens', 'revoke', digestToken(byUpperCasePrefix).slice(0, 20).toUpperCase())).code).toBe(0);
    expect((await adminRun(['tokens', 'revoke', '-'], { stdin: `${byInput}\n` })).code).toBe(0);
    for (const token of tokens) expect((await store.tokens.find(digestToken(token)))?.revoked).toBe(true);
    expect((await admin('tokens', 'revoke', '--help')).stdout).toMatch(
      /^Usage: admin tokens revoke \[options\] <digest-prefix\|->\n/,
    );
  });

  it('revoke blocks an ~okeanos token never seen here: refused from then on without asking Astakos', async () => {
    const token = `okeanos-token-${randomUUID()}`;
    const run = await adminRun(['tokens', 'revoke', '-'], { stdin: token });
    expect(run).toMatchObject({
      code: 0,
      stdout: `blocked ${shortDigest(digestToken(token))}: a token never seen here, refused from now on\n`,
    });
    // An identity service nobody listens on: asking it would be a 503, not a refusal.
    const verifier = astakosVerifier(store.tokens, {
      identityUrl: 'http://127.0.0.1:9',
      timeoutMs: 500,
      rememberSeconds: 60,
    });
    expect(await verifier.verify({ value: token, digest: digestToken(token) })).toBeUndefined();
    expect((await listedTokens()).find(({ digest }) => digest === shortDigest(digestToken(token)))).toMatchObject({
      owner: null,
      label: null,
      revoked: true,
      odd: {},
    });
  });

  it.each([
    [
      'a digest prefix no stored token has (not taken for a token)',
      ['deadbeef0000'],
      '',
      /^No stored token has a digest starting with deadbeef0000\.\n$/,
    ],
    [
      'a token on the command line',
      ['tok-abc_XYZ.0123456789'],
      '',
      /give the start of a digest \(8 to 64 hex digits\), or - to read a token/,
    ],
    ['a digest prefix too short to tell tokens apart', ['abc123'], '', /give the start of a digest/],
    ['nothing', [], '', /missing required argument/],
    ['an empty standard input', ['-'], '', /^Standard input holds no token\.\n$/],
    [
      'a string with spaces on standard input',
      ['-'],
      'tok with space',
      /holds no token: one is 1 to 512 printable ASCII/,
    ],
    [
      '10,000 characters on standard input',
      ['-'],
      'x'.repeat(10_000),
      /holds no token: one is 1 to 512 printable ASCII/,
    ],
  ])('revoke with %s is an error, exit 1, and stores nothing', async (_, args, stdin, reason) => {
    const before = await listedTokens();
    const run = await adminRun(['tokens', 'revoke', ...args], { stdin });
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(reason);
    expect(await listedTokens()).toEqual(before);
  });

  it.each([
    ['a missing owner', ['tokens', 'create']],
    ['an owner that is not a UUID', ['tokens', 'create', '--owner', 'alice']],
    ['a bad duration', ['tokens', 'create', '--owner', OWNER, '--expires-in', 'soon']],
    ['a duration without a unit', ['tokens', 'create', '--owner', OWNER, '--expires-in', '3600']],
    ['a duration past the longest lifetime', ['tokens', 'create', '--owner', OWNER, '--expires-in', '99999999999d']],
    ['a duration of nothing', ['tokens', 'create', '--owner', OWNER, '--expires-in', '0s']],
    ['an unknown command', ['tokens', 'rotate']],
  ])(
    '%s is the error and where to read more (as git says it, not the whole usage); nothing stored',
    async (_, args) => {
      const before = await listedTokens();
      const run = await admin(...args);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(
        /^error: [^\n]+\n(?:\(Did you mean \w+\?\)\n)?See 'admin tokens(?: create)? --help'\.\n$/,
      );
      expect(await listedTokens()).toEqual(before);
    },
  );

  it('--expires-in states its bound in --help', async () => {
    expect((await admin('tokens', 'create', '--help')).stdout).toMatch(/--expires-in <duration> +lifetime, 1s to 366d/);
  });

  it('list keeps working whatever a stored item holds, showing an odd one as such', async () => {
    const owner = randomUUID();
    const digest = digestToken(`odd-${owner}`);
    await client.send(
      new PutCommand({
        TableName: tables.tokens,
        Item: { digest, owner, created_at: 'yesterday', expires_at: 8640001795914703, revoked: 'no', label: 7 },
      }),
    );
    const table = await admin('tokens', 'list', '--owner', owner);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/ odd$/);
    expect(table.stdout).toMatch(
      new RegExp(`^${shortDigest(digest)} +${owner} +\\? +\\? +\\? +no +label 7; created_at "yesterday"; `, 'm'),
    );
    expect(await listedTokens('--owner', owner)).toEqual([
      {
        digest: shortDigest(digest),
        owner,
        label: null,
        created_at: null,
        expires_at: null,
        revoked: false,
        odd: { label: 7, created_at: 'yesterday', expires_at: 8640001795914703, revoked: 'no' },
      },
    ]);
  });
});

describe('tokens list shows stored text as text', () => {
  /** What a terminal obeys rather than shows: controls (C0, DEL, C1), format characters, separators. */
  const OBEYED = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

  it('a label’s escape sequences colour no terminal and its newlines break no table, in the table or as JSON', async () => {
    const owner = randomUUID();
    const label = '\u001b[31mred\u001b[0m\nsecond line\u009b2J \u202etxt.exe \\n';
    expect((await admin('tokens', 'create', '--owner', owner, '--label', label)).code).toBe(0);
    const table = await admin('tokens', 'list', '--owner', owner);
    expect(table.stdout).not.toMatch(OBEYED);
    const [, row, ...rest] = table.stdout.split('\n');
    expect(rest).toEqual(['']);
    expect(row).toContain(String.raw`\u{1b}[31mred\u{1b}[0m\nsecond line\u{9b}2J \u{202e}txt.exe \\n`);
    const json = await admin('tokens', 'list', '--json', '--owner', owner);
    expect(json.stdout).not.toMatch(OBEYED);
    expect((JSON.parse(json.stdout) as ListedToken[])[0]?.label).toBe(label);
  });
});

describe('instances', () => {
  it('import validates every record first, reports each problem with its position, and writes nothing', async () => {
    const { summary, problems } = await refusedImport('bad.json', [
      record('fine'),
      record('bad status', { status: '42' }),
      { name: '', instance_info: 'x', status: '0', colour: 'red' },
      record('bad app', { applications: [{ id: 'x', name: 'a.jar', type: 'BATCH', started: 'yes' }] }),
      record('stranger', { owner: 'b1f5c3d2-0000-4000-8000-0000000000af' }),
    ]);
    expect(problems).toEqual([
      'record 2: status must be one of the codes "0" to "23"',
      'record 3: has an unknown field colour',
      'record 3: name must NOT have fewer than 1 characters',
      'record 3: instance_info must be object',
      'record 4: applications[0].started must be boolean',
      'record 4: applications[0].id must be a UUID',
      `record 5: owner differs from --owner ${OWNER}`,
    ]);
    expect(summary).toMatch(/^Nothing imported\. 7 problem\(s\):/);
    expect(JSON.parse((await admin('instances', 'export', '--owner', OWNER)).stdout)).toEqual([]);
  });

  it('rejects a file that is not JSON', async () => {
    const run = await admin('instances', 'import', file('broken.json', '[{'), '--owner', OWNER);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Cannot read');
  });

  it(
    'concurrent imports never share an id, and export then import round-trips, times and history included',
    { timeout: 30_000 },
    async () => {
      const owners: string[] = [randomUUID(), randomUUID(), randomUUID()];
      const runs = await Promise.all(
        owners.map((owner, n) =>
          admin(
            'instances',
            'import',
            file(
              `batch${n}.json`,
              Array.from({ length: 30 }, (_, i) => record(`${n}-${i}`)),
            ),
            '--owner',
            owner,
          ),
        ),
      );
      expect(runs.map(({ code }) => code)).toEqual([0, 0, 0]);
      const ids = runs.flatMap(({ stdout }) => [...stdout.matchAll(/ \(id (\d+),/g)].map(([, id]) => Number(id)));
      expect(ids).toHaveLength(90);
      expect(new Set(ids).size).toBe(90);

      // The exported file goes back in elsewhere and comes out the same.
      const [first] = owners;
      const original = (await admin('instances', 'export', '--owner', first!)).stdout;
      const moved = JSON.parse(original) as { uuid: string; created_at: string; updated_at: string }[];
      expect(moved).toHaveLength(30);
      const copy = moved.map((instance) => ({ ...instance, uuid: randomUUID(), owner: OWNER }));
      expect((await admin('instances', 'import', file('copy.json', copy))).code).toBe(0);
      const again = JSON.parse((await admin('instances', 'export', '--owner', OWNER)).stdout) as {
        updated_at: string;
      }[];
      // created_at and the status history come along; updated_at is the import's: the copy is new to its owner's list,
      // and a client syncing with changed_since must hear of it (docs/contract.md section 7.7).
      expect(again).toEqual(copy.map((instance, n) => ({ ...instance, updated_at: again[n]?.updated_at })));
      // The import's own time (never earlier than the record's: another process reads the database's clock within a
      // second or so, and a stored instance's times hold together).
      for (const [n, { updated_at }] of again.entries()) expect(updated_at >= copy[n]!.updated_at).toBe(true);
      expect(again[0]).toMatchObject({
        created_at: copy[0]!.created_at,
        status_history: [{ code: '0', at: copy[0]!.created_at }],
      });
    },
  );

  it('import refuses times and histories that are not as export writes them, writing nothing', async () => {
    const at = '2026-11-30T01:02:03.456Z';
    const { problems } = await refusedImport('bad-times.json', [
      record('fine', { created_at: at, status_history: [{ code: '0', at }] }),
      record('no milliseconds', { created_at: '2026-11-30T01:02:03Z' }),
      record('30 February', { updated_at: '2026-02-30T00:00:00.000Z' }),
      record('bad entry', { status_history: [{ code: '42', at, colour: 'red' }] }),
      record('too long', { status_history: Array.from({ length: 21 }, () => ({ code: '0', at })) }),
    ]);
    expect(problems).toEqual([
      'record 2: created_at must be a UTC time with milliseconds, as exported (2026-11-30T01:02:03.456Z)',
      'record 3: updated_at names a time that does not exist',
      'record 4: status_history[0] has an unknown field colour',
      'record 4: status_history[0].code must be one of the codes "0" to "23"',
      'record 5: status_history must NOT have more than 20 items',
    ]);
    expect((await admin('instances', 'export', '--owner', OWNER)).stdout).not.toContain('"fine"');
  });

  it('import weighs every record in bytes, as DynamoDB does: record 121 of 150, 600 KB in UTF-8, refuses the file', async () => {
    const before = await exportAll();
    const records = Array.from({ length: 150 }, (_, n) => record(n === 120 ? 'é'.repeat(300_000) : `big file ${n}`));
    const { summary, problems } = await refusedImport('oversized.json', records);
    expect(summary).toBe('Nothing imported. 1 problem(s):');
    expect(problems).toEqual([
      expect.stringMatching(
        /^record 121: the item is 600,\d{3} bytes as stored, over DynamoDB's limit of 409,600 \(400 KB\)$/,
      ),
    ]);
    expect(await exportAll()).toBe(before);
  });

  it('import takes a record up to the limit with what it adds (id, owner, times, history), and not a byte more', async () => {
    const fits = (length: number) =>
      'instances' in parseRecords([record('x'.repeat(length))], { owner: OWNER, now: new Date().toISOString() });
    let [low, high] = [400_000, 409_600];
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      [low, high] = fits(middle) ? [middle, high] : [low, middle - 1];
    }
    const before = await exportAll();
    expect((await refusedImport('over.json', [record('x'.repeat(low + 1))])).problems).toHaveLength(1);
    expect(await exportAll()).toBe(before);
    // DynamoDB stores the largest record the check lets through: the check counts no less than DynamoDB does.
    const run = await admin(
      'instances',
      'import',
      file('at-the-limit.json', [record('x'.repeat(low))]),
      '--owner',
      OWNER,
    );
    expect(run).toMatchObject({ code: 0, stderr: 'Imported 1 new instance(s), replaced 0.\n' });
  });

  it('import refuses a timeline that contradicts itself, an empty history, an application id twice; writes nothing', async () => {
    const before = await exportAll();
    const app = { id: randomUUID(), name: 'a.jar', type: 'BATCH', started: false };
    const [y2020, y2021, y2030, y2099] = ['2020', '2021', '2030', '2099'].map((year) => `${year}-01-01T00:00:00.000Z`);
    const { problems } = await refusedImport('timelines.json', [
      record('fine', { created_at: y2020, status_history: [{ code: '0', at: y2021 }], updated_at: y2021 }),
      // Issue 24's: status 9, history oldest first and of other statuses, created after everything, in 2099.
      record('contradicts itself', {
        status: '9',
        created_at: y2099,
        status_history: [
          { code: '0', at: y2020 },
          { code: '5', at: y2030 },
        ],
      }),
      record('empty history', { status_history: [] }),
      record('updated before its history', { updated_at: y2020, status_history: [{ code: '0', at: y2021 }] }),
      record('another failure message', {
        status: '9',
        failure_message: 'boom',
        status_history: [{ code: '9', at: y2021, failure_message: 'bang' }],
      }),
      record('created after updated', { created_at: y2021, updated_at: y2020 }),
      record('one application twice', { applications: [app, app] }),
    ]);
    expect(problems).toEqual([
      `record 2: status_history is not newest first: status_history[1].at (${y2030}) is after status_history[0].at (${y2020})`,
      "record 2: status_history[0].code is 0, not the record's status 9",
      `record 2: created_at (${y2099}) is after status_history[0].at (${y2020})`,
      expect.stringMatching(
        new RegExp(`^record 2: created_at \\(${y2099}\\) is in the future: the database's time is 20`),
      ),
      'record 3: status_history must NOT have fewer than 1 items',
      `record 4: status_history[0].at (${y2021}) is after updated_at (${y2020})`,
      "record 5: status_history[0].failure_message is not the record's failure_message",
      `record 6: created_at (${y2021}) is after updated_at (${y2020})`,
      'record 7: applications[1].id repeats applications[0].id',
    ]);
    expect(await exportAll()).toBe(before);
  });

  it('import of a history without created_at: created when the history starts, its oldest entry', async () => {
    const uuid = randomUUID();
    const history = [
      { code: '1', at: '2021-01-01T00:00:00.000Z' },
      { code: '0', at: '2020-01-01T00:00:00.000Z' },
    ];
    const records = file('no-created-at.json', [
      record('history only', { uuid, status: '1', status_history: history }),
    ]);
    expect((await admin('instances', 'import', records, '--owner', OWNER)).code).toBe(0);
    expect(await exportedInstance(uuid)).toMatchObject({
      created_at: '2020-01-01T00:00:00.000Z',
      status_history: history,
    });
  });

  it('reads a file that starts with a UTF-8 byte order mark', async () => {
    const uuid = randomUUID();
    const records = file('bom.json', `\uFEFF${JSON.stringify([record('after a BOM', { uuid })])}`);
    expect((await admin('instances', 'import', records, '--owner', OWNER)).code).toBe(0);
    expect(await exportedInstance(uuid)).toMatchObject({ name: 'after a BOM' });
  });

  it('takes UUIDs in any letter case, as the API does, and keeps them in lower case as the tables do', async () => {
    const [uuid, app] = [randomUUID(), randomUUID()];
    const upper = record('upper case', {
      uuid: uuid.toUpperCase(),
      applications: [{ id: app.toUpperCase(), name: 'a.jar', type: 'BATCH', started: false }],
    });
    const run = await admin('instances', 'import', file('upper.json', [upper]), '--owner', OWNER.toUpperCase());
    expect(run.stdout).toMatch(new RegExp(`^created ${uuid} \\(id \\d+, owner ${OWNER}\\): .*a\\.jar ${app}\\]\\n$`));
    expect((await admin('instances', 'set-status', uuid.toUpperCase(), 'STOPPED')).stdout).toMatch(`status ${uuid} `);
    expect((await admin('instances', 'app', 'start', uuid.toUpperCase(), app.toUpperCase())).code).toBe(0);
    expect(await exportedInstance(uuid)).toMatchObject({
      uuid,
      owner: OWNER,
      status: '1',
      applications: [{ id: app, started: true }],
    });
    expect((await admin('tokens', 'list', '--owner', OWNER.toUpperCase())).code).toBe(0);
  });

  it('refuses uuids that are already stored, writing nothing', async () => {
    const uuid = randomUUID();
    expect(
      (await admin('instances', 'import', file('one.json', [record('one', { uuid })]), '--owner', OWNER)).code,
    ).toBe(0);
    const run = await admin(
      'instances',
      'import',
      file('again.json', [record('new'), record('dup', { uuid })]),
      '--owner',
      OWNER,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(uuid);
    const names = (JSON.parse((await admin('instances', 'export', '--owner', OWNER)).stdout) as { name: string }[]).map(
      ({ name }) => name,
    );
    expect(names).not.toContain('new');
  });

  it('export --output refuses an existing file unless --force, and replaces it whole, leaving nothing beside it', async () => {
    const folder = mkdtempSync(join(directory, 'export-'));
    const output = join(folder, 'instances.json');
    writeFileSync(output, 'keep me');
    const refused = await admin('instances', 'export', '--owner', OWNER, '--output', output);
    expect(refused).toMatchObject({ code: 1, stderr: `${output} exists: give --force to overwrite it.\n` });
    expect(readFileSync(output, 'utf8')).toBe('keep me');

    const forced = await admin('instances', 'export', '--owner', OWNER, '--output', output, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stderr).toMatch(/^Exported \d+ instance\(s\) to /);
    expect(JSON.parse(readFileSync(output, 'utf8'))).toEqual(
      JSON.parse((await admin('instances', 'export', '--owner', OWNER)).stdout),
    );
    expect(readdirSync(folder)).toEqual(['instances.json']);
  });

  it('export --output refuses what is not a regular file, and says why a write failed', async () => {
    expect(await admin('instances', 'export', '--output', '/dev/null', '--force')).toMatchObject({
      code: 1,
      stderr: '/dev/null is not a regular file: write to standard output instead.\n',
    });
    // Named as given, not as the temporary file written beside it.
    const output = join(directory, 'no-such-folder', 'x.json');
    expect(await admin('instances', 'export', '--output', output)).toMatchObject({
      code: 1,
      stderr: `Cannot write ${output}: no such file or directory (ENOENT).\n`,
    });
  });
});

describe('changing instances', () => {
  /** Imports one instance of OWNER and returns its uuid. */
  async function imported(extra: object = {}): Promise<string> {
    const uuid = randomUUID();
    const run = await admin(
      'instances',
      'import',
      file(`${uuid}.json`, [record('to change', { uuid, ...extra })]),
      '--owner',
      OWNER,
    );
    expect(run.code).toBe(0);
    return uuid;
  }
  const exported = async (uuid: string) =>
    (
      JSON.parse((await admin('instances', 'export', '--owner', OWNER)).stdout) as {
        uuid: string;
        name: string;
        status: string;
        failure_message: string;
        applications: { id: string; started: boolean }[];
      }[]
    ).find((instance) => instance.uuid === uuid);

  it('set-status, destroy and rename each print one line of what changed', async () => {
    const uuid = await imported();
    const failed = await admin(
      'instances',
      'set-status',
      uuid,
      'cluster_failed',
      '--failure-message',
      'Cyclades VMs out of limit',
    );
    expect(failed.code).toBe(0);
    expect(failed.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^status ${uuid} \\(id \\d+.*CLUSTER_FAILED \\(11\\), failure "Cyclades VMs out of limit"`),
      ),
    ]);
    expect(await exported(uuid)).toMatchObject({ status: '11', failure_message: 'Cyclades VMs out of limit' });
    expect((await admin('instances', 'rename', uuid, 'Renamed')).stdout).toMatch(/^renamed .*"Renamed"/);
    expect((await admin('instances', 'destroy', uuid)).stdout).toMatch(/^destroyed .*DESTROYED \(6\)/);
    expect(await exported(uuid)).toMatchObject({ name: 'Renamed', status: '6', failure_message: '' });
  });

  it('a DESTROYED instance changes only with set-status --revive', async () => {
    const uuid = await imported({ status: '6' });
    for (const [args, reason] of [
      [['set-status', uuid, 'STARTED'], 'give --revive to bring it back'],
      [['destroy', uuid], 'is already DESTROYED'],
      [['rename', uuid, 'Back'], `bring it back first with \`set-status ${uuid} <status> --revive\``],
      [['app', 'add', uuid, '--name', 'late.jar', '--type', 'BATCH'], 'bring it back first'],
    ] as const) {
      const run = await admin('instances', ...args);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toContain(`Lambda instance ${uuid} `);
      expect(run.stderr).toContain(reason);
    }
    expect(await exported(uuid)).toMatchObject({ name: 'to change', status: '6', applications: [] });
    expect((await admin('instances', 'set-status', uuid, 'STARTED', '--revive')).stdout).toMatch(/^status .*STARTED/);
    expect((await admin('instances', 'set-status', '--help')).stdout).toMatch(/--revive +change a DESTROYED/);
  });

  it('import --replace brings a DESTROYED instance back only with --revive', async () => {
    const uuid = await imported({ status: '6' });
    const records = file(`revive-${uuid}.json`, [record('Back', { uuid })]);
    const refused = await admin('instances', 'import', records, '--owner', OWNER, '--replace');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`Nothing imported:\nrecord 1: ${uuid} is DESTROYED, which is final`);
    expect((await exported(uuid))?.status).toBe('6');
    expect(await admin('instances', 'import', records, '--owner', OWNER, '--revive')).toMatchObject({
      code: 1,
      stderr: '--revive goes with --replace.\n',
    });
    expect((await admin('instances', 'import', records, '--owner', OWNER, '--replace', '--revive')).code).toBe(0);
    expect(await exported(uuid)).toMatchObject({ name: 'Back', status: '0' });
  });

  it('import --replace changes nothing of a DESTROYED instance without --revive; its export imported back is no change', async () => {
    const app = { id: randomUUID(), name: 'kept.jar', type: 'BATCH', started: false };
    const uuid = await imported({ status: '6', applications: [app] });
    const exportedRecord = await exportedInstance(uuid);
    const before = await exportAll();
    // Issue 24's: a DESTROYED record that renames the instance and clears its applications.
    const renamed = file(`renamed-${uuid}.json`, [{ ...exportedRecord, name: 'Renamed', applications: [] }]);
    expect(await admin('instances', 'import', renamed, '--replace')).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        `Nothing imported:\nrecord 1: ${uuid} is DESTROYED, which is final, and the record changes its name, ` +
        'applications: give --revive to replace it\n',
    });
    expect(await exportAll()).toBe(before);
    // The export imported back: nothing to write, not even a time.
    const back = await admin('instances', 'import', file(`back-${uuid}.json`, [exportedRecord]), '--replace');
    expect(back).toMatchObject({
      code: 0,
      stderr:
        'Imported 0 new instance(s), replaced 0; 1 DESTROYED instance(s) identical to their record left as they are.\n',
    });
    expect(back.stdout).toMatch(new RegExp(`^unchanged ${uuid} .*DESTROYED \\(6\\), applications \\[kept\\.jar`));
    expect(await exportAll()).toBe(before);
    expect((await admin('instances', 'import', renamed, '--replace', '--revive')).code).toBe(0);
    expect(await exportedInstance(uuid)).toMatchObject({ name: 'Renamed', status: '6', applications: [] });
    expect((await admin('instances', 'import', '--help')).stdout).toMatch(
      /--revive +with --replace: replace DESTROYED/,
    );
  });

  it('app add, start, stop and remove', async () => {
    const uuid = await imported({ applications: [] });
    const id = randomUUID();
    expect(
      (await admin('instances', 'app', 'add', uuid, '--name', 'stream.py', '--type', 'STREAMING', '--id', id)).code,
    ).toBe(0);
    expect((await admin('instances', 'app', 'start', uuid, id)).stdout).toMatch(`stream.py ${id} started`);
    expect((await exported(uuid))?.applications).toEqual([{ id, name: 'stream.py', type: 'STREAMING', started: true }]);
    expect((await admin('instances', 'app', 'stop', uuid, id)).code).toBe(0);
    expect((await admin('instances', 'app', 'remove', uuid, id)).code).toBe(0);
    expect((await exported(uuid))?.applications).toEqual([]);
  });

  it.each([
    ['an unknown instance', ['set-status', randomUUID(), '1'], /No lambda instance/],
    ['a bad status', ['set-status', OWNER, '42'], /give a status code \(0 to 23\) or its name/],
    ['an empty name', ['rename', OWNER, ' '], /give one that is not empty/],
    ['an empty application name', ['app', 'add', OWNER, '--name', '', '--type', 'BATCH'], /give one that is not empty/],
    ['a bad application type', ['app', 'add', OWNER, '--name', 'a', '--type', 'batch'], /give BATCH or STREAMING/],
    ['an application id that is not a UUID', ['app', 'start', OWNER, 'x'], /give a UUID/],
  ])('%s exits non-zero with the reason, changing nothing', async (_, args, reason) => {
    const run = await admin('instances', ...args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(reason);
    expect(run.stdout).toBe('');
  });

  it('an unknown application id is refused', async () => {
    const uuid = await imported();
    const run = await admin('instances', 'app', 'stop', uuid, randomUUID());
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`Lambda instance ${uuid} has no application`);
  });

  it('import --replace replaces stored uuids, keeping id and owner, and creates the new ones', async () => {
    const uuid = await imported();
    const fresh = randomUUID();
    const run = await admin(
      'instances',
      'import',
      file('replace.json', [record('Replaced', { uuid, status: '10' }), record('Added', { uuid: fresh })]),
      '--owner',
      OWNER,
      '--replace',
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^replaced ${uuid} .*"Replaced", CLUSTER_CREATED \\(10\\)`, 'm'));
    expect(run.stdout).toMatch(new RegExp(`^created ${fresh} `, 'm'));
    expect(run.stderr).toBe('Imported 1 new instance(s), replaced 1.\n');
    expect(await exported(uuid)).toMatchObject({ name: 'Replaced', status: '10' });
  });

  it('import --replace refuses a record that would move an instance to another owner, writing nothing', async () => {
    const uuid = await imported();
    const other = 'b1f5c3d2-0000-4000-8000-0000000000af';
    const run = await admin(
      'instances',
      'import',
      file('move.json', [record('Moved', { uuid, owner: other })]),
      '--replace',
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain(`${uuid} belongs to ${OWNER}, not ${other}`);
    expect((await exported(uuid))?.name).toBe('to change');
  });

  it('a stored instance the contract does not expect is still changed and shown, as such', async () => {
    const uuid = randomUUID();
    await client.send(
      new PutCommand({ TableName: tables.instances, Item: { uuid, id: 999_999, owner: OWNER, status: '42' } }),
    );
    expect((await admin('instances', 'rename', uuid, 'Odd')).stdout).toMatch(/^renamed .*"Odd", unknown status \(42\)/);
    expect(await exported(uuid)).toMatchObject({ name: 'Odd', status: '42' });
  });

  it('every command has its --help', async () => {
    for (const command of [
      ['tokens', 'create'],
      ['tokens', 'revoke'],
      ['tokens', 'list'],
      ['instances', 'set-status'],
      ['instances', 'destroy'],
      ['instances', 'rename'],
      ['instances', 'import'],
      ['instances', 'export'],
      ['instances', 'app', 'add'],
      ['instances', 'app', 'start'],
      ['instances', 'app', 'stop'],
      ['instances', 'app', 'remove'],
    ]) {
      const run = await admin(...command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: admin ${command.join(' ')} `));
    }
  });
});

// A process starts Node and loads the AWS SDK: seconds on a busy machine.
describe('as a process', { timeout: 60_000 }, () => {
  const command = (...args: string[]) => [process.execPath, ADMIN, '--endpoint', endpoint, '--stage', stage, ...args];

  it('shows its progress on a terminal (a pseudo-terminal from util-linux script)', async () => {
    const records = file(
      'terminal.json',
      Array.from({ length: 150 }, (_, n) => record(`terminal ${n}`)),
    );
    const { stdout: output } = await promisify(execFile)('script', [
      '-qec',
      `${command('instances', 'import', records, '--owner', OWNER).join(' ')} > /dev/null`,
      '/dev/null',
    ]);
    expect(output).toMatch(/importing █+░* \d+\/150/);
    expect(output).toContain('Imported 150 new instance(s), replaced 0.');
  });

  it('an export shows on a terminal how many items it has read, with no total it cannot know', async () => {
    const { stdout: output } = await promisify(execFile)('script', [
      '-qec',
      `${command('instances', 'export').join(' ')} > /dev/null`,
      '/dev/null',
    ]);
    expect(output).toMatch(/scanning, items read: \d+/);
    expect(output).not.toMatch(/\d+\/\d+/);
  });

  it('a standard output that fails (a full disk) is one line on standard error and exit 1; no progress when piped', async () => {
    const run = await new Promise<Run>((resolve) =>
      execFile('sh', ['-c', `${command('instances', 'export').join(' ')} > /dev/full`], (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('Cannot write to standard output: ENOSPC: no space left on device, write\n');
  });
});
