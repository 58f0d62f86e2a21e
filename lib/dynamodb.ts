// The DynamoDB document client, and the one rule for its failures that every caller shares.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { DependencyUnavailableError } from './errors.ts';

export interface DocumentClientOptions extends Pick<DynamoDBClientConfig, 'endpoint' | 'region' | 'credentials'> {
  /** Per attempt, to answer once connected. */
  requestTimeoutMs: number;
}

/**
 * A document client whose calls are bounded whatever DynamoDB does: at most 2 attempts of 300 ms to connect and
 * `requestTimeoutMs` to answer, with the SDK's jittered backoff between them (< 0.2 s, < 1 s when throttled).
 * Endpoint, region and credentials come from the environment unless given (tests and the admin CLI give them).
 */
export function createDocumentClient({ requestTimeoutMs, ...config }: DocumentClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...config,
      maxAttempts: 2,
      requestHandler: { connectionTimeout: 300, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}

/**
 * DynamoDB throttling, timeouts, network faults, 5xx and a call aborted at the request's deadline become
 * DependencyUnavailableError (a 503); the rest is a bug.
 */
function unavailableOr(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const sdkError = error as Parameters<typeof isTransientError>[0];
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  // The SDK's own timeouts (TimeoutError) are transient to it; an abort at the deadline is not.
  const aborted = error.name === 'AbortError';
  if (aborted || isThrottlingError(sdkError) || isTransientError(sdkError) || status >= 500) {
    return new DependencyUnavailableError(`DynamoDB unavailable: ${error.name}`, { cause: error });
  }
  return error;
}

/** Runs DynamoDB calls; a fault the client may retry later surfaces as DependencyUnavailableError. */
export async function faultsAsUnavailable<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw unavailableOr(error);
  }
}
