// What the push's functions are built from, once per container, from their environment: the functions' settings
// (lib/config.ts), the connections table and, for the push, the management endpoint of this stack's WebSocket API.
import { PUSH_SETTINGS, readAll, readSettings, type Environment } from '../config.ts';
import { assemble } from '../dependencies.ts';
import { createDocumentClient } from '../dynamodb.ts';
import { createStore } from '../store.ts';
import { cachedVerifier, dynamoDbVerifier } from '../verifiers.ts';
import { createConnectionStore } from './connections.ts';
import type { ConnectOptions } from './connect.ts';
import { connectionsApi } from './management.ts';
import type { PushDependencies } from './push.ts';

/** The connections table, by lib/config.ts's rules. */
const connectionsTable = (env: Environment): string => readAll({ table: PUSH_SETTINGS.connectionsTable }, env).table;

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
    connections: createConnectionStore(client, connectionsTable(env)),
  };
}

export function disconnectFromEnvironment(env: Environment) {
  const { client } = settingsAndClient(env);
  return { connections: createConnectionStore(client, connectionsTable(env)) };
}

export function pushFromEnvironment(env: Environment): PushDependencies {
  const { settings, client } = settingsAndClient(env);
  const { connectionsTable: table, connectionsUrl: url } = readAll(PUSH_SETTINGS, env);
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
