// What the push's functions are built from, once per container, from their environment: the functions' settings
// (lib/config.ts), the connections table and, for the push, the management endpoint of this stack's WebSocket API.
import { readSettings, type Environment } from '../config.ts';
import { assemble } from '../dependencies.ts';
import { createDocumentClient } from '../dynamodb.ts';
import { createStore } from '../store.ts';
import { cachedVerifier, dynamoDbVerifier } from '../verifiers.ts';
import { createConnectionStore } from './connections.ts';
import type { ConnectOptions } from './connect.ts';
import { connectionsApi } from './management.ts';
import type { PushDependencies } from './push.ts';

/** A variable of the push functions, or an error that names it. */
function required(env: Environment, name: string, wellFormed: (value: string) => boolean = () => true): string {
  const value = env[name] ?? '';
  if (value === '') throw new Error(`Invalid settings: ${name} is not set`);
  if (!wellFormed(value)) throw new Error(`Invalid settings: ${name} is malformed (got ${JSON.stringify(value)})`);
  return value;
}

const isHttpUrl = (value: string): boolean => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

/** The functions' settings and the DynamoDB client they make. */
function settingsAndClient(env: Environment) {
  const settings = readSettings(env);
  return { settings, client: createDocumentClient({ requestTimeoutMs: settings.dynamoDbRequestTimeoutMs }) };
}

export function connectFromEnvironment(env: Environment): ConnectOptions {
  const { settings, client } = settingsAndClient(env);
  const { verifier, requestDeadlineMs } = assemble(settings, client);
  return {
    verifier,
    requestDeadlineMs,
    connections: createConnectionStore(client, required(env, 'CONNECTIONS_TABLE')),
  };
}

export function disconnectFromEnvironment(env: Environment) {
  const { client } = settingsAndClient(env);
  return { connections: createConnectionStore(client, required(env, 'CONNECTIONS_TABLE')) };
}

export function pushFromEnvironment(env: Environment): PushDependencies {
  const { settings, client } = settingsAndClient(env);
  const [table, url] = [required(env, 'CONNECTIONS_TABLE'), required(env, 'CONNECTIONS_URL', isHttpUrl)];
  // A connection keeps only its token's digest: the tokens table decides whether it still holds (with the Astakos
  // verifier, for as long as Astakos's answer is remembered there), and the container trusts that for
  // TOKEN_CACHE_SECONDS, as the API's functions do.
  const tokens = cachedVerifier(dynamoDbVerifier(createStore({ client, tables: settings.tables }).tokens), {
    maxEntries: settings.tokenCacheSize,
    ttlSeconds: settings.tokenCacheSeconds,
  });
  return {
    connections: createConnectionStore(client, table),
    api: connectionsApi(url),
    // The tokens table's verifier reads the digest alone: the token itself is never stored.
    tokenHolds: async (digest) => (await tokens.verify({ digest, value: '' })) !== undefined,
  };
}
