// lib/dependencies.ts: the one assembly, settings -> client -> store -> verifier, as a deployed function builds it
// from its environment; its DynamoDB is a loopback endpoint.
import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSettings } from '../../lib/config.ts';
import { assemble, fromEnvironment } from '../../lib/dependencies.ts';
import { createDocumentClient } from '../../lib/dynamodb.ts';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import { loopbackDynamoDb } from '../support/fakes.ts';

const TABLES = { INSTANCES_TABLE: 'instances', TOKENS_TABLE: 'tokens' };

afterEach(() => vi.unstubAllEnvs());

describe('a function’s dependencies', () => {
  it('from its environment: the store, a caching verifier, CORS_ORIGINS and REQUEST_DEADLINE_MS', () => {
    const dependencies = fromEnvironment({
      ...TABLES,
      CORS_ORIGINS: 'https://app.example.org',
      REQUEST_DEADLINE_MS: '2000',
      AWS_REGION: 'eu-central-1',
    });
    expect(dependencies).toMatchObject({ corsOrigins: ['https://app.example.org'], requestDeadlineMs: 2000 });
    expect(dependencies.verifier.recall('a'.repeat(64))).toBeUndefined();
    expect([typeof dependencies.instances.list, typeof dependencies.instances.get]).toEqual(['function', 'function']);
    expect(dependencies).not.toHaveProperty('logger');
  });

  it('a bad environment is refused at once, naming each variable', () => {
    expect(() => fromEnvironment({ REQUEST_DEADLINE_MS: 'soon' })).toThrow(
      /INSTANCES_TABLE is not set; TOKENS_TABLE is not set; REQUEST_DEADLINE_MS must be a positive integer/,
    );
  });

  it('on a client of the caller’s, with the caller’s logger', () => {
    const logger = new Logger({ serviceName: 'lambda-instances-api', logLevel: 'SILENT' });
    const client = createDocumentClient({ requestTimeoutMs: 600, region: 'eu-central-1' });
    const dependencies = assemble(readSettings(TABLES), client, { logger });
    expect(dependencies.logger).toBe(logger);
    client.destroy();
  });

  it('its store reads the tables its settings name, each call bounded by DYNAMODB_REQUEST_TIMEOUT_MS', async () => {
    const dynamoDb = await loopbackDynamoDb();
    // What Lambda gives a function, and how the SDK finds DynamoDB Local.
    vi.stubEnv('AWS_REGION', 'eu-central-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', dynamoDb.endpoint);
    try {
      const { instances } = fromEnvironment({ ...TABLES, DYNAMODB_REQUEST_TIMEOUT_MS: '50' });
      await expect(instances.get('3f763964-d519-4fd2-916d-b5cfbe3b878b')).rejects.toBeInstanceOf(
        DependencyUnavailableError,
      );
      expect(dynamoDb.connections).toBe(2);
      expect(JSON.parse(dynamoDb.bodies[0] ?? '{}')).toMatchObject({ TableName: 'instances' });
    } finally {
      await dynamoDb.close();
    }
  });
});
