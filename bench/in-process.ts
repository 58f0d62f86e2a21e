// In one warm process: the functions' real handlers (the whole middy chain, real DynamoDB Local) against raw
// document-client calls. Timing mode interleaves handler and floors sample by sample (and the cases too, when
// asked: to compare one request with another) and reports each run's median; counting mode routes everything
// through the counting proxy and reports the DynamoDB calls of the first request with a token, of a second one
// (token cached), and of each floor.
// Usage: node bench/in-process.ts '<InProcessSpec JSON>'
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { ApiHandler } from '../lib/api.ts';
import { readSettings } from '../lib/config.ts';
import { detailRoute } from '../lib/routes/detail.ts';
import { listRoute } from '../lib/routes/list.ts';
import { assemble } from '../lib/dependencies.ts';
import { localDocumentClient } from '../local/stack.ts';
import { apiEvent, lambdaContext } from '../tests/support/events.ts';
import { createFloor } from './floor.ts';
import { startDynamoDbProxy } from '../tests/support/dynamodb-proxy.ts';
import {
  requestsPerCase,
  type CaseCounts,
  type CaseTiming,
  type FloorStep,
  type InProcessCase,
  type InProcessSpec,
} from './support/cases.ts';
import { uncachedToken } from './support/data.ts';
import { median, quantile } from './support/stats.ts';

const spec = JSON.parse(process.argv[2] ?? '') as InProcessSpec;

// The handlers as the functions build them (the deployed settings' defaults), and the floor on the same kind of client.
const proxy = spec.mode === 'counting' ? await startDynamoDbProxy(spec.dynamoDbEndpoint) : undefined;
const settings = readSettings({ INSTANCES_TABLE: spec.tables.instances, TOKENS_TABLE: spec.tables.tokens });
const client = localDocumentClient(proxy?.endpoint ?? spec.dynamoDbEndpoint, settings.dynamoDbRequestTimeoutMs);
const dependencies = assemble(settings, client);
const handlers: Record<InProcessCase['function'], ApiHandler> = {
  detail: detailRoute(dependencies),
  list: listRoute(dependencies),
};
const floor = createFloor(client);

/** The requests a case makes, in order: one event, or one per uncached token (built before any is timed). */
async function requester(testCase: InProcessCase): Promise<() => Promise<APIGatewayProxyResult>> {
  const handler = handlers[testCase.function];
  const context = lambdaContext();
  const eventWith = (token: string, extraHeaders: Record<string, string> = {}) =>
    apiEvent({
      headers: { authorization: `Token ${token}`, ...extraHeaders },
      ...(testCase.id !== undefined && { id: testCase.id }),
      ...(testCase.query && { query: testCase.query }),
    });
  const call = async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const response = await handler(event, context);
    if (response.statusCode !== testCase.expectStatus) {
      throw new Error(
        `${testCase.name}: status ${response.statusCode}, expected ${testCase.expectStatus}: ${response.body}`,
      );
    }
    return response;
  };
  if (testCase.uncachedTokensFrom !== undefined) {
    const from = testCase.uncachedTokensFrom;
    const events = Array.from({ length: requestsPerCase(spec) }, (_, index) => eventWith(uncachedToken(from + index)));
    let next = 0;
    return () => {
      const event = events[next++];
      if (event === undefined) throw new Error(`${testCase.name}: more requests than uncached tokens`);
      return call(event);
    };
  }
  if (testCase.revalidate) {
    const first = await handler(eventWith(testCase.token), context);
    const etag = first.headers?.ETag;
    if (typeof etag !== 'string') throw new Error(`${testCase.name}: the first answer has no ETag`);
    const event = eventWith(testCase.token, { 'if-none-match': etag });
    return () => call(event);
  }
  const event = eventWith(testCase.token);
  return () => call(event);
}

async function runFloor(steps: readonly FloorStep[]): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'get') {
      if ((await floor.getItem(step.table, step.key, step.consistent)) === undefined)
        throw new Error(`floor: no item ${JSON.stringify(step.key)}`);
    } else {
      const page = {
        ...(step.limit !== undefined && { Limit: step.limit }),
        ...(step.exclusiveStartKey && { ExclusiveStartKey: step.exclusiveStartKey }),
      };
      if ((await floor.queryOwner(step.table, step.index, step.owner, page)) === 0)
        throw new Error(`floor: empty query of ${step.owner}`);
    }
  }
}

/** Latency (ms) and this process's CPU time (µs, user + system) of one action. */
async function measure(action: () => Promise<unknown>): Promise<[number, number]> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await action();
  const latency = performance.now() - start;
  const { user, system } = process.cpuUsage(cpu);
  return [latency, user + system];
}

/** Times the cases' handlers and floors, every action of every case interleaved sample by sample. */
async function timing(cases: readonly InProcessCase[]): Promise<Record<string, CaseTiming>> {
  type Action = { testCase: string; name: string; run: () => Promise<unknown> };
  const actions: Action[] = [];
  for (const testCase of cases) {
    actions.push({ testCase: testCase.name, name: 'handler', run: await requester(testCase) });
    for (const [name, steps] of Object.entries(testCase.floors))
      actions.push({ testCase: testCase.name, name, run: () => runFloor(steps) });
  }
  for (let i = 0; i < spec.warmup; i++) for (const { run } of actions) await run();
  const results: Record<string, CaseTiming> = Object.fromEntries(
    cases.map((testCase) => [
      testCase.name,
      {
        handler: [],
        handlerP99: [],
        floors: Object.fromEntries(Object.keys(testCase.floors).map((name) => [name, []])),
        cpuUs: Object.fromEntries(['handler', ...Object.keys(testCase.floors)].map((name) => [name, []])),
      },
    ]),
  );
  for (let run = 0; run < spec.runs; run++) {
    const latencies = actions.map((): number[] => []);
    const cpu = actions.map((): number[] => []);
    for (let sample = 0; sample < spec.samples; sample++) {
      // Rotate who goes first, so that no action always follows the same other.
      for (let k = 0; k < actions.length; k++) {
        const index = (sample + k) % actions.length;
        const [latency, cpuUs] = await measure(actions[index]!.run);
        latencies[index]!.push(latency);
        cpu[index]!.push(cpuUs);
      }
    }
    actions.forEach(({ testCase, name }, index) => {
      const result = results[testCase]!;
      if (name === 'handler') {
        result.handler.push(median(latencies[index]!));
        result.handlerP99.push(quantile(latencies[index]!, 0.99));
      } else {
        result.floors[name]!.push(median(latencies[index]!));
      }
      result.cpuUs[name]!.push(median(cpu[index]!));
    });
  }
  return results;
}

async function counting(testCase: InProcessCase, counter: NonNullable<typeof proxy>): Promise<CaseCounts> {
  const request = await requester(testCase);
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
if (proxy) {
  for (const testCase of spec.cases) results[testCase.name] = await counting(testCase, proxy);
} else if (spec.interleaveCases) {
  Object.assign(results, await timing(spec.cases));
} else {
  for (const testCase of spec.cases) Object.assign(results, await timing([testCase]));
}
await proxy?.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
