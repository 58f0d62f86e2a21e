// The admin CLI, run as operators run it, against DynamoDB Local (its own tables, under a stage of its own).
import { execFile } from 'node:child_process';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { inject, describe, expect, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import { createTables, localClient } from '../../local/stack.ts';

const endpoint = inject('dynamoDbEndpoint');
const stage = `admin${randomUUID().slice(0, 8)}`;
const tables = await createTables(endpoint, stage);

const ADMIN = fileURLToPath(new URL('../../scripts/admin.ts', import.meta.url));
const directory = mkdtempSync(join(tmpdir(), 'admin-test-'));
const OWNER = 'b1f5c3d2-0000-4000-8000-0000000000ad';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function admin(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [ADMIN, '--endpoint', endpoint, '--stage', stage, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

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

describe('tokens', () => {
  it('create prints a 256-bit token once and stores only its digest; list never shows it; revoke by prefix works', async () => {
    const created = await admin('tokens', 'create', '--owner', OWNER, '--expires-in', '30d', '--label', 'ci');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const digest = digestToken(token);

    const listed = await admin('tokens', 'list', '--owner', OWNER);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(digest.slice(0, 12));
    expect(listed.stdout).toContain('ci');
    expect(listed.stdout).not.toContain(token);
    expect(listed.stdout).not.toContain(digest);

    expect((await admin('tokens', 'revoke', digest.slice(0, 12))).code).toBe(0);
    expect((await admin('tokens', 'list', '--owner', OWNER)).stdout).toMatch(/yes/);
  });

  it('revoke takes the token itself too, and says when there is no such token', async () => {
    const token = (await admin('tokens', 'create', '--owner', OWNER)).stdout.trim();
    expect((await admin('tokens', 'revoke', token)).code).toBe(0);
    const missing = await admin('tokens', 'revoke', 'no-such-token');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('No such token');
  });

  it.each([
    ['a missing owner', ['tokens', 'create']],
    ['an owner that is not a UUID', ['tokens', 'create', '--owner', 'alice']],
    ['a bad duration', ['tokens', 'create', '--owner', OWNER, '--expires-in', 'soon']],
    ['an unknown command', ['tokens', 'rotate']],
  ])('%s prints usage and fails', async (_, args) => {
    const run = await admin(...args);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Usage:/);
  });
});

describe('instances', () => {
  it('import validates every record first, reports each problem with its position, and writes nothing', async () => {
    const bad = file('bad.json', [
      record('fine'),
      record('bad status', { status: '42' }),
      { name: '', instance_info: 'x', status: '0', colour: 'red' },
      record('bad app', { applications: [{ id: 'x', name: 'a.jar', type: 'BATCH', started: 'yes' }] }),
    ]);
    const run = await admin('instances', 'import', bad, '--owner', OWNER);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('record 2: status must be one of the codes');
    expect(run.stderr).toContain('record 3: has an unknown field colour');
    expect(run.stderr).toContain('record 3: name must NOT have fewer than 1 characters');
    expect(run.stderr).toContain('record 3: instance_info must be object');
    expect(run.stderr).toContain('record 4: applications[0].id must be a lower-case UUID');
    expect(run.stderr).toContain('record 4: applications[0].started must be boolean');
    expect(run.stderr).not.toContain('record 1');
    expect(JSON.parse((await admin('instances', 'export', '--owner', OWNER)).stdout)).toEqual([]);
  });

  it('rejects a file that is not JSON', async () => {
    const run = await admin('instances', 'import', file('broken.json', '[{'), '--owner', OWNER);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('Cannot read');
  });

  it('concurrent imports never share an id, and export then import round-trips', async () => {
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
    const exported = JSON.parse((await admin('instances', 'export')).stdout) as {
      uuid: string;
      owner: string;
      name: string;
    }[];
    expect(exported.filter(({ owner }) => owners.includes(owner))).toHaveLength(90);
    // The ids themselves are not exported: read them from the table.
    const scanner = localClient(endpoint);
    const { Items = [] } = await scanner.send(
      new ScanCommand({
        TableName: tables.instances,
        ProjectionExpression: 'id, #owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
      }),
    );
    scanner.destroy();
    const ids = Items.filter((item) => item.owner?.S !== undefined).map((item) => Number(item.id?.N));
    expect(ids).toHaveLength(exported.length);
    expect(new Set(ids).size).toBe(ids.length);

    // The exported file goes back in elsewhere and comes out the same.
    const [first] = owners;
    const original = (await admin('instances', 'export', '--owner', first!)).stdout;
    const moved = JSON.parse(original) as { uuid: string }[];
    const copy = moved.map((instance) => ({ ...instance, uuid: randomUUID(), owner: OWNER }));
    expect((await admin('instances', 'import', file('copy.json', copy))).code).toBe(0);
    const again = JSON.parse((await admin('instances', 'export', '--owner', OWNER)).stdout) as {
      uuid: string;
      name: string;
    }[];
    expect(again).toEqual(copy);
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
});

describe('changing instances', () => {
  /** Imports one instance of OWNER and returns its uuid. */
  async function imported(extra: object = {}): Promise<string> {
    const uuid = randomUUID();
    expect(
      (
        await admin(
          'instances',
          'import',
          file(`${uuid}.json`, [record('to change', { uuid, ...extra })]),
          '--owner',
          OWNER,
        )
      ).code,
    ).toBe(0);
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
    ['an empty name', ['rename', OWNER, ' '], /Give a name that is not empty/],
    ['a bad application type', ['app', 'add', OWNER, '--name', 'a', '--type', 'batch'], /give BATCH or STREAMING/],
    ['an application id that is not a UUID', ['app', 'start', OWNER, 'x'], /give a lower-case UUID/],
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
    expect(run.stderr).toContain('Imported 1 new instance(s), replaced 1.');
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

  it('every command has its --help', async () => {
    for (const command of [
      ['set-status'],
      ['destroy'],
      ['rename'],
      ['import'],
      ['export'],
      ['app', 'add'],
      ['app', 'start'],
      ['app', 'stop'],
      ['app', 'remove'],
    ]) {
      const run = await admin('instances', ...command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: admin instances /);
    }
  });

  it('shows its progress on a terminal (a pseudo-terminal from util-linux script)', async () => {
    const records = file(
      'terminal.json',
      Array.from({ length: 150 }, (_, n) => record(`terminal ${n}`)),
    );
    const command = [
      process.execPath,
      ADMIN,
      '--endpoint',
      endpoint,
      '--stage',
      stage,
      'instances',
      'import',
      records,
      '--owner',
      OWNER,
    ];
    const { stdout: output } = await promisify(execFile)('script', [
      '-qec',
      `${command.join(' ')} > /dev/null`,
      '/dev/null',
    ]);
    expect(output).toMatch(/importing █+░* \d+\/150/);
    expect(output).toContain('Imported 150 new instance(s), replaced 0.');
  });

  it('stays quiet when piped: no progress bar on standard error', async () => {
    const run = await admin(
      'instances',
      'import',
      file(
        'quiet.json',
        Array.from({ length: 150 }, (_, n) => record(`quiet ${n}`)),
      ),
      '--owner',
      OWNER,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('Imported 150 new instance(s), replaced 0.\n');
    expect((await admin('instances', 'export', '--owner', OWNER)).stderr).toBe('');
  });
});
