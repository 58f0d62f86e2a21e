// `npm run bench` cannot rot: a tiny run of it (BENCH_SMOKE=1) produces every row, in bench/results.json's shape.
// Its figures are not checked: timings need a quiet machine and several runs, which is what `npm run bench` is for;
// what a request reads is tests/integration/read-costs.test.ts's.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../bench/rows.ts';

const directory = mkdtempSync(join(tmpdir(), 'lambda-instances-bench-'));
let results: { machine: Record<string, unknown>; rows: Row[] };

beforeAll(async () => {
  const path = join(directory, 'results.json');
  await promisify(execFile)(process.execPath, ['bench/run.ts'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, BENCH_SMOKE: '1', BENCH_RESULTS: path },
  });
  results = JSON.parse(readFileSync(path, 'utf8')) as typeof results;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('npm run bench', () => {
  it('writes the machine it ran on and one row per figure: item, value, unit, ratio, target, met', () => {
    expect(Object.keys(results)).toEqual(['machine', 'rows']);
    expect(results.machine).toMatchObject({ node: process.version });
    expect(Object.keys(results.machine)).toEqual(expect.arrayContaining(['cpu', 'cores', 'commit', 'date', 'sizes']));
    for (const row of results.rows) {
      expect(Object.keys(row)).toEqual(['item', 'value', 'unit', 'ratio', 'target', 'met']);
      expect(row.value).toBeGreaterThan(0);
      // A row with a target says whether it is met: by its ratio when it has one, else by its value.
      if (row.target === null) expect(row.met).toBeNull();
      else expect(row.met).toBe((row.ratio ?? row.value) <= row.target);
    }
  });

  it('measures each function against its floor, and the list, the big owner, the 304 poll, the bundles, the cost and an import', () => {
    const items = results.rows.map(({ item }) => item);
    for (const name of ['detail', 'list']) {
      expect(items).toEqual(
        expect.arrayContaining([
          `cold start, ${name}: whole process`,
          `cold start, ${name}: import + first request`,
          `warm ${name}, token not cached: latency`,
          `warm ${name}, token not cached: CPU per request`,
          `warm ${name}, token not cached: latency, 5 ms round trips`,
          `304 poll, ${name}: CPU per request vs its 200`,
          `304 poll, ${name}: header bytes`,
          `cost per million, ${name}`,
          `cost per million, 304 poll, ${name}`,
          `bundle, ${name}`,
        ]),
      );
    }
    expect(items).toEqual(
      expect.arrayContaining([
        'list ?include=status: latency vs the plain list',
        'list ?status=failed&include=status: latency vs the plain list',
        'list ?status=PENDING: latency vs the plain list',
        expect.stringMatching(/^scale: list latency, \d+ other instances in the table vs 10$/),
        expect.stringMatching(/^page N: page \d+ of \d+ instances vs the whole list, latency$/),
        expect.stringMatching(/^list \?changed_since, 5 of \d+ changed: latency vs the plain list$/),
        expect.stringMatching(/^list \?changed_since, 5 of \d+ changed: read units vs the plain list$/),
        expect.stringMatching(/^big owner, \d+ instances: page 1 \(limit 100\) latency vs the whole list's$/),
        expect.stringMatching(/^big owner, \d+ instances: page 1 \(limit 100\) read units vs the whole list's$/),
        expect.stringMatching(/^big owner, \d+ instances: last page \(limit 1000, page \d+\), latency$/),
        expect.stringMatching(
          /^big owner, \d+ instances: \?status=failed \(1 in 1,000\), page 1 of limit 100, latency$/,
        ),
        expect.stringMatching(/^big owner, \d+ instances: \?status=failed \(1 in 1,000\), page 1 .*read units vs/),
        expect.stringMatching(/^big owner, \d+ instances: \?status=failed \(1 in 1,000\), last page .*read units$/),
        expect.stringMatching(/^big owner, \d+ instances: \?changed_since, \d+ changed across every block, .*latency$/),
        expect.stringMatching(/^import of \d+ new instances: throughput$/),
      ]),
    );
    expect(items).toHaveLength(40);
  });
});
