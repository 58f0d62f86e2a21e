// What a million requests cost, estimated from this run's CPU time per request and read units, and list prices; and
// what an open dashboard costs for an hour, polling or pushed. Nothing is measured here: the inputs are written down
// so that they can be checked and changed.
import { ratioRow, valueRow, type Row } from './rows.ts';

const COST_INPUTS = {
  /** serverless.yml: 256 MB, arm64. Lambda gives one vCPU at 1,769 MB and a proportional share below. */
  memoryGb: 256 / 1024,
  vcpuShare: 256 / 1769,
  // AWS's us-east-1 list prices: Lambda arm64, DynamoDB on demand (since November 2024), API Gateway REST. Those of
  // eu-central-1 are a little higher: check its pricing pages before quoting a figure.
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  dynamoDbPerMillionReadUnits: 0.125,
  apiGatewayPerMillionRequests: 3.5,
  /** An in-region DynamoDB round trip, which the function waits for and is billed for (DynamoDB Local says nothing). */
  roundTripMs: 5,
} as const;

export interface RequestCost {
  /** The function's CPU time per request here, in µs, which a share of a vCPU stretches. */
  cpuUs: number;
  roundTrips: number;
  readUnits: number;
}

/** Dollars per million requests: Lambda (billed ms, rounded up) + DynamoDB's read units + API Gateway. */
export function costPerMillion({ cpuUs, roundTrips, readUnits }: RequestCost): number {
  const inputs = COST_INPUTS;
  const billedMs = Math.ceil(cpuUs / 1000 / inputs.vcpuShare + roundTrips * inputs.roundTripMs);
  const lambda = inputs.lambdaPerMillionRequests + 1e6 * (billedMs / 1000) * inputs.memoryGb * inputs.lambdaPerGbSecond;
  return lambda + readUnits * inputs.dynamoDbPerMillionReadUnits + inputs.apiGatewayPerMillionRequests;
}

/**
 * An open dashboard for an hour: polling the list every 5 s with If-None-Match (nearly every answer a 304), against
 * keeping a push connection open (docs/contract.md section 7.8) told of 10 changes, pinging every 5 minutes (API
 * Gateway closes a connection idle for 10).
 */
const DASHBOARD = { minutes: 60, pollSeconds: 5, changes: 10, pingMinutes: 5 } as const;

/** AWS's us-east-1 list prices for the push: API Gateway WebSocket APIs, and DynamoDB on-demand writes. */
const PUSH_PRICES = {
  webSocketPerMillionMessages: 1.0,
  webSocketPerMillionConnectionMinutes: 0.25,
  dynamoDbPerMillionWriteUnits: 0.625,
} as const;

/** Lambda's price of invocations that are each billed `billedMs` (the first millisecond up, as Lambda rounds). */
const lambda = (invocations: number, billedMs: number): number =>
  invocations *
  (COST_INPUTS.lambdaPerMillionRequests / 1e6 +
    (billedMs / 1000) * COST_INPUTS.memoryGb * COST_INPUTS.lambdaPerGbSecond);

/** The push's hour, part by part. */
interface PushHour {
  /** What the comparison counts: the open connection, its messages and the functions they invoke. */
  connection: number;
  /** Pings and their pongs (API Gateway counts messages both ways), and one message per change. */
  messages: number;
  /** A ping's function, and the push function once per change at worst. */
  invocations: number;
  /** Besides: connect and disconnect, the connections and tokens tables' reads and writes. */
  overhead: number;
}

/**
 * The push's hour: connection-minutes; messages; the functions' invocations, billed at a few DynamoDB or API Gateway
 * round trips each; and, apart, connecting and disconnecting once and the tables' reads and writes.
 */
function pushHour(): PushHour {
  const { minutes, changes, pingMinutes } = DASHBOARD;
  const pings = minutes / pingMinutes;
  const { roundTripMs, dynamoDbPerMillionReadUnits } = COST_INPUTS;
  // A change: the owner's connections (a strongly consistent read) and its token (the cache has let it go by then);
  // connect and disconnect: a token or an index read, and a write each.
  const reads = changes * 1.5 + 2 * 0.5;
  const writes = 2;
  return {
    connection: (minutes * PUSH_PRICES.webSocketPerMillionConnectionMinutes) / 1e6,
    messages: ((2 * pings + changes) * PUSH_PRICES.webSocketPerMillionMessages) / 1e6,
    invocations: lambda(pings, 1) + lambda(changes, 3 * roundTripMs + 10),
    overhead:
      lambda(2, 2 * roundTripMs + 10) +
      (reads * dynamoDbPerMillionReadUnits + writes * PUSH_PRICES.dynamoDbPerMillionWriteUnits) / 1e6,
  };
}

/** Push must cost at most a fiftieth of polling. */
const PUSH_TO_POLLING_TARGET = 1 / 50;

/**
 * What an open dashboard costs for an hour, polled and pushed, from this run's price rows of the list. Push against
 * polling twice: what the comparison counts (the connection, its messages, the invocations they make), then with
 * everything besides (connecting and disconnecting, the tables' reads and writes) and, on both sides, the list that
 * starts the hour (a 200: the push client's catch-up, the polling client's first poll).
 */
export function dashboardHour(rows: readonly Row[]): Row[] {
  const costOf = (item: string) => (rows.find((row) => row.item === item)?.value ?? NaN) / 1e6;
  const polls = (DASHBOARD.minutes * 60) / DASHBOARD.pollSeconds;
  const [firstList, poll] = [costOf('cost per million, list'), costOf('cost per million, 304 poll, list')];
  const polling = polls * poll;
  const { connection, messages, invocations, overhead } = pushHour();
  const pushed = connection + messages + invocations;
  const everything = { push: pushed + overhead + firstList, polling: firstList + (polls - 1) * poll };
  const hour = 'cost of an open dashboard for an hour';
  return [
    valueRow(`${hour}: polling the list every ${DASHBOARD.pollSeconds} s (If-None-Match)`, polling, '$'),
    ratioRow(
      `${hour}: push (connection, ${DASHBOARD.changes} changes, a ping every ${DASHBOARD.pingMinutes} minutes) vs polling`,
      '$',
      [pushed],
      [polling],
      PUSH_TO_POLLING_TARGET,
    ),
    {
      ...ratioRow(
        `${hour}: push vs polling, everything counted (connect, disconnect, tables, the first list)`,
        '$',
        [everything.push],
        [everything.polling],
        PUSH_TO_POLLING_TARGET,
      ),
      target: null,
      met: null,
    },
  ];
}
