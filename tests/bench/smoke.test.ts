// `npm run bench` cannot rot: a smoke run of it (small table, one iteration, no serverless-offline) completes and
// reports every item. Its timings are not checked (they are what `npm run bench` is for); its DynamoDB call counts
// are.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../bench/run.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
let directory: string;
let report: Report;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'lambda-instances-bench-'));
  await promisify(execFile)(process.execPath, ['bench/run.ts'], {
    cwd: root,
    env: { ...process.env, BENCH_SMOKE: '1', BENCH_OUTPUT_DIR: directory },
  });
  report = JSON.parse(readFileSync(join(directory, 'report.json'), 'utf8')) as Report;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('npm run bench:smoke', () => {
  it('measures every item and writes REPORT.md with the summary table', () => {
    expect(report.smoke).toBe(true);
    const { coldStart, warm, scale } = report;
    for (const ratio of [
      coldStart.ratio,
      warm.detail.ratio,
      warm.list.ratio,
      scale.latencyGrowth,
      warm.detail.handlerCpuUs,
    ]) {
      expect(Number.isFinite(ratio) && ratio > 0).toBe(true);
    }
    expect(report.scale.levels).toHaveLength(2);
    expect(report.paging.rows.length).toBeGreaterThan(0);
    expect(report.bundles.functions.detail?.topPackages.length).toBeGreaterThan(0);
    const markdown = readFileSync(join(directory, 'REPORT.md'), 'utf8');
    expect(markdown).toContain('## Summary');
    expect(markdown).toContain('| 1 cold start, detail |');
  });

  it('counts one data call per request, one token lookup for a token not yet seen and none once it is cached', () => {
    const { detail, list } = report.warm;
    expect(detail.firstRequestCalls).toMatchObject({ tokenCalls: 1, dataCalls: 1 });
    expect(detail.secondRequestCalls).toMatchObject({ tokenCalls: 0, dataCalls: 1 });
    expect(list.firstRequestCalls).toMatchObject({ tokenCalls: 1, dataCalls: 1 });
    expect(list.secondRequestCalls).toMatchObject({ tokenCalls: 0, dataCalls: 1 });
    expect(report.coldStart.coldDetailCalls).toMatchObject({ tokenCalls: 1, dataCalls: 1 });
    expect(report.paging.readsFullItems).toBe(false);
  });
});
