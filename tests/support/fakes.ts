// In-memory fakes of what the request path declares it needs, for unit tests of the chain, the routes and the
// verifiers: an instance store (InstanceReader) answering by the contract's rules as the oracle states them, a token
// store (TokenStore) with its revoked condition, a verifier, and Astakos's POST /tokens as a fetch. Each records what
// it was asked, and can be made to fail, to wait, or never to answer. And, for the DynamoDB client itself, a loopback
// endpoint that answers as a test says.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { digestToken, type PresentedToken, type TokenVerifier, type VerifiedToken } from '../../lib/auth.ts';
import { readSettings, type Environment } from '../../lib/config.ts';
import type { Dependencies } from '../../lib/dependencies.ts';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import type { InstanceSummary, StoredInstance, TokenRecord } from '../../lib/items.ts';
import type { CallOptions, InstanceReader, TokenStore } from '../../lib/store.ts';
import { createVerifier } from '../../lib/verifiers.ts';
import { OWNER_ONE, SAMPLE_TOKENS } from '../../local/sample-data.ts';
import { EMPTY_OWNER, TOKENS } from '../fixtures/tenancy.ts';
import { TOKEN_ONE } from './contract.ts';
import { listedInstances, pageOf, type KnownInstance } from './oracle.ts';

/** How a fake's call goes instead of answering from memory: it fails with this error, or it never answers. */
export type Fault = Error | 'no answer';

/**
 * What a fake's calls do besides answering: each is recorded, waits for `hold` when one is set, and goes as its
 * method's fault says when it has one.
 */
interface Behaviour<Method extends string> {
  /** The calls made, in order: the method and its key ('get <uuid>', 'find <digest>'). */
  calls: string[];
  /** The signal each call was given, in the same order. */
  signals: (AbortSignal | undefined)[];
  faults: Partial<Record<Method, Fault>>;
  /** Calls answer once this settles. */
  hold?: Promise<unknown> | undefined;
}

/** A call that never answers by itself: it fails as `failure` says once its signal aborts, at once if it has. */
const abortedOnly = (signal: AbortSignal | undefined, failure: (reason: unknown) => Error): Promise<never> =>
  new Promise((_, reject) => {
    if (signal?.aborted) reject(failure(signal.reason));
    signal?.addEventListener('abort', () => reject(failure(signal.reason)), { once: true });
  });

/** A DynamoDB call cut short by its signal (the request's deadline) is the 503 error lib/store.ts makes of it. */
const unanswered = (signal: AbortSignal | undefined): Promise<never> =>
  abortedOnly(signal, (reason) => new DependencyUnavailableError('DynamoDB unavailable: aborted', { cause: reason }));

async function call<Method extends string, T>(
  fake: Behaviour<Method>,
  method: Method,
  key: string,
  { signal }: CallOptions = {},
  value: () => T,
): Promise<T> {
  fake.calls.push(`${method} ${key}`);
  fake.signals.push(signal);
  await fake.hold;
  const fault: Fault | undefined = fake.faults[method];
  if (fault === 'no answer') return unanswered(signal);
  if (fault) throw fault;
  return value();
}

export type FakeInstances = InstanceReader & Behaviour<'list' | 'get'>;

/** What the owner indexes hold of an instance: its summary, with its time when the list asks for changes. */
const summaryOf = (
  { uuid, name, id, status, failureMessage, updatedAt }: KnownInstance,
  withTime: boolean,
): InstanceSummary => ({
  uuid,
  name,
  id,
  status,
  failureMessage,
  ...(withTime && typeof updatedAt === 'string' && { updatedAt }),
});

/** The instances table in memory: the list by the contract's rules (the oracle's), the details by uuid. */
export function fakeInstances(stored: readonly KnownInstance[] = []): FakeInstances {
  const fake: FakeInstances = {
    calls: [],
    signals: [],
    faults: {},
    list: (owner, { statuses, changedSince, paging, atMost }, options) =>
      call(fake, 'list', owner, options, () => {
        const since = changedSince === undefined ? undefined : Date.parse(changedSince);
        const matching = listedInstances(stored, owner, { since, statuses }).map((instance) =>
          summaryOf(instance, since !== undefined),
        );
        if (paging) return { count: matching.length, items: pageOf(matching, paging) };
        return { count: matching.length, items: matching.length > atMost ? undefined : matching };
      }),
    get: (uuid, options) =>
      call(fake, 'get', uuid, options, (): StoredInstance | undefined => {
        const found = stored.find((instance) => instance.uuid === uuid);
        return found && { createdAt: null, updatedAt: null, statusHistory: [], ...found };
      }),
  };
  return fake;
}

export type FakeTokenStore = TokenStore &
  Behaviour<'find' | 'remember'> & {
    /** The tokens table, by digest. */
    records: Map<string, TokenRecord>;
  };

/** The tokens table in memory: remembering over a revoked record fails and writes nothing, as its condition says. */
export function fakeTokens(records: readonly TokenRecord[] = []): FakeTokenStore {
  const fake: FakeTokenStore = {
    calls: [],
    signals: [],
    faults: {},
    records: new Map(records.map((record) => [record.digest, record])),
    find: (digest, options) => call(fake, 'find', digest, options, () => fake.records.get(digest)),
    remember: (record, options) =>
      call(fake, 'remember', record.digest, options, () => {
        if (fake.records.get(record.digest)?.revoked) {
          throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
        }
        fake.records.set(record.digest, record);
      }),
  };
  return fake;
}

/** A token's record as an operator stores it: its digest, never the token. */
export const tokenRecord = (
  token: string,
  owner: string,
  extra: Partial<Omit<TokenRecord, 'digest' | 'owner'>> = {},
): TokenRecord => ({ digest: digestToken(token), owner, createdAt: 0, revoked: false, ...extra });

/**
 * The sample data's tokens (docs/contract.md section 6) and the tenancy fixtures' (an owner without instances, and
 * owner one's revoked, expired and not yet expired tokens), as stored.
 */
export const SAMPLE_TOKEN_RECORDS: readonly TokenRecord[] = [
  ...SAMPLE_TOKENS.map(({ token, owner, label }) => tokenRecord(token, owner, { label })),
  tokenRecord(TOKENS.emptyOwner, EMPTY_OWNER),
  tokenRecord(TOKENS.revoked, OWNER_ONE, { revoked: true }),
  tokenRecord(TOKENS.expired, OWNER_ONE, { expiresAt: 1 }),
  tokenRecord(TOKENS.notExpiredYet, OWNER_ONE, { expiresAt: 4_102_444_800 }),
];

/** A request's credential header, `Authorization: Token <token>` (owner one's sample token unless given). */
export const auth = (token = TOKEN_ONE): Record<string, string> => ({ authorization: `Token ${token}` });

/** Credentials the routes refuse with the 401, among SAMPLE_TOKEN_RECORDS: none, unknown, revoked and expired. */
export const REFUSED_CREDENTIALS: readonly [string, Record<string, string>][] = [
  ['no token', {}],
  ['an unknown token', auth(`${TOKEN_ONE.slice(0, -1)}Z`)],
  ['a revoked token', auth(TOKENS.revoked)],
  ['an expired token', auth(TOKENS.expired)],
];

/** A token as the chain presents it to a verifier. */
export const presented = (value: string): PresentedToken => ({ value, digest: digestToken(value) });

export type FakeVerifier = TokenVerifier & Behaviour<'verify'>;

/** A verifier that knows tokens by value, with no store behind it. */
export function fakeVerifier(known: Readonly<Record<string, VerifiedToken>> = {}): FakeVerifier {
  const fake: FakeVerifier = {
    calls: [],
    signals: [],
    faults: {},
    verify: ({ value }, options) => call(fake, 'verify', value, options, () => known[value]),
  };
  return fake;
}

/** What lib/dependencies.ts assembles, on in-memory stores: the routes as deployed, without DynamoDB. */
export interface FakeDependencies {
  dependencies: Dependencies;
  instances: FakeInstances;
  tokens: FakeTokenStore;
}

/** Settings from an environment (the tables' names given), the stores' contents, and a logger (default: silent). */
export function fakeDependencies({
  instances = [],
  tokens = [],
  env = {},
  logger = new Logger({ serviceName: 'lambda-instances-api', logLevel: 'SILENT' }),
}: {
  instances?: readonly KnownInstance[];
  tokens?: readonly TokenRecord[];
  env?: Environment;
  logger?: Logger;
} = {}): FakeDependencies {
  const settings = readSettings({ INSTANCES_TABLE: 'instances', TOKENS_TABLE: 'tokens', ...env });
  const [instanceStore, tokenStore] = [fakeInstances(instances), fakeTokens(tokens)];
  return {
    dependencies: {
      instances: instanceStore,
      verifier: createVerifier(settings, tokenStore),
      corsOrigins: settings.corsOrigins,
      requestDeadlineMs: settings.requestDeadlineMs,
      logger,
    },
    instances: instanceStore,
    tokens: tokenStore,
  };
}

/** Python's datetime.isoformat() of a UTC time, as Synnefo writes access.token.expires. */
export const isoformat = (epochMs: number): string => new Date(epochMs).toISOString().replace('Z', '000+00:00');

export interface FakeAstakos {
  fetch: typeof fetch;
  /** Every request as it was sent. */
  requests: Request[];
  /** How the next calls answer instead of Synnefo's: this answer, a failure (fetch's), or none (until aborted). */
  answer?: (() => Response) | Fault | undefined;
}

/**
 * Astakos's POST /tokens as Synnefo answers it (astakos/api/tokens.py), as a fetch that a test puts in the global
 * one's place (lib/verifiers.ts calls it; vi.stubGlobal): a known token is a 200 with access.token.expires and
 * access.user.id, any other the 401 `unauthorized` fault.
 */
export function fakeAstakos(users: Readonly<Record<string, { owner: string; expiresAt: number }>>): FakeAstakos {
  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json; charset=UTF-8' } });
  const synnefo = async (request: Request): Promise<Response> => {
    const { auth } = (await request.json()) as { auth: { token: { id: string } } };
    const user = users[auth.token.id];
    if (!user) return json(401, { unauthorized: { code: 401, message: 'Invalid token', details: '' } });
    const token = { id: auth.token.id, expires: isoformat(user.expiresAt * 1000) };
    return json(200, { access: { token, user: { id: user.owner, name: 'Lambda user' }, serviceCatalog: [] } });
  };
  const fake: FakeAstakos = {
    requests: [],
    fetch: async (input, init) => {
      const request = new Request(input, init);
      fake.requests.push(request.clone());
      const { answer } = fake;
      // fetch fails with the reason its signal aborted for (AbortSignal.timeout's is a TimeoutError).
      if (answer === 'no answer') return abortedOnly(init?.signal ?? undefined, (reason) => reason as Error);
      if (answer instanceof Error) throw answer;
      return answer ? answer() : synnefo(request);
    },
  };
  return fake;
}

export interface LoopbackDynamoDb {
  /** What a client's `endpoint` (or AWS_ENDPOINT_URL_DYNAMODB) names. */
  endpoint: string;
  /** Connections opened to it: one per attempt, as a client gives up on an attempt by closing its connection. */
  connections: number;
  /** Their bodies, once read. */
  bodies: string[];
  close: () => Promise<void>;
}

/** A DynamoDB endpoint on loopback answering every request as `answer` says: never, by default. */
export async function loopbackDynamoDb(
  answer: (respond: ServerResponse) => void = () => {},
): Promise<LoopbackDynamoDb> {
  const server = createServer((request, respond) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      loopback.bodies.push(body);
      answer(respond);
    });
  });
  server.on('connection', () => void (loopback.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const loopback: LoopbackDynamoDb = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: 0,
    bodies: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return loopback;
}
