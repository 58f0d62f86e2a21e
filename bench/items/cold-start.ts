// Cold start: fresh processes that import a function's bundle and serve one request, against a floor that imports
// only the DynamoDB document client and does one GetItem. Variants rotate their order every round.
import { join } from 'node:path';
import { localAwsEnvironment } from '../../local/stack.ts';
import { stageEnvironment } from '../../local/serverless-yml.ts';
import { startDynamoDbProxy } from '../../tests/support/dynamodb-proxy.ts';
import { apiEvent } from '../../tests/support/events.ts';
import { ROOT } from '../support/bundles.ts';
import {
  DETAIL_UUID,
  INSTANCES_TABLE,
  STAGE,
  summarize,
  table,
  verdict,
  type BenchContext,
  type SummaryRow,
} from '../support/context.ts';
import { BENCH_TOKENS } from '../support/data.ts';
import { lastJson, runChild } from '../support/spawn.ts';
import { median, medianRatio, round } from '../support/stats.ts';
import type { Bundles } from './bundles.ts';

const TARGET = 1.1;

interface ColdTiming {
  started: number;
  imported: number;
  done: number;
  statusCode?: number;
}
type Sample = ColdTiming & { wall: number };
/** ready: the answer, Node's start-up included; afterStartup: import + first request; wall: spawn to exit. */
type Measure = 'ready' | 'afterStartup' | 'wall';

const value = (sample: Sample, key: Measure): number =>
  key === 'ready' ? sample.done : key === 'afterStartup' ? sample.done - sample.started : sample.wall;

function variantsOf({ packaged, built }: Bundles) {
  const authorization = { authorization: `Token ${BENCH_TOKENS.coldStart.token}` };
  const detailEvent = JSON.stringify(apiEvent({ headers: authorization, id: DETAIL_UUID }));
  const listEvent = JSON.stringify(apiEvent({ headers: authorization }));
  const docsEvent = JSON.stringify(apiEvent({ resource: '/api/docs' }));
  const floorArgs = [INSTANCES_TABLE, JSON.stringify({ uuid: DETAIL_UUID })];
  const fn = (bundle: string | undefined, event: string) => ({ script: 'cold-start.ts', args: [bundle ?? '', event] });
  return {
    'detail (packaged bundle)': fn(packaged.detail, detailEvent),
    'floor (bundled)': { script: 'cold-start-floor.ts', args: [built.floor?.path ?? '', ...floorArgs] },
    'list (packaged bundle)': fn(packaged.list, listEvent),
    'detail (@aws-sdk external)': fn(built['detail-sdk-external']?.path, detailEvent),
    'floor (unbundled SDK)': { script: 'cold-start-floor.ts', args: [join(ROOT, 'bench/floor.ts'), ...floorArgs] },
    'list (@aws-sdk external)': fn(built['list-sdk-external']?.path, listEvent),
    'detail (default credential chain)': fn(built['detail-credential-chain']?.path, detailEvent),
    'docs page (packaged bundle)': fn(packaged.docs, docsEvent),
  };
}

export async function measure(context: BenchContext, bundles: Bundles) {
  const { config, log, dynamoDbEndpoint } = context;
  log(`cold start: ${config.coldRuns} fresh processes per variant, interleaved`);
  const variants: Record<string, { script: string; args: string[] }> = variantsOf(bundles);
  const names = Object.keys(variants);
  const samples = new Map(names.map((name) => [name, [] as Sample[]]));
  // What a deployed function of the stage finds in its environment.
  const lambdaEnvironment = { ...localAwsEnvironment(dynamoDbEndpoint), ...stageEnvironment(STAGE) };
  // One discarded round first (file cache), then rounds with the variants in a rotating order.
  for (let round_ = -1; round_ < config.coldRuns; round_++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(Math.max(round_, 0) + k) % names.length]!;
      const { script, args } = variants[name]!;
      const run = await runChild(script, args, lambdaEnvironment);
      const timing = lastJson<ColdTiming>(run);
      if (timing.statusCode !== 200) throw new Error(`cold start ${name}: status ${timing.statusCode}`);
      if (round_ >= 0) samples.get(name)!.push({ ...timing, wall: run.wallMs });
    }
  }
  const of = (name: string): Sample[] => samples.get(name) ?? [];
  const medianOf = (name: string, pick: (sample: Sample) => number): number => round(median(of(name).map(pick)));
  const summary = Object.fromEntries(
    names.map((name) => [
      name,
      {
        readyMs: medianOf(name, ({ done }) => done),
        bootMs: medianOf(name, ({ started }) => started),
        importMs: medianOf(name, ({ started, imported }) => imported - started),
        requestMs: medianOf(name, ({ imported, done }) => done - imported),
        wallMs: medianOf(name, ({ wall }) => wall),
        runs: of(name).length,
      },
    ]),
  );
  const ratio = (fn: string, floor: string, key: Measure): number =>
    round(
      medianRatio(
        of(fn).map((sample) => value(sample, key)),
        of(floor).map((sample) => value(sample, key)),
      ),
    );
  const bundledFloor = 'floor (bundled)';
  // The DynamoDB calls of one cold detail request, through the counting proxy.
  const proxy = await startDynamoDbProxy(dynamoDbEndpoint);
  await runChild('cold-start.ts', variants['detail (packaged bundle)']!.args, {
    ...lambdaEnvironment,
    AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
  });
  const coldDetailCalls = summarize(proxy.take());
  await proxy.close();
  return {
    runs: config.coldRuns,
    variants: summary,
    target: TARGET,
    detail: {
      ready: ratio('detail (packaged bundle)', bundledFloor, 'ready'),
      wall: ratio('detail (packaged bundle)', bundledFloor, 'wall'),
      afterStartup: ratio('detail (packaged bundle)', bundledFloor, 'afterStartup'),
    },
    list: {
      ready: ratio('list (packaged bundle)', bundledFloor, 'ready'),
      wall: ratio('list (packaged bundle)', bundledFloor, 'wall'),
      afterStartup: ratio('list (packaged bundle)', bundledFloor, 'afterStartup'),
    },
    sdkExternal: ratio('detail (@aws-sdk external)', 'floor (unbundled SDK)', 'ready'),
    sdkExternalVsBundledFloor: ratio('detail (@aws-sdk external)', bundledFloor, 'ready'),
    credentialChain: ratio('detail (default credential chain)', bundledFloor, 'ready'),
    coldDetailCalls,
  };
}

export type ColdStartResult = Awaited<ReturnType<typeof measure>>;

export const importMs = (result: ColdStartResult, name: string): number =>
  result.variants[`${name === 'docs' ? 'docs page' : name} (packaged bundle)`]?.importMs ?? Number.NaN;

export function summaryRows(result: ColdStartResult): SummaryRow[] {
  const { variants, target, runs } = result;
  const floor = variants['floor (bundled)']!;
  const rows: SummaryRow[] = [];
  for (const name of ['detail', 'list'] as const) {
    const fn = variants[`${name} (packaged bundle)`]!;
    const ratios = result[name];
    rows.push(
      [
        `cold start, ${name}: import + first request`,
        `${round(fn.importMs + fn.requestMs)} ms vs floor ${round(floor.importMs + floor.requestMs)} ms: **${ratios.afterStartup} x** (Node's start-up left out; median ratio of ${runs} rounds)`,
        `<= ${target} x`,
        verdict(ratios.afterStartup <= target),
      ],
      [
        `cold start, ${name}: whole process`,
        `${fn.readyMs} ms vs floor ${floor.readyMs} ms: **${ratios.ready} x**`,
        `<= ${target} x`,
        verdict(ratios.ready <= target),
      ],
    );
  }
  return rows;
}

export function section(result: ColdStartResult, node: string): string {
  const { variants, runs, detail, list, target, coldDetailCalls } = result;
  return `## Cold start (${runs} fresh processes per variant, median)

A fresh \`node\` (${node}) imports a bundle and serves one request against DynamoDB Local; the floor imports only
the DynamoDB document client (bench/floor.ts) and does one GetItem of the same item. Both first load what
Lambda's Node.js runtime has loaded before it imports any handler (node:http, bench/support/lambda-runtime.ts),
which counts in their Node start-up. "ready" is \`performance.now()\` in the child when the answer is there
(Node's own start-up included); start-up, import and request are its parts (each column is its own median, so
they need not add up); "wall" is spawn to exit as the parent sees it. The variants rotate order every round; one
round is discarded first. Start-up is Node's and the same for every variant: "import + request" is the part the
function controls.

${table(
  ['variant', 'ready', 'Node start-up', 'import', 'request', 'import + request', 'wall'],
  Object.entries(variants).map(([name, v]) => [
    name,
    `${v.readyMs} ms`,
    `${v.bootMs} ms`,
    `${v.importMs} ms`,
    `${v.requestMs} ms`,
    `${round(v.importMs + v.requestMs)} ms`,
    `${v.wallMs} ms`,
  ]),
)}

${table(
  ['function / bundled floor', 'import + request', 'ready', 'wall'],
  [
    ['detail', `**${detail.afterStartup} x**`, `${detail.ready} x`, `${detail.wall} x`],
    ['list', `**${list.afterStartup} x**`, `${list.ready} x`, `${list.wall} x`],
  ],
)}

Target <= ${target} x for both. Medians of the per-round ratios (noise common to a round cancels).

- detail with \`@aws-sdk/*\` external / floor with the SDK from node_modules: ${result.sdkExternal} x; against the bundled floor: ${result.sdkExternalVsBundledFloor} x.
- detail built with the SDK's default credential chain (without serverless.yml's alias to lib/env-credentials.ts) / bundled floor: ${result.credentialChain} x.
- A cold detail request makes ${coldDetailCalls.calls} DynamoDB calls (${coldDetailCalls.tokenCalls} token lookup, ${coldDetailCalls.operations.join(', ')}), side by side; the floor 1.`;
}
