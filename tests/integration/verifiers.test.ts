// The token verifiers on DynamoDB Local and a stand-in Astakos: what each accepts, what each asks, and the cache.
// Time moves on a fake clock (Date and performance only: DynamoDB Local and the stand-in Astakos keep real timers).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { digestToken, type PresentedToken, type TokenVerifier } from '../../lib/auth.ts';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import { astakosVerifier, cachedVerifier, dynamoDbVerifier } from '../../lib/verifiers.ts';
import { testApi } from '../support/api.ts';
import {
  EXPIRING,
  IDENTITY_USERS,
  MISBEHAVING,
  startIdentityService,
  type IdentityService,
} from '../support/identity-service.ts';

const { store, operator } = await testApi();
const { tokens } = operator;
const stored = dynamoDbVerifier(store.tokens);

const present = (value: string): PresentedToken => ({ value, digest: digestToken(value) });
const nowSeconds = () => Math.floor(Date.now() / 1000);
/** Moves the fake clock on. */
const later = (ms: number) => vi.advanceTimersByTime(ms);

beforeEach(() => vi.useFakeTimers({ toFake: ['Date', 'performance'] }));
afterEach(() => vi.useRealTimers());

async function storeToken(
  extra: { revoked?: boolean; expiresAt?: number } = {},
): Promise<{ token: string; owner: string }> {
  const token = `token-${randomUUID()}`;
  const owner = randomUUID();
  await tokens.put({
    digest: digestToken(token),
    owner,
    createdAt: nowSeconds(),
    revoked: extra.revoked ?? false,
    ...(extra.expiresAt !== undefined && { expiresAt: extra.expiresAt }),
  });
  return { token, owner };
}

/** Counts the calls that reach the wrapped verifier (one DynamoDB lookup or remote call each). */
function counting(inner: TokenVerifier): TokenVerifier & { calls: number } {
  const counter = {
    calls: 0,
    verify: (token: PresentedToken) => {
      counter.calls += 1;
      return inner.verify(token);
    },
  };
  return counter;
}

describe('dynamodb verifier', () => {
  it('knows a stored token’s owner and expiry', async () => {
    const expiresAt = nowSeconds() + 3600;
    const { token, owner } = await storeToken({ expiresAt });
    expect(await stored.verify(present(token))).toEqual({ owner, expiresAt });
  });

  it('refuses unknown, revoked and expired tokens (expired before DynamoDB’s TTL deletes them)', async () => {
    expect(await stored.verify(present('never-stored'))).toBeUndefined();
    expect(await stored.verify(present((await storeToken({ revoked: true })).token))).toBeUndefined();
    expect(await stored.verify(present((await storeToken({ expiresAt: nowSeconds() - 1 })).token))).toBeUndefined();
  });
});

describe('cache in front of a verifier', () => {
  it('a cached token needs no lookup; a new one needs exactly one', async () => {
    const inner = counting(stored);
    const cached = cachedVerifier(inner, { maxEntries: 10, ttlSeconds: 60 });
    const { token, owner } = await storeToken();
    expect((await cached.verify(present(token)))?.owner).toBe(owner);
    expect(inner.calls).toBe(1);
    expect((await cached.verify(present(token)))?.owner).toBe(owner);
    expect(inner.calls).toBe(1);
  });

  it('a revoked token stops working once its cache time is over', async () => {
    const cached = cachedVerifier(stored, { maxEntries: 10, ttlSeconds: 1 });
    const { token, owner } = await storeToken();
    expect((await cached.verify(present(token)))?.owner).toBe(owner);
    await tokens.revoke(digestToken(token));
    expect((await cached.verify(present(token)))?.owner).toBe(owner); // still within TOKEN_CACHE_SECONDS
    later(1100);
    expect(await cached.verify(present(token))).toBeUndefined();
  });

  it('a token is never cached past its own expiry', async () => {
    const cached = cachedVerifier(stored, { maxEntries: 10, ttlSeconds: 60 });
    const { token } = await storeToken({ expiresAt: nowSeconds() + 1 });
    expect(await cached.verify(present(token))).toBeDefined();
    later(2100);
    expect(await cached.verify(present(token))).toBeUndefined();
  });

  it('a refused token is refused without a lookup for 5 seconds, then looked up again', async () => {
    const inner = counting(stored);
    const cached = cachedVerifier(inner, { maxEntries: 10, ttlSeconds: 60 });
    const token = `token-${randomUUID()}`;
    expect(await cached.verify(present(token))).toBeUndefined();
    expect(cached.recall(digestToken(token))).toBeNull();
    // Created within the window: still refused, without a lookup, until the window is over.
    const owner = randomUUID();
    await tokens.put({ digest: digestToken(token), owner, createdAt: nowSeconds(), revoked: false });
    later(4900);
    expect(await cached.verify(present(token))).toBeUndefined();
    expect(inner.calls).toBe(1);
    later(200);
    expect(cached.recall(digestToken(token))).toBeUndefined();
    expect((await cached.verify(present(token)))?.owner).toBe(owner);
    expect(inner.calls).toBe(2);
  });

  it('recalls the owner of a cached token, and nothing of a token never seen or out of its cache time', async () => {
    const cached = cachedVerifier(stored, { maxEntries: 10, ttlSeconds: 1 });
    const { token, owner } = await storeToken();
    expect(cached.recall(digestToken(token))).toBeUndefined();
    await cached.verify(present(token));
    expect(cached.recall(digestToken(token))).toEqual({ owner });
    later(1100);
    expect(cached.recall(digestToken(token))).toBeUndefined();
  });

  it('refused tokens evict no verified one', async () => {
    const inner = counting(stored);
    const cached = cachedVerifier(inner, { maxEntries: 2, ttlSeconds: 60 });
    const { token, owner } = await storeToken();
    await cached.verify(present(token));
    for (const n of [1, 2, 3]) await cached.verify(present(`refused-${n}-${randomUUID()}`));
    expect(inner.calls).toBe(4);
    expect((await cached.verify(present(token)))?.owner).toBe(owner);
    expect(inner.calls).toBe(4);
  });

  it('holds at most maxEntries tokens, dropping the least recently used', async () => {
    const inner = counting(stored);
    const cached = cachedVerifier(inner, { maxEntries: 2, ttlSeconds: 60 });
    const [a, b, c] = await Promise.all([storeToken(), storeToken(), storeToken()]);
    for (const { token } of [a, b, c]) await cached.verify(present(token));
    expect(inner.calls).toBe(3);
    await cached.verify(present(c.token));
    await cached.verify(present(b.token));
    expect(inner.calls).toBe(3);
    await cached.verify(present(a.token)); // evicted
    expect(inner.calls).toBe(4);
  });
});

describe('astakos verifier', () => {
  let identity: IdentityService;
  let astakos: TokenVerifier;
  const [goodToken, otherGoodToken] = Object.keys(IDENTITY_USERS) as [string, string];

  beforeAll(async () => {
    identity = await startIdentityService(3000);
    astakos = astakosVerifier(store.tokens, { identityUrl: identity.url, timeoutMs: 300, rememberSeconds: 300 });
  });
  afterAll(() => identity.close());

  it('asks Astakos once, then answers from the remembered digest', async () => {
    const asked = identity.asked.length;
    const verified = await astakos.verify(present(goodToken));
    expect(verified?.owner).toBe(IDENTITY_USERS[goodToken]);
    expect(identity.asked.length).toBe(asked + 1);
    const remembered = await store.tokens.find(digestToken(goodToken));
    expect(remembered).toMatchObject({ owner: IDENTITY_USERS[goodToken], revoked: false, label: 'astakos' });
    expect(remembered?.expiresAt).toBeGreaterThanOrEqual(nowSeconds() + 299);
    expect((await astakos.verify(present(goodToken)))?.owner).toBe(IDENTITY_USERS[goodToken]);
    expect(identity.asked.length).toBe(asked + 1);
  });

  it('asks again once the remembered success has expired', async () => {
    const shortMemory = astakosVerifier(store.tokens, {
      identityUrl: identity.url,
      timeoutMs: 300,
      rememberSeconds: 1,
    });
    await shortMemory.verify(present(otherGoodToken));
    const asked = identity.asked.length;
    later(2100);
    expect((await shortMemory.verify(present(otherGoodToken)))?.owner).toBe(IDENTITY_USERS[otherGoodToken]);
    expect(identity.asked.length).toBe(asked + 1);
  });

  it('a token Astakos refuses (its 401 unauthorized fault) is refused and not remembered', async () => {
    expect(await astakos.verify(present('astakos-unknown-token'))).toBeUndefined();
    expect(await store.tokens.find(digestToken('astakos-unknown-token'))).toBeUndefined();
  });

  it('a success is remembered never past the token’s own expiry (access.token.expires), nor cached past it', async () => {
    const cached = cachedVerifier(astakos, { maxEntries: 10, ttlSeconds: 600 });
    expect(await cached.verify(present(EXPIRING.token))).toEqual({
      owner: EXPIRING.owner,
      expiresAt: identity.expiringAt,
    });
    expect((await store.tokens.find(digestToken(EXPIRING.token)))?.expiresAt).toBe(identity.expiringAt);
    const asked = identity.asked.length;
    later(identity.expiringAt * 1000 - Date.now() + 100);
    expect(await cached.verify(present(EXPIRING.token))).toBeUndefined();
    expect(identity.asked.length).toBe(asked + 1);
  });

  it('a revoked remembered token is refused without asking Astakos', async () => {
    const token = `astakos-revoked-${randomUUID()}`;
    await tokens.put({
      digest: digestToken(token),
      owner: randomUUID(),
      createdAt: nowSeconds(),
      expiresAt: nowSeconds() + 300,
      revoked: true,
    });
    const asked = identity.asked.length;
    expect(await astakos.verify(present(token))).toBeUndefined();
    expect(identity.asked.length).toBe(asked);
  });

  it.each(Object.entries(MISBEHAVING))('%s is a dependency failure (503), never a refusal', async (_, token) => {
    const started = process.hrtime.bigint(); // real time: the fake clock stands still
    await expect(astakos.verify(present(token))).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(1000);
  });

  it('an unreachable service is a dependency failure', async () => {
    const nowhere = astakosVerifier(store.tokens, {
      identityUrl: 'http://127.0.0.1:9/identity/v2.0',
      timeoutMs: 300,
      rememberSeconds: 300,
    });
    await expect(nowhere.verify(present(goodToken + '-unreached'))).rejects.toBeInstanceOf(DependencyUnavailableError);
  });

  // Synnefo answers a path outside /identity/ with Django's 404, and one under it with a 400 badRequest fault.
  it.each([
    ['IDENTITY_URL without /identity: a 404', '/v2.0', 404],
    ['another API version: a 400', '/identity/v3.0', 400],
    ['a redirect in front of Astakos, not followed', '/moved/identity/v2.0', 302],
    ['a 401 that is not Astakos’s fault (a gateway’s)', '/guarded/identity/v2.0', 401],
  ])('%s is a dependency failure (503) naming the status and path, never a refusal', async (_, path, status) => {
    const elsewhere = astakosVerifier(store.tokens, {
      identityUrl: identity.origin + path,
      timeoutMs: 300,
      rememberSeconds: 300,
    });
    const token = `astakos-never-remembered-${randomUUID()}`;
    const failure = await elsewhere.verify(present(token)).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect((failure as Error).message).toBe(`identity service answered ${status} to POST ${path}/tokens`);
  });
});
