// In one warm process: the functions' real handlers (the whole middy chain, real DynamoDB Local) against raw
// document-client calls. Timing mode interleaves handler and floors sample by sample and reports each run's
// median; counting mode routes everything through the counting proxy and reports the DynamoDB calls of the first
// request with a token, of a second one (token cached, once there is a cache), and of each floor.
// Usage: node bench/in-process.ts '<InProcessSpec JSON>'   (environment: the tables and the DynamoDB endpoint)
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ApiHandler } from '../lib/api.ts';
import type { TokenVerifier, VerifiedToken } from '../lib/auth.ts';
import { apiEvent, lambdaContext } from '../tests/support/events.ts';
import type { CaseCounts, CaseTiming, FloorStep, InProcessCase, InProcessSpec } from './support/cases.ts';
import { startCountingProxy, type CountingProxy } from './support/counting-proxy.ts';
import { median, quantile } from './support/stats.ts';

const spec = JSON.parse(process.argv[2] ?? '') as InProcessSpec;

let proxy: CountingProxy | undefined;
if (spec.mode === 'counting') {
  const upstream = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (!upstream) throw new Error('AWS_ENDPOINT_URL_DYNAMODB is not set');
  proxy = await startCountingProxy(upstream);
  // Before the first import of lib/data.ts and bench/floor.ts, whose clients read it when they are made.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = proxy.endpoint;
}

const { handler: detail } = await import('../functions/detail.ts');
const { handler: list } = await import('../functions/list.ts');
const { withApi } = await import('../lib/api.ts');
const { instances } = await import('../lib/data.ts');
const { instanceNotFound } = await import('../lib/errors.ts');
const { parseFilter, parseInstanceId, parsePagination } = await import('../lib/requests.ts');
const { detailBody, listBody } = await import('../lib/responses.ts');
const { dynamoDbVerifier } = await import('../lib/verifiers.ts');
const floor = await import('./floor.ts');

/** A stand-in for the token cache that lib/verifiers.ts is getting: verified owners, per process. */
function memoized(verifier: TokenVerifier): TokenVerifier {
  const owners = new Map<string, VerifiedToken>();
  return {
    async verify(token) {
      const known = owners.get(token.digest);
      if (known !== undefined) return known;
      const verified = await verifier.verify(token);
      if (verified !== undefined) owners.set(token.digest, verified);
      return verified;
    },
  };
}

// functions/detail.ts's and functions/list.ts's bodies, on the same withApi chain, with the memoized verifier.
const cachedVerifier = memoized(dynamoDbVerifier);
const projected: Record<InProcessCase['function'], ApiHandler> = {
  detail: withApi(async ({ owner, query, pathParameters }) => {
    const view = parseFilter(query);
    const uuid = parseInstanceId(pathParameters.id);
    const instance = uuid === undefined ? undefined : await instances.get(owner, uuid);
    if (!instance) throw instanceNotFound();
    return detailBody(instance, view);
  }, cachedVerifier),
  list: withApi(async ({ owner, query }) => listBody(await instances.list(owner), parsePagination(query)), cachedVerifier),
};
const real: Record<InProcessCase['function'], ApiHandler> = { detail, list };

function requester(testCase: InProcessCase): () => Promise<APIGatewayProxyResult> {
  const handler = (testCase.handler === 'real' ? real : projected)[testCase.function];
  const headers = { authorization: `Token ${testCase.token}` };
  const event = apiEvent({ headers, ...(testCase.id !== undefined && { id: testCase.id }), ...(testCase.query && { query: testCase.query }) });
  const context = lambdaContext();
  return async () => {
    const response = await handler(event, context);
    if (response.statusCode !== testCase.expectStatus) {
      throw new Error(`${testCase.name}: status ${response.statusCode}, expected ${testCase.expectStatus}: ${response.body}`);
    }
    return response;
  };
}

async function runFloor(steps: readonly FloorStep[]): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'parallel') {
      await Promise.all(step.steps.map((inner) => runFloor([inner])));
    } else if (step.kind === 'get') {
      if ((await floor.getItem(step.table, step.key)) === undefined) throw new Error(`floor: no item ${JSON.stringify(step.key)}`);
    } else {
      const page = {
        ...(step.limit !== undefined && { Limit: step.limit }),
        ...(step.exclusiveStartKey && { ExclusiveStartKey: step.exclusiveStartKey }),
      };
      if ((await floor.queryOwner(step.table, step.index, step.owner, page)) === 0) throw new Error(`floor: empty query of ${step.owner}`);
    }
  }
}

async function time(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

async function timing(testCase: InProcessCase): Promise<CaseTiming> {
  const request = requester(testCase);
  const floorNames = Object.keys(testCase.floors);
  const actions: [string, () => Promise<unknown>][] = [
    ['handler', request],
    ...floorNames.map((name): [string, () => Promise<unknown>] => [name, () => runFloor(testCase.floors[name] ?? [])]),
  ];
  for (let i = 0; i < spec.warmup; i++) for (const [, action] of actions) await action();
  const result: CaseTiming = { handler: [], handlerP99: [], floors: Object.fromEntries(floorNames.map((name) => [name, []])) };
  for (let run = 0; run < spec.runs; run++) {
    const samples = new Map<string, number[]>(actions.map(([name]) => [name, []]));
    for (let sample = 0; sample < spec.samples; sample++) {
      // Rotate who goes first, so that neither side always follows the other.
      for (let k = 0; k < actions.length; k++) {
        const [name, action] = actions[(sample + k) % actions.length]!;
        samples.get(name)!.push(await time(action));
      }
    }
    result.handler.push(median(samples.get('handler')!));
    result.handlerP99.push(quantile(samples.get('handler')!, 0.99));
    for (const name of floorNames) result.floors[name]!.push(median(samples.get(name)!));
  }
  return result;
}

async function counting(testCase: InProcessCase, counter: CountingProxy): Promise<CaseCounts> {
  const request = requester(testCase);
  counter.take();
  await request();
  const first = counter.take();
  await request();
  const second = counter.take();
  const floors: CaseCounts['floors'] = {};
  for (const [name, steps] of Object.entries(testCase.floors)) {
    await runFloor(steps);
    floors[name] = counter.take();
  }
  return { first, second, floors };
}

const results: Record<string, CaseTiming | CaseCounts> = {};
for (const testCase of spec.cases) {
  results[testCase.name] = proxy ? await counting(testCase, proxy) : await timing(testCase);
}
await proxy?.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
