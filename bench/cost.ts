// What a million requests cost, estimated from this run's CPU time per request and read units, and list prices.
// Nothing is measured here: the inputs are written down so that they can be checked and changed.
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
