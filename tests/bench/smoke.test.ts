// `npm run bench` cannot rot: a smoke run of it (small table, one iteration, no serverless-offline) completes and
// reports every item. Its timings are not checked (they are what `npm run bench` is for); its DynamoDB call counts
// and status codes are.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../bench/support/report.ts';

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
    const { coldStart, warm, scale, uncachedToken, conditional } = report;
    for (const figure of [
      coldStart.detail.ready,
      coldStart.detail.afterStartup,
      coldStart.list.afterStartup,
      warm.detail.ratio,
      warm.list.ratio,
      warm.detail.cpuRatio,
      warm.list.cpuRatio,
      uncachedToken.detail.network.ratio,
      uncachedToken.detail.loopback.ratio,
      uncachedToken.list.network.overSequentialFloor,
      conditional.detail.ratio,
      scale.latencyGrowth,
    ]) {
      expect(Number.isFinite(figure) && figure > 0).toBe(true);
    }
    expect(report.scale.levels).toHaveLength(2);
    expect(report.paging.rows.length).toBeGreaterThan(0);
    expect(report.bundles.functions.detail.topPackages.length).toBeGreaterThan(0);
    expect(report.cost.map(({ name }) => name)).toContain('304 poll, detail');
    expect(report.cost.every(({ total }) => total > 0)).toBe(true);
    const markdown = readFileSync(join(directory, 'REPORT.md'), 'utf8');
    expect(markdown).toContain('## Summary');
    expect(markdown).toContain('| cold start, detail: import + first request |');
    expect(markdown).toContain('## Cost per million requests (estimate)');
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

  it('reads the instance beside an uncached token, for a valid token and an invalid one alike', () => {
    const { detail, list } = report.uncachedToken;
    expect(detail.validCalls).toMatchObject({ tokenCalls: 1, dataCalls: 1 });
    expect(detail.invalidCalls).toMatchObject({ tokenCalls: 1, dataCalls: 1 });
    // The list learns the owner from the token: a refused token costs no Query.
    expect(list.invalidCalls).toMatchObject({ tokenCalls: 1, dataCalls: 0 });
    expect(detail.invalidCalls.dataReadUnits).toBeLessThanOrEqual(1);
  });

  it('serves the list with statuses and status filters from the same one Query as the plain list', () => {
    const { plainReadUnits, rows } = report.statuses;
    expect(rows.map(({ query }) => query)).toEqual([
      'include=status',
      'status=failed&include=status',
      'status=PENDING',
    ]);
    for (const row of rows) {
      expect(row.operations).toEqual(['Query instances/listed-by-owner']);
      expect(row.dataReadUnits).toBe(plainReadUnits);
    }
  });

  it('answers a poll with the current ETag with a 304 after the same one read, and weighs the reference page', () => {
    expect(report.conditional.detail.calls).toMatchObject({ tokenCalls: 0, dataCalls: 1 });
    expect(report.conditional.list.calls).toMatchObject({ tokenCalls: 0, dataCalls: 1 });
    expect(Number.isFinite(report.conditional.detail.cpuOverOk)).toBe(true);
    const paths = report.docsPage.files.map(({ path }) => path);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/docs', '/api/openapi.json', '/api/docs/swagger-ui-bundle.<hash>.js']),
    );
    expect(report.docsPage.gzipKib).toBeLessThan(report.docsPage.kib);
  });
});
