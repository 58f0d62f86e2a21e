// `npm run bench` cannot rot: a tiny run of it (BENCH_SMOKE=1) produces every row docs/benchmark.md promises, held to
// its target, in bench/results.json's shape. Its figures are not compared with their targets: timings need a quiet
// machine and several runs, which is what `npm run bench` is for; what a request reads is
// tests/integration/read-costs.test.ts's. It runs with the e2e suite, whose stack its push rows use
// (BENCH_PUSH_STACK) instead of starting a serverless-offline of their own.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Row } from '../../bench/rows.ts';

const directory = mkdtempSync(join(tmpdir(), 'lambda-instances-bench-'));
let results: { machine: Record<string, unknown>; rows: Row[] };

beforeAll(async () => {
  const path = join(directory, 'results.json');
  await promisify(execFile)(process.execPath, ['bench/run.ts'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: {
      ...process.env,
      BENCH_SMOKE: '1',
      BENCH_RESULTS: path,
      BENCH_PUSH_STACK: JSON.stringify({
        stage: 'e2e',
        dynamoDbEndpoint: inject('dynamoDbEndpoint'),
        websocketUrl: inject('websocketUrl'),
      }),
    },
  });
  results = JSON.parse(readFileSync(path, 'utf8')) as typeof results;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/**
 * Every row the bench promises (docs/benchmark.md), for each function where it names one, and the target it is held
 * to: its ratio to a floor or baseline measured in the same run, or its value where it has none (bytes, KiB, $);
 * null: reported only.
 */
const PROMISED: readonly { item: RegExp; target: number | null; rows: number; ratio?: false }[] = [
  { item: /^cold start, (detail|list): whole process$/, target: 1.05, rows: 2 },
  { item: /^cold start, (detail|list): import \+ first request$/, target: 1.15, rows: 2 },
  { item: /^warm (detail|list), token not cached: latency$/, target: 1.1, rows: 2 },
  { item: /^warm (detail|list), token not cached: CPU per request$/, target: 1.12, rows: 2 },
  { item: /^warm (detail|list), token not cached: latency, 5 ms round trips$/, target: 1.2, rows: 2 },
  { item: /^304 poll, (detail|list): CPU per request vs its 200$/, target: 1.02, rows: 2 },
  { item: /^304 poll, (detail|list): header bytes$/, target: 600, rows: 2, ratio: false },
  { item: /^cost per million, (304 poll, )?(detail|list)$/, target: null, rows: 4, ratio: false },
  { item: /^bundle, (detail|list)$/, target: 600, rows: 2, ratio: false },
  {
    item: /^list \?(include=status|status=failed&include=status|status=PENDING): latency vs the plain list$/,
    target: 1.1,
    rows: 3,
  },
  { item: /^scale: list latency, \d+ other instances in the table vs 10$/, target: 1.2, rows: 1 },
  { item: /^page N: page \d+ of \d+ instances vs the whole list, latency$/, target: 1, rows: 1 },
  { item: /^list \?changed_since, 5 of \d+ changed: latency vs the plain list$/, target: 0.2, rows: 1 },
  { item: /^list \?changed_since, 5 of \d+ changed: read units vs the plain list$/, target: 0.1, rows: 1 },
  {
    item: /^big owner, \d+ instances: page 1 \(limit 100\) (latency|read units) vs the whole list's$/,
    target: 0.01,
    rows: 2,
  },
  {
    item: /^big owner, \d+ instances: \?status=failed \(1 in 1,000\), page 1 of limit 100, read units vs the whole list's$/,
    target: 0.01,
    rows: 1,
  },
  {
    item: /^big owner, \d+ instances: \?status=failed \(1 in 1,000\), last page .*, read units$/,
    target: null,
    rows: 1,
    ratio: false,
  },
  // Its last and a middle page; a sparse status's page, a rare one's first and last; and changed_since: few changes,
  // before the load, spread over every block.
  { item: /^big owner, \d+ instances: .*, latency$/, target: 2500, rows: 8, ratio: false },
  { item: /^import of \d+ new instances: throughput$/, target: null, rows: 1, ratio: false },
  { item: /^push: change to message, median$/, target: null, rows: 1, ratio: false },
  { item: /^push: change to message, p95$/, target: 1000, rows: 1, ratio: false },
  {
    item: /^push: one change to \d+ open connections of one owner, until the last has it$/,
    target: 5000,
    rows: 1,
    ratio: false,
  },
  { item: /^bundle, (connect|disconnect|client-messages|push)$/, target: 600, rows: 4, ratio: false },
  {
    item: /^cost of an open dashboard for an hour: polling the list every 5 s \(If-None-Match\)$/,
    target: null,
    rows: 1,
    ratio: false,
  },
  { item: /^cost of an open dashboard for an hour: push \(.*\) vs polling$/, target: 0.02, rows: 1 },
  { item: /^cost of an open dashboard for an hour: push vs polling, everything counted/, target: null, rows: 1 },
];

describe('npm run bench', () => {
  it('writes the machine it ran on and its rows: item, value, unit, ratio, target, met', () => {
    expect(Object.keys(results)).toEqual(['machine', 'rows']);
    expect(results.machine).toMatchObject({ node: process.version });
    expect(Object.keys(results.machine)).toEqual(expect.arrayContaining(['cpu', 'cores', 'commit', 'date', 'sizes']));
    for (const row of results.rows)
      expect(Object.keys(row)).toEqual(['item', 'value', 'unit', 'ratio', 'target', 'met']);
  });

  it('writes each promised row once, and no other, held to its target, with a finite ratio where it has a floor', () => {
    const promise = (item: string) => PROMISED.filter((each) => each.item.test(item));
    for (const row of results.rows) {
      const promised = promise(row.item);
      expect(promised, row.item).toHaveLength(1);
      expect(row.target, row.item).toBe(promised[0]?.target);
      if (promised[0]?.ratio === false) expect(row.ratio, row.item).toBeNull();
      else expect(Number.isFinite(row.ratio), row.item).toBe(true);
    }
    expect(new Set(results.rows.map(({ item }) => item)).size).toBe(results.rows.length);
    for (const { item, rows } of PROMISED)
      expect(
        results.rows.filter((row) => item.test(row.item)),
        String(item),
      ).toHaveLength(rows);
  });

  it('each value is a number (a round that timed nothing gives NaN), and met says what its target says', () => {
    for (const row of results.rows) {
      expect(Number.isFinite(row.value), row.item).toBe(true);
      // A row with a target says whether it is met: by its ratio when it has one, else by its value.
      if (row.target === null) expect(row.met, row.item).toBeNull();
      else expect(row.met, row.item).toBe((row.ratio ?? row.value) <= row.target);
    }
  });
});
