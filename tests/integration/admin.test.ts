// The admin CLI, run as operators run it, against DynamoDB Local (its own tables, under a stage of its own).
import { execFile } from 'node:child_process';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject, describe, expect, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import { createTables, localClient } from '../../scripts/local-stack.ts';

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
    expect(run.stderr).toContain('record 3: unknown fields: colour');
    expect(run.stderr).toContain('record 3: name must be a non-empty string');
    expect(run.stderr).toContain('record 3: instance_info must be an object');
    expect(run.stderr).toContain('record 4: applications[0].id must be a lower-case UUID');
    expect(run.stderr).toContain('record 4: applications[0].started must be true or false');
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
