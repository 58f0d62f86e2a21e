// The token verifiers (docs/contract.md section 2) on an in-memory tokens table and an in-memory Astakos (the global
// fetch, stubbed per test), and the container's cache in front of them, on a fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import { readSettings } from '../../lib/config.ts';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import { logger } from '../../lib/logger.ts';
import { astakosVerifier, cachedVerifier, createVerifier, dynamoDbVerifier } from '../../lib/verifiers.ts';
import {
  fakeAstakos,
  fakeTokens,
  fakeVerifier,
  isoformat,
  presented,
  tokenRecord,
  type FakeAstakos,
} from '../support/fakes.ts';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);
/** Moves the fake clock on. */
const later = (seconds: number) => vi.advanceTimersByTime(Math.round(seconds * 1000));
const OWNER = 'b1f5c3d2-0000-4000-8000-000000000001';

beforeEach(() => void vi.useFakeTimers({ toFake: ['Date'], now: NOW }));
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** The rejection of a call that must fail. */
const failureOf = (promise: Promise<unknown>): Promise<Error> =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );

describe('the tokens table as the verifier (TOKEN_VERIFIER=dynamodb)', () => {
  it('a stored token is its owner’s, with its expiry when it has one', async () => {
    const verifier = dynamoDbVerifier(
      fakeTokens([tokenRecord('lasting', OWNER), tokenRecord('expiring', OWNER, { expiresAt: nowSeconds() + 1 })]),
    );
    expect(await verifier.verify(presented('lasting'))).toStrictEqual({ owner: OWNER });
    expect(await verifier.verify(presented('expiring'))).toStrictEqual({ owner: OWNER, expiresAt: nowSeconds() + 1 });
  });

  it('an unknown, revoked or expired token is refused, expired from its expiry second on (before TTL deletes it)', async () => {
    const verifier = dynamoDbVerifier(
      fakeTokens([
        tokenRecord('revoked', OWNER, { revoked: true }),
        tokenRecord('expired', OWNER, { expiresAt: nowSeconds() }),
      ]),
    );
    for (const token of ['never-stored', 'revoked', 'expired'])
      expect(await verifier.verify(presented(token))).toBeUndefined();
  });

  it('looks the token up by its digest, never the token, with the request’s signal', async () => {
    const tokens = fakeTokens();
    const { signal } = new AbortController();
    await dynamoDbVerifier(tokens).verify(presented('secret-token'), { signal });
    expect([tokens.calls, tokens.signals]).toEqual([[`find ${digestToken('secret-token')}`], [signal]]);
  });
});

describe('the container’s cache in front of a verifier', () => {
  const cache = { maxEntries: 10, ttlSeconds: 60 };

  it('a verified token is trusted for TOKEN_CACHE_SECONDS without asking again, then asked again', async () => {
    const inner = fakeVerifier({ good: { owner: OWNER } });
    const cached = cachedVerifier(inner, cache);
    expect(await cached.verify(presented('good'))).toEqual({ owner: OWNER });
    later(60);
    expect(await cached.verify(presented('good'))).toEqual({ owner: OWNER });
    expect(inner.calls).toEqual(['verify good']);
    later(0.001);
    expect(cached.recall(digestToken('good'))).toBeUndefined();
    expect(await cached.verify(presented('good'))).toEqual({ owner: OWNER });
    expect(inner.calls).toEqual(['verify good', 'verify good']);
  });

  it('a revoked token stops working once its cache time is over', async () => {
    const tokens = fakeTokens([tokenRecord('good', OWNER)]);
    const cached = cachedVerifier(dynamoDbVerifier(tokens), { ...cache, ttlSeconds: 1 });
    expect(await cached.verify(presented('good'))).toEqual({ owner: OWNER });
    tokens.records.set(digestToken('good'), tokenRecord('good', OWNER, { revoked: true }));
    expect(await cached.verify(presented('good'))).toEqual({ owner: OWNER });
    later(1.001);
    expect(await cached.verify(presented('good'))).toBeUndefined();
  });

  it('a token is never trusted past its own expiry, however long the cache time', async () => {
    const expiring = { owner: OWNER, expiresAt: nowSeconds() + 2 };
    const cached = cachedVerifier(fakeVerifier({ expiring }), cache);
    await cached.verify(presented('expiring'));
    later(2);
    expect(cached.recall(digestToken('expiring'))).toEqual(expiring);
    later(0.001);
    expect(cached.recall(digestToken('expiring'))).toBeUndefined();
  });

  it('a token that has expired by the container’s clock is not kept at all', async () => {
    const inner = fakeVerifier({ stale: { owner: OWNER, expiresAt: nowSeconds() } });
    const cached = cachedVerifier(inner, cache);
    expect(await cached.verify(presented('stale'))).toEqual({ owner: OWNER, expiresAt: nowSeconds() });
    expect(cached.recall(digestToken('stale'))).toBeUndefined();
  });

  it('a refused token is refused without asking for 5 seconds, even once created meanwhile; then asked again', async () => {
    const inner = fakeVerifier();
    const cached = cachedVerifier(inner, cache);
    expect(await cached.verify(presented('new'))).toBeUndefined();
    const created = fakeVerifier({ new: { owner: OWNER } });
    inner.verify = (token, options) => created.verify(token, options);
    later(5);
    expect(cached.recall(digestToken('new'))).toBeNull();
    expect(await cached.verify(presented('new'))).toBeUndefined();
    expect(created.calls).toEqual([]);
    later(0.001);
    expect(cached.recall(digestToken('new'))).toBeUndefined();
    expect(await cached.verify(presented('new'))).toEqual({ owner: OWNER });
  });

  it('a failure (a 503) is no refusal and is never kept: the next request asks again', async () => {
    const inner = fakeVerifier({ good: { owner: OWNER } });
    inner.faults.verify = new DependencyUnavailableError('DynamoDB unavailable: ThrottlingException');
    const cached = cachedVerifier(inner, cache);
    await expect(cached.verify(presented('good'))).rejects.toBe(inner.faults.verify);
    expect(cached.recall(digestToken('good'))).toBeUndefined();
    delete inner.faults.verify;
    expect(await cached.verify(presented('good'))).toEqual({ owner: OWNER });
    expect(inner.calls).toEqual(['verify good', 'verify good']);
  });

  it('asks with the request’s signal', async () => {
    const inner = fakeVerifier();
    const { signal } = new AbortController();
    await cachedVerifier(inner, cache).verify(presented('any'), { signal });
    expect(inner.signals).toEqual([signal]);
  });

  it('keeps at most TOKEN_CACHE_SIZE verified tokens, the least recently used out first', async () => {
    const inner = fakeVerifier({ a: { owner: 'A' }, b: { owner: 'B' }, c: { owner: 'C' } });
    const cached = cachedVerifier(inner, { ...cache, maxEntries: 2 });
    for (const token of ['a', 'b', 'a', 'c']) await cached.verify(presented(token));
    expect(['a', 'b', 'c'].map((token) => cached.recall(digestToken(token))?.owner)).toEqual(['A', undefined, 'C']);
  });

  it('refused tokens evict no verified one', async () => {
    const cached = cachedVerifier(fakeVerifier({ good: { owner: OWNER } }), { ...cache, maxEntries: 1 });
    await cached.verify(presented('good'));
    for (let n = 0; n < 1001; n += 1) await cached.verify(presented(`refused-${n}`));
    expect(cached.recall(digestToken('good'))).toEqual({ owner: OWNER });
  });

  it('remembers at most 1,000 refused tokens, the least recently refused out first', async () => {
    const cached = cachedVerifier(fakeVerifier(), cache);
    for (let n = 0; n <= 1000; n += 1) await cached.verify(presented(`refused-${n}`));
    expect(cached.recall(digestToken('refused-0'))).toBeUndefined();
    expect(cached.recall(digestToken('refused-1'))).toBeNull();
    expect(cached.recall(digestToken('refused-1000'))).toBeNull();
  });

  it('stays bounded under many more distinct tokens than it holds: the latest TOKEN_CACHE_SIZE and 1,000 refused', async () => {
    const { tokenCacheSize, tokenCacheSeconds } = readSettings({ INSTANCES_TABLE: 'i', TOKENS_TABLE: 't' });
    const met = 2 * tokenCacheSize;
    const valid = Array.from({ length: met }, (_, n) => `valid-${n}`);
    const refused = Array.from({ length: met }, (_, n) => `refused-${n}`);
    const cached = cachedVerifier(fakeVerifier(Object.fromEntries(valid.map((token) => [token, { owner: OWNER }]))), {
      maxEntries: tokenCacheSize,
      ttlSeconds: tokenCacheSeconds,
    });
    for (let n = 0; n < met; n += 1) {
      await cached.verify(presented(valid[n]!));
      await cached.verify(presented(refused[n]!));
    }
    const kept = (tokens: string[], as: (recalled: unknown) => boolean) =>
      tokens.flatMap((token, n) => (as(cached.recall(digestToken(token))) ? [n] : []));
    const latest = (count: number) => Array.from({ length: count }, (_, n) => met - count + n);
    expect(kept(valid, (recalled) => recalled !== undefined && recalled !== null)).toEqual(latest(tokenCacheSize));
    expect(kept(refused, (recalled) => recalled === null)).toEqual(latest(1000));
  });
});

describe('Astakos as the verifier (TOKEN_VERIFIER=astakos)', () => {
  const IDENTITY_URL = 'https://accounts.example.org/identity/v2.0';
  const REMEMBER_SECONDS = 300;
  const settings = { identityUrl: IDENTITY_URL, timeoutMs: 2000, rememberSeconds: REMEMBER_SECONDS };
  const DAY = 86_400;
  let astakos: FakeAstakos;

  beforeEach(() => {
    astakos = fakeAstakos({
      'good-token': { owner: OWNER, expiresAt: nowSeconds() + 30 * DAY },
      'short-lived': { owner: OWNER, expiresAt: nowSeconds() + 60 },
    });
    vi.stubGlobal('fetch', astakos.fetch);
  });

  it('asks POST {IDENTITY_URL}/tokens with the token in a JSON body, and follows no redirect', async () => {
    await astakosVerifier(fakeTokens(), settings).verify(presented('good-token'));
    const [request] = astakos.requests;
    expect(astakos.requests).toHaveLength(1);
    expect([request?.method, request?.url, request?.redirect]).toEqual(['POST', `${IDENTITY_URL}/tokens`, 'manual']);
    expect([request?.headers.get('content-type'), request?.headers.get('accept')]).toEqual([
      'application/json',
      'application/json',
    ]);
    expect(await request?.json()).toEqual({ auth: { token: { id: 'good-token' } } });
  });

  it('its 200 names the owner (access.user.id), remembered in the tokens table for the remembering time', async () => {
    const tokens = fakeTokens();
    const { signal } = new AbortController();
    const verified = await astakosVerifier(tokens, settings).verify(presented('good-token'), { signal });
    expect(verified).toEqual({ owner: OWNER, expiresAt: nowSeconds() + REMEMBER_SECONDS });
    expect(tokens.records.get(digestToken('good-token'))).toEqual({
      digest: digestToken('good-token'),
      owner: OWNER,
      createdAt: nowSeconds(),
      expiresAt: nowSeconds() + REMEMBER_SECONDS,
      revoked: false,
      label: 'astakos',
    });
    expect(tokens.signals).toEqual([signal, signal]);
  });

  it('a success is remembered never past the token’s own expiry (access.token.expires)', async () => {
    const tokens = fakeTokens();
    const verified = await astakosVerifier(tokens, settings).verify(presented('short-lived'));
    expect(verified).toEqual({ owner: OWNER, expiresAt: nowSeconds() + 60 });
    expect(tokens.records.get(digestToken('short-lived'))?.expiresAt).toBe(nowSeconds() + 60);
  });

  it('a token Astakos accepts that has expired by our clock holds for this request only: nothing remembered', async () => {
    const tokens = fakeTokens();
    vi.stubGlobal('fetch', fakeAstakos({ ending: { owner: OWNER, expiresAt: nowSeconds() } }).fetch);
    expect(await astakosVerifier(tokens, settings).verify(presented('ending'))).toEqual({
      owner: OWNER,
      expiresAt: nowSeconds(),
    });
    expect(tokens.calls).toEqual([`find ${digestToken('ending')}`]);
  });

  it('a remembered token needs no call; once its remembering time is over, Astakos is asked again', async () => {
    const tokens = fakeTokens();
    const verifier = astakosVerifier(tokens, { ...settings, rememberSeconds: 1 });
    await verifier.verify(presented('good-token'));
    expect(await verifier.verify(presented('good-token'))).toEqual({ owner: OWNER, expiresAt: nowSeconds() + 1 });
    expect(astakos.requests).toHaveLength(1);
    later(1);
    expect(await verifier.verify(presented('good-token'))).toEqual({ owner: OWNER, expiresAt: nowSeconds() + 1 });
    expect(astakos.requests).toHaveLength(2);
  });

  it('a revoked stored token is refused without asking Astakos', async () => {
    const tokens = fakeTokens([tokenRecord('good-token', OWNER, { revoked: true, expiresAt: nowSeconds() + 60 })]);
    expect(await astakosVerifier(tokens, settings).verify(presented('good-token'))).toBeUndefined();
    expect(astakos.requests).toEqual([]);
  });

  it('its 401 `unauthorized` fault refuses the token, and nothing is remembered', async () => {
    const tokens = fakeTokens();
    expect(await astakosVerifier(tokens, settings).verify(presented('unknown-token'))).toBeUndefined();
    expect(tokens.records.size).toBe(0);
  });

  const html = (status: number) => () =>
    new Response(status === 302 ? null : '<h1>Not Found</h1>', {
      status,
      headers: status === 302 ? { Location: '/elsewhere' } : { 'Content-Type': 'text/html' },
    });
  const synnefoFault = (status: number, name: string) => () =>
    Response.json({ [name]: { code: status, message: 'Unexpected error', details: '' } }, { status });

  it.each([
    ['a 404 (IDENTITY_URL points elsewhere)', 404, html(404)],
    ['a redirect, not followed', 302, html(302)],
    ['a 401 that is not Astakos’s fault (a gateway’s)', 401, html(401)],
    ['a 400 badRequest fault (another API version)', 400, synnefoFault(400, 'badRequest')],
    ['a 500', 500, synnefoFault(500, 'internalServerError')],
  ])('%s is a dependency failure (503) naming the status and the path, never a refusal', async (_, status, answer) => {
    astakos.answer = answer;
    const tokens = fakeTokens();
    const failure = await failureOf(astakosVerifier(tokens, settings).verify(presented('good-token')));
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure.message).toBe(`identity service answered ${status} to POST /identity/v2.0/tokens`);
    expect(tokens.records.size).toBe(0);
  });

  const access = (token: object, user: object) => () => Response.json({ access: { token, user } });
  it.each([
    ['an HTML page', () => new Response('<html>oops</html>', { headers: { 'Content-Type': 'text/html' } })],
    ['JSON that is not an object', () => Response.json('access')],
    ['JSON null', () => Response.json(null)],
    ['no access', () => Response.json({})],
    ['no user', () => Response.json({ access: { token: { expires: isoformat(NOW + 60_000) } } })],
    ['no token', () => Response.json({ access: { user: { id: OWNER } } })],
    ['no user id', access({ expires: isoformat(NOW + 60_000) }, {})],
    ['an empty user id', access({ expires: isoformat(NOW + 60_000) }, { id: '' })],
    ['a user id that is not a string', access({ expires: isoformat(NOW + 60_000) }, { id: 7 })],
    ['no expiry', access({}, { id: OWNER })],
    ['an expiry that is no date', access({ expires: 'tomorrow' }, { id: OWNER })],
  ])('a 200 with %s is a dependency failure (503)', async (_, answer) => {
    astakos.answer = answer;
    const failure = await failureOf(astakosVerifier(fakeTokens(), settings).verify(presented('good-token')));
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure.message).toBe('identity service answered 200 without access.user.id or access.token.expires');
  });

  it.each([
    ['a network fault', new TypeError('fetch failed')],
    [
      'a body cut short',
      () => new Response(new ReadableStream({ start: (controller) => controller.error(new TypeError('terminated')) })),
    ],
  ])('%s is a dependency failure (503): unreachable', async (_, answer) => {
    astakos.answer = answer;
    const failure = await failureOf(astakosVerifier(fakeTokens(), settings).verify(presented('good-token')));
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure.message).toBe('identity service unreachable or too slow');
    expect(failure.cause).toBeInstanceOf(TypeError);
  });

  it('gives up after IDENTITY_TIMEOUT_MS: a dependency failure (503)', async () => {
    astakos.answer = 'no answer';
    const verifying = astakosVerifier(fakeTokens(), { ...settings, timeoutMs: 5 }).verify(presented('good-token'));
    const failure = await failureOf(verifying);
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect((failure.cause as Error).name).toBe('TimeoutError');
  });

  it('gives up when the request’s deadline passes, however long its own timeout', async () => {
    astakos.answer = 'no answer';
    const deadline = new AbortController();
    const verifying = astakosVerifier(fakeTokens(), settings).verify(presented('good-token'), {
      signal: deadline.signal,
    });
    deadline.abort(new DOMException('The request deadline passed', 'TimeoutError'));
    const failure = await failureOf(verifying);
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect(failure.cause).toBe(deadline.signal.reason);
  });

  it('a failure to remember a success still answers, with a warning naming the error only', async () => {
    const tokens = fakeTokens();
    tokens.faults.remember = new DependencyUnavailableError('DynamoDB unavailable: ThrottlingException');
    const warnings: unknown[][] = [];
    vi.spyOn(console, 'warn').mockImplementation((...line: unknown[]) => void warnings.push(line));
    logger.setLogLevel('WARN');
    try {
      const verified = await astakosVerifier(tokens, settings).verify(presented('good-token'));
      expect(verified).toEqual({ owner: OWNER, expiresAt: nowSeconds() + REMEMBER_SECONDS });
    } finally {
      logger.setLogLevel('ERROR');
      vi.restoreAllMocks();
    }
    expect(warnings).toHaveLength(1);
    const line = JSON.parse(String(warnings[0]?.[0])) as Record<string, unknown>;
    expect(line).toMatchObject({ message: 'Could not remember an Astakos token', error: 'DependencyUnavailableError' });
    expect(JSON.stringify(line)).not.toContain('good-token');
    expect(JSON.stringify(line)).not.toContain(digestToken('good-token'));
  });
});

describe('the verifier a deployment’s settings ask for', () => {
  const env = { INSTANCES_TABLE: 'instances', TOKENS_TABLE: 'tokens' };

  it('TOKEN_VERIFIER=dynamodb (the default): the tokens table decides, behind the cache', async () => {
    const tokens = fakeTokens([tokenRecord('good', OWNER)]);
    const verifier = createVerifier(readSettings(env), tokens);
    expect(await verifier.verify(presented('good'))).toEqual({ owner: OWNER });
    expect(await verifier.verify(presented('unknown'))).toBeUndefined();
    expect(verifier.recall(digestToken('good'))).toEqual({ owner: OWNER });
    expect(verifier.recall(digestToken('unknown'))).toBeNull();
  });

  it('TOKEN_VERIFIER=astakos: Astakos at IDENTITY_URL, remembered IDENTITY_REMEMBER_SECONDS, behind the cache', async () => {
    const astakos = fakeAstakos({ 'good-token': { owner: OWNER, expiresAt: nowSeconds() + 3600 } });
    vi.stubGlobal('fetch', astakos.fetch);
    const tokens = fakeTokens();
    const verifier = createVerifier(
      readSettings({
        ...env,
        TOKEN_VERIFIER: 'astakos',
        IDENTITY_URL: 'https://accounts.example.org/identity/v2.0',
        IDENTITY_REMEMBER_SECONDS: '120',
      }),
      tokens,
    );
    expect(await verifier.verify(presented('good-token'))).toEqual({ owner: OWNER, expiresAt: nowSeconds() + 120 });
    expect(astakos.requests.map(({ url }) => url)).toEqual(['https://accounts.example.org/identity/v2.0/tokens']);
    expect(tokens.records.get(digestToken('good-token'))?.expiresAt).toBe(nowSeconds() + 120);
    expect(verifier.recall(digestToken('good-token'))).toEqual({ owner: OWNER, expiresAt: nowSeconds() + 120 });
  });

  it('TOKEN_VERIFIER=astakos gives Astakos IDENTITY_TIMEOUT_MS', async () => {
    const astakos = fakeAstakos({});
    astakos.answer = 'no answer';
    vi.stubGlobal('fetch', astakos.fetch);
    const verifier = createVerifier(
      readSettings({ ...env, TOKEN_VERIFIER: 'astakos', IDENTITY_URL: 'https://a.example', IDENTITY_TIMEOUT_MS: '5' }),
      fakeTokens(),
    );
    const failure = await failureOf(verifier.verify(presented('good-token')));
    expect((failure.cause as Error).name).toBe('TimeoutError');
  });

  it('TOKEN_CACHE_SECONDS and TOKEN_CACHE_SIZE bound what the cache keeps', async () => {
    const tokens = fakeTokens([tokenRecord('a', 'A'), tokenRecord('b', 'B')]);
    const verifier = createVerifier(readSettings({ ...env, TOKEN_CACHE_SECONDS: '2', TOKEN_CACHE_SIZE: '1' }), tokens);
    await verifier.verify(presented('b'));
    later(2);
    expect(verifier.recall(digestToken('b'))).toEqual({ owner: 'B' });
    later(0.001);
    expect(verifier.recall(digestToken('b'))).toBeUndefined();
    await verifier.verify(presented('a'));
    await verifier.verify(presented('b'));
    expect([verifier.recall(digestToken('a')), verifier.recall(digestToken('b'))]).toEqual([undefined, { owner: 'B' }]);
  });
});
