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

/** The push functions' own variables, or an error that names each one missing or malformed. */
function pushVariables(env: Environment, { withUrl }: { withUrl: boolean }) {
  const problems: string[] = [];
  const table = env.CONNECTIONS_TABLE ?? '';
  if (table === '') problems.push('CONNECTIONS_TABLE is not set');
  const url = env.CONNECTIONS_URL ?? '';
  if (withUrl && !(URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)))
    problems.push(`CONNECTIONS_URL must be an http(s) URL (got ${JSON.stringify(url)})`);
  if (problems.length > 0) throw new Error(`Invalid settings: ${problems.join('; ')}`);
  return { table, url };
}

function base(env: Environment) {
  const settings = readSettings(env);
  return { settings, client: createDocumentClient({ requestTimeoutMs: settings.dynamoDbRequestTimeoutMs }) };
}

export function connectFromEnvironment(env: Environment): ConnectOptions {
  const { settings, client } = base(env);
  const { verifier, requestDeadlineMs } = assemble(settings, client);
  return {
    verifier,
    requestDeadlineMs,
    connections: createConnectionStore(client, pushVariables(env, { withUrl: false }).table),
  };
}

export function disconnectFromEnvironment(env: Environment) {
  const { client } = base(env);
  return { connections: createConnectionStore(client, pushVariables(env, { withUrl: false }).table) };
}

export function pushFromEnvironment(env: Environment): PushDependencies {
  const { settings, client } = base(env);
  const { table, url } = pushVariables(env, { withUrl: true });
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
    // The tables verifier reads the digest alone: the token itself is never stored.
    tokenHolds: async (digest) => (await tokens.verify({ digest, value: '' })) !== undefined,
  };
}
