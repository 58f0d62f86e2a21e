// lib/dynamodb.ts: the one rule for DynamoDB's faults (what a client may retry is a 503, the rest a bug), and a
// client whose every call is bounded, against a loopback server that never answers.
import type { ServerResponse } from 'node:http';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient, faultsAsUnavailable } from '../../lib/dynamodb.ts';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import { loopbackDynamoDb, type LoopbackDynamoDb } from '../support/fakes.ts';

/** An error as the AWS SDK throws it: a name, and the HTTP status DynamoDB answered with, if it answered. */
const sdkError = (name: string, { status, code }: { status?: number; code?: string } = {}): Error =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status !== undefined && { $metadata: { httpStatusCode: status } }),
    ...(code !== undefined && { code }),
  });

const outcomeOf = (thrown: unknown): Promise<unknown> =>
  faultsAsUnavailable(() => Promise.reject(thrown as Error)).catch((error: unknown) => error);

describe('DynamoDB’s faults', () => {
  it('a call that succeeds is its answer', async () => {
    expect(await faultsAsUnavailable(() => Promise.resolve('answer'))).toBe('answer');
  });

  it.each([
    ['throttled', sdkError('ThrottlingException', { status: 400 })],
    ['over its provisioned throughput', sdkError('ProvisionedThroughputExceededException', { status: 400 })],
    ['a 429', sdkError('TooManyRequests', { status: 429 })],
    ['timed out (the SDK’s per-attempt timeout)', sdkError('TimeoutError')],
    ['a connection reset', sdkError('Error', { code: 'ECONNRESET' })],
    ['a connection refused', sdkError('Error', { code: 'ECONNREFUSED' })],
    ['a 500', sdkError('InternalServerError', { status: 500 })],
    ['a 5xx the SDK does not call transient', sdkError('NotImplemented', { status: 501 })],
    ['aborted at the request’s deadline', new DOMException('The operation was aborted', 'AbortError')],
  ])('%s is a dependency unavailable (503), naming the error and keeping it as the cause', async (_, error) => {
    const outcome = await outcomeOf(error);
    expect(outcome).toBeInstanceOf(DependencyUnavailableError);
    expect(outcome).toMatchObject({ message: `DynamoDB unavailable: ${error.name}`, cause: error });
  });

  it.each([
    ['a failed condition', sdkError('ConditionalCheckFailedException', { status: 400 })],
    ['a missing table', sdkError('ResourceNotFoundException', { status: 400 })],
    ['a malformed request', sdkError('ValidationException', { status: 400 })],
    ['a bug of ours', new TypeError('Cannot read properties of undefined')],
    ['a value that is no error', 'not an error'],
  ])('%s is left as it is (a 500 if nobody handles it)', async (_, error) => {
    expect(await outcomeOf(error)).toBe(error);
  });
});

describe('the document client', () => {
  /** A client of a loopback DynamoDB that answers as `answer` says. */
  async function withDynamoDb(
    answer: ((respond: ServerResponse) => void) | undefined,
    run: (client: DynamoDBDocumentClient, dynamoDb: LoopbackDynamoDb) => Promise<void>,
  ): Promise<void> {
    const dynamoDb = await loopbackDynamoDb(answer);
    const client = createDocumentClient({
      requestTimeoutMs: 50,
      endpoint: dynamoDb.endpoint,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    try {
      await run(client, dynamoDb);
    } finally {
      client.destroy();
      await dynamoDb.close();
    }
  }

  it('gives up on a DynamoDB that never answers after 2 attempts of DYNAMODB_REQUEST_TIMEOUT_MS: a 503', async () => {
    await withDynamoDb(undefined, async (client, dynamoDb) => {
      const outcome = await faultsAsUnavailable(() =>
        client.send(new GetCommand({ TableName: 'instances', Key: { uuid: 'x' } })),
      ).catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(DependencyUnavailableError);
      expect((outcome as Error).message).toBe('DynamoDB unavailable: TimeoutError');
      expect(dynamoDb.connections).toBe(2);
    });
  });

  it('writes an item without its undefined values (an instance_info as given) rather than refusing it', async () => {
    await withDynamoDb(
      (respond) => respond.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.0' }).end('{}'),
      async (client, { bodies }) => {
        const Item = { uuid: 'u', instance_info: { project_name: 'p', slaves: undefined } };
        await client.send(new PutCommand({ TableName: 'instances', Item }));
        expect(JSON.parse(bodies[0]!)).toMatchObject({
          Item: { uuid: { S: 'u' }, instance_info: { M: { project_name: { S: 'p' } } } },
        });
        expect(bodies[0]).not.toContain('slaves');
      },
    );
  });
});
