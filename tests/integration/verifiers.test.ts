// The token verifiers on DynamoDB Local and a stand-in Astakos over HTTP: what only they show, the tokens table's items
// and Synnefo's answers as they travel (its dates, its faults, a redirect not followed, a closed port). The verifiers'
// and the cache's rules on in-memory stores are tests/unit/verifiers.test.ts's.
// Time moves on a fake clock (Date and performance only: DynamoDB Local and the stand-in Astakos keep real timers).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { digestToken, type PresentedToken, type TokenVerifier } from '../../lib/auth.ts';
import { DependencyUnavailableError } from '../../lib/errors.ts';
import { astakosVerifier, cachedVerifier, dynamoDbVerifier } from '../../lib/verifiers.ts';
import { testApi } from '../support/api.ts';
import { EXPIRING, IDENTITY_USERS, startIdentityService, type IdentityService } from '../support/identity-service.ts';

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

describe('astakos verifier', () => {
  let identity: IdentityService;
  let astakos: TokenVerifier;
  const [goodToken] = Object.keys(IDENTITY_USERS) as [string];

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
