// Cold starts: fresh processes that import a function's bundle and answer one request (its token necessarily not
// cached), against the floor's bundle doing the same request's reads. A small child-process loop, as hyperfine would
// run it: the variants in a rotating order, one round discarded first (the file cache) unless there is only one.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { localAwsEnvironment } from '../../infra/dynamodb.ts';
import { stageEnvironment } from '../../infra/serverless-yml.ts';
import { apiEvent } from '../../harness/events.ts';
import { DETAIL_UUID, TOKEN } from '../data.ts';
import { ratioRow, type Row } from '../rows.ts';
import { auth, RELAXED_LIMITS, type Setup } from '../setup.ts';
import { rotated } from '../timing.ts';

const CHILD = fileURLToPath(new URL('../cold-start.ts', import.meta.url));
const WHOLE_PROCESS_TARGET = 1.05;
const FUNCTION_PART_TARGET = 1.15;

interface Sample {
  /** Spawn to exit, as the parent sees it. */
  wholeMs: number;
  /** Import and first request, as the child sees them. */
  partMs: number;
}

export async function coldStart(setup: Setup): Promise<Row[]> {
  const { bundles } = setup;
  const events = {
    detail: JSON.stringify(apiEvent({ headers: auth(TOKEN), id: DETAIL_UUID })),
    list: JSON.stringify(apiEvent({ headers: auth(TOKEN) })),
  };
  const variants: Record<string, string[]> = {
    detail: [bundles.detail.path, 'handler', events.detail],
    'detail floor': [bundles.floor.path, 'detail', events.detail],
    list: [bundles.list.path, 'handler', events.list],
    'list floor': [bundles.floor.path, 'list', events.list],
  };
  // What a deployed function of the stage finds in its environment.
  const env = {
    ...process.env,
    ...localAwsEnvironment(setup.dynamoDbEndpoint),
    ...stageEnvironment(setup.stage),
    ...RELAXED_LIMITS,
  };
  const names = Object.keys(variants);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = setup.sizes.coldRuns > 1 ? -1 : 0; round < setup.sizes.coldRuns; round++) {
    for (const name of rotated(names, Math.max(round, 0))) {
      const started = performance.now();
      const { stdout } = await promisify(execFile)(process.execPath, [CHILD, ...variants[name]!], { env });
      const wholeMs = performance.now() - started;
      const { statusCode, ms } = JSON.parse(stdout) as { statusCode: number; ms: number };
      if (statusCode !== 200) throw new Error(`cold start of ${name}: status ${statusCode}`);
      if (round >= 0) samples[name]!.push({ wholeMs, partMs: ms });
    }
  }
  const of = (name: string, key: keyof Sample) => samples[name]!.map((sample) => sample[key]);
  return ['detail', 'list'].flatMap((name) => [
    ratioRow(
      `cold start, ${name}: whole process`,
      'ms',
      of(name, 'wholeMs'),
      of(`${name} floor`, 'wholeMs'),
      WHOLE_PROCESS_TARGET,
    ),
    ratioRow(
      `cold start, ${name}: import + first request`,
      'ms',
      of(name, 'partMs'),
      of(`${name} floor`, 'partMs'),
      FUNCTION_PART_TARGET,
    ),
  ]);
}
