// An estimate of what a million requests cost, from this run's figures: CPU time per request (scaled to the
// function's share of a vCPU), DynamoDB's round trips and read units, and list prices. Nothing is measured here.
import { table, type SummaryRow } from '../support/context.ts';
import type { ConditionalResult } from './conditional.ts';
import type { UncachedTokenResult } from './uncached-token.ts';
import type { WarmResult } from './warm.ts';

/**
 * The inputs, written down so that they can be checked and changed: serverless.yml's memory and architecture,
 * and AWS's published us-east-1 prices (Lambda's and API Gateway's unchanged for years, DynamoDB on-demand's since
 * its November 2024 cut); eu-central-1's are a little higher: check its pricing pages before quoting a figure.
 */
const COST_INPUTS = {
  memoryMb: 256,
  architecture: 'arm64',
  /** Lambda gives a function one vCPU at 1,769 MB, and a proportional share below. */
  vcpuShare: 256 / 1769,
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoDbPerMillionReadUnits: 0.125,
  apiGatewayPerMillionRequests: 3.5,
  /** An in-region DynamoDB round trip, which the function waits for and is billed for (not measurable here). */
  dynamoDbRoundTripMs: 5,
} as const;

interface CostCase {
  name: string;
  cpuUs: number;
  roundTrips: number;
  readUnits: number;
}

function estimate({ name, cpuUs, roundTrips, readUnits }: CostCase) {
  const inputs = COST_INPUTS;
  const durationMs = Math.ceil(cpuUs / 1000 / inputs.vcpuShare + roundTrips * inputs.dynamoDbRoundTripMs);
  const lambda =
    inputs.lambdaPerMillionRequests + 1e6 * (durationMs / 1000) * (inputs.memoryMb / 1024) * inputs.lambdaPerGbSecond;
  const dynamoDb = readUnits * inputs.dynamoDbPerMillionReadUnits;
  const dollars = (value: number): number => Math.round(value * 100) / 100;
  return {
    name,
    cpuUs,
    roundTrips,
    readUnits,
    billedMs: durationMs,
    lambda: dollars(lambda),
    dynamoDb: dollars(dynamoDb),
    apiGateway: inputs.apiGatewayPerMillionRequests,
    total: dollars(lambda + dynamoDb + inputs.apiGatewayPerMillionRequests),
  };
}

export function estimateCost(warm: WarmResult, uncached: UncachedTokenResult, conditional: ConditionalResult) {
  return [
    {
      name: 'detail',
      cpuUs: warm.detail.handlerCpuUs,
      roundTrips: 1,
      readUnits: warm.detail.secondRequestCalls.readUnits,
    },
    {
      name: 'detail, token not cached',
      cpuUs: uncached.detail.network.handlerCpuUs,
      roundTrips: 1,
      readUnits: uncached.detail.validCalls.readUnits,
    },
    { name: 'list', cpuUs: warm.list.handlerCpuUs, roundTrips: 1, readUnits: warm.list.secondRequestCalls.readUnits },
    {
      name: 'list, token not cached',
      cpuUs: uncached.list.network.handlerCpuUs,
      roundTrips: 2,
      readUnits: uncached.list.validCalls.readUnits,
    },
    {
      name: '304 poll, detail',
      cpuUs: conditional.detail.handlerCpuUs,
      roundTrips: 1,
      readUnits: conditional.detail.calls.readUnits,
    },
    {
      name: '304 poll, list',
      cpuUs: conditional.list.handlerCpuUs,
      roundTrips: 1,
      readUnits: conditional.list.calls.readUnits,
    },
  ].map(estimate);
}

export type CostResult = ReturnType<typeof estimateCost>;

const FORMULA = `billed ms = ceil(CPU µs / 1000 / ${COST_INPUTS.vcpuShare.toFixed(4)} + round trips x ${COST_INPUTS.dynamoDbRoundTripMs} ms)`;

export const summaryRows = (cost: CostResult): SummaryRow[] =>
  cost
    .filter(({ name }) => !name.includes('not cached'))
    .map((row) => [
      `cost per million, ${row.name}`,
      `**$${row.total}**: Lambda $${row.lambda} (${row.billedMs} ms billed) + DynamoDB $${row.dynamoDb} (${row.readUnits} RRU) + API Gateway $${row.apiGateway}`,
      'report (section Cost)',
      '',
    ]);

export function section(cost: CostResult): string {
  const inputs = COST_INPUTS;
  return `## Cost per million requests (estimate)

From this run's medians: the handler's CPU per request (a warm one, or one with a token the process has not
cached), scaled to the function's share of a vCPU (Lambda gives one vCPU at 1,769 MB; ${inputs.memoryMb} MB ${inputs.architecture} gets ${(inputs.vcpuShare * 100).toFixed(1)}% of one), plus the DynamoDB round trips it waits
for, assumed ${inputs.dynamoDbRoundTripMs} ms each in-region (DynamoDB Local's loopback answer says nothing about that), and
the read units counted by the proxy. Prices (us-east-1 on-demand list prices): Lambda arm64
$${inputs.lambdaPerGbSecond} per GB-second and $${inputs.lambdaPerMillionRequests} per million requests, DynamoDB on-demand
$${inputs.dynamoDbPerMillionReadUnits} per million read request units, API Gateway REST $${inputs.apiGatewayPerMillionRequests} per million
requests. Not counted: data transfer out, CloudWatch logs (API Gateway's access log line), alarms. The inputs are
COST_INPUTS in bench/items/cost.ts.

- ${FORMULA}
- Lambda = $${inputs.lambdaPerMillionRequests} + 10^6 x billed s x ${inputs.memoryMb / 1024} GB x $${inputs.lambdaPerGbSecond}
- DynamoDB = read units per request x $${inputs.dynamoDbPerMillionReadUnits}

${table(
  ['case', 'CPU', 'round trips', 'billed', 'RRU', 'Lambda', 'DynamoDB', 'API Gateway', 'total per million'],
  cost.map((row) => [
    row.name,
    `${row.cpuUs} µs`,
    row.roundTrips,
    `${row.billedMs} ms`,
    row.readUnits,
    `$${row.lambda}`,
    `$${row.dynamoDb}`,
    `$${row.apiGateway}`,
    `**$${row.total}**`,
  ]),
)}

API Gateway is most of the bill; of the function's own part, the wait for DynamoDB is most of the billed time.`;
}
