// The token verifiers, one per source of truth, the per-container cache in front of them, and the factory that
// builds the one a deployment's settings ask for.
import { LRUCache } from 'lru-cache';
import type { CachingVerifier, PresentedToken, TokenVerifier, VerifiedToken } from './auth.ts';
import type { Settings } from './config.ts';
import { DependencyUnavailableError } from './errors.ts';
import type { TokenRecord } from './items.ts';
import { logger } from './logger.ts';
import type { CallOptions, TokenStore } from './store.ts';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A stored token that still holds: not revoked, not past its expiry (even if DynamoDB's TTL has not deleted it). */
function stillValid(record: TokenRecord | undefined): VerifiedToken | undefined {
  if (!record || record.revoked) return undefined;
  if (record.expiresAt !== undefined && record.expiresAt <= nowSeconds()) return undefined;
  return record.expiresAt === undefined
    ? { owner: record.owner }
    : { owner: record.owner, expiresAt: record.expiresAt };
}

/** The tokens table is the whole truth. */
export function dynamoDbVerifier(tokens: TokenStore): TokenVerifier {
  return {
    async verify({ digest }, options) {
      return stillValid(await tokens.find(digest, options));
    },
  };
}

export interface AstakosOptions {
  /** Identity API base; the verifier POSTs to `${identityUrl}/tokens`. */
  identityUrl: string;
  timeoutMs: number;
  /** How long a success is remembered in the tokens table. */
  rememberSeconds: number;
}

/** The parts of Astakos's answer to POST /tokens (Synnefo's astakos/api/tokens.py) that the verifier reads. */
interface AstakosAnswer {
  access?: { token?: { expires?: unknown }; user?: { id?: unknown } };
  unauthorized?: unknown;
}

/** Astakos's body, or null when it is not a JSON object (an HTML page from whatever answered instead). */
const bodyOf = (response: Response): Promise<AstakosAnswer | null> =>
  response.json().then(
    (body: unknown) => (typeof body === 'object' ? (body as AstakosAnswer | null) : null),
    (error: unknown) => {
      if (error instanceof SyntaxError) return null;
      throw error;
    },
  );

/**
 * Asks Astakos whose token it is and until when, or undefined when Astakos refuses it (its 401 `unauthorized`
 * fault); anything else is a 503 error. The call gives up after `timeoutMs`, or sooner when the request's deadline
 * passes. Redirects are not followed: fetch would follow one as a GET, which Astakos refuses.
 */
async function askAstakos(
  token: string,
  { identityUrl, timeoutMs }: AstakosOptions,
  { signal }: CallOptions = {},
): Promise<Required<VerifiedToken> | undefined> {
  const url = `${identityUrl}/tokens`;
  let status: number;
  let body: AstakosAnswer | null;
  try {
    const response = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ auth: { token: { id: token } } }),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    body = await bodyOf(response);
  } catch (error) {
    // A timeout, the request's deadline or a network fault.
    throw new DependencyUnavailableError('identity service unreachable or too slow', { cause: error });
  }
  if (status === 401 && body?.unauthorized) return undefined;
  // A 404 or a redirect above all: IDENTITY_URL points elsewhere, which must not make every valid token a 401.
  // The path says where (the token travels in the body, never in the URL).
  if (status !== 200)
    throw new DependencyUnavailableError(`identity service answered ${status} to POST ${new URL(url).pathname}`);
  const owner = body?.access?.user?.id;
  const expires = Date.parse(String(body?.access?.token?.expires));
  if (typeof owner !== 'string' || owner === '' || Number.isNaN(expires))
    throw new DependencyUnavailableError(
      'identity service answered 200 without access.user.id or access.token.expires',
    );
  return { owner, expiresAt: Math.floor(expires / 1000) };
}

/**
 * ~okeanos Astakos: a token remembered in the tokens table needs no remote call; a revoked one is refused without
 * one; anything else is asked of Astakos, and a success is remembered for `rememberSeconds`, never past the token's
 * own expiry.
 */
export function astakosVerifier(tokens: TokenStore, settings: AstakosOptions): TokenVerifier {
  return {
    async verify({ value, digest }, options) {
      const record = await tokens.find(digest, options);
      if (record?.revoked) return undefined;
      const remembered = stillValid(record);
      if (remembered) return remembered;
      const answer = await askAstakos(value, settings, options);
      if (answer === undefined) return undefined;
      const createdAt = nowSeconds();
      const verified = {
        owner: answer.owner,
        expiresAt: Math.min(createdAt + settings.rememberSeconds, answer.expiresAt),
      };
      // Expired by our clock though Astakos's says otherwise: it holds for this request only.
      if (verified.expiresAt <= createdAt) return verified;
      // Remembering is an optimisation: a failure to write costs the next request a remote call, not this answer.
      await tokens
        .remember({ digest, ...verified, createdAt, revoked: false, label: 'astakos' }, options)
        .catch((error: unknown) =>
          logger.warn('Could not remember an Astakos token', { error: (error as Error).name }),
        );
      return verified;
    },
  };
}

/**
 * How long a warm container remembers that a token was refused, so that a client repeating a bad token costs no
 * DynamoDB read (nor the details' instance read) meanwhile; a token created within that time is refused until it
 * passes.
 */
const REFUSED_SECONDS = 5;
/** How many refused tokens a container remembers: a digest each (about 200 bytes), least recently used first out. */
const REFUSED_ENTRIES = 1000;

/**
 * Keeps what a warm container learnt of tokens, by digest: verified tokens, at most `maxEntries` for at most
 * `ttlSeconds` and never past the token's own expiry; refused ones apart (a client trying many bad tokens evicts no
 * good one), for REFUSED_SECONDS. A failure (a 503) is never kept: it is no refusal.
 */
export function cachedVerifier(
  inner: TokenVerifier,
  { maxEntries, ttlSeconds }: { maxEntries: number; ttlSeconds: number },
): CachingVerifier {
  // Expiries are epoch seconds, so both caches keep time by the wall clock; with no ttlResolution, lru-cache reads it
  // at each lookup rather than setting a timer to forget it.
  const clock = { perf: Date, ttlResolution: 0 };
  const verifiedTokens = new LRUCache<string, VerifiedToken>({ max: maxEntries, ttl: ttlSeconds * 1000, ...clock });
  const refusedTokens = new LRUCache<string, true>({ max: REFUSED_ENTRIES, ttl: REFUSED_SECONDS * 1000, ...clock });
  const recall = (digest: string): VerifiedToken | null | undefined =>
    verifiedTokens.get(digest) ?? (refusedTokens.has(digest) ? null : undefined);
  return {
    recall,
    async verify(token: PresentedToken, options) {
      const known = recall(token.digest);
      if (known !== undefined) return known ?? undefined;
      const verified = await inner.verify(token, options);
      if (verified === undefined) {
        refusedTokens.set(token.digest, true);
      } else {
        const untilExpiry = verified.expiresAt === undefined ? Infinity : verified.expiresAt * 1000 - Date.now();
        const ttl = Math.min(ttlSeconds * 1000, untilExpiry);
        if (ttl > 0) verifiedTokens.set(token.digest, verified, { ttl });
      }
      return verified;
    },
  };
}

/** The verifier that settings ask for, with the container's cache in front of it. */
export function createVerifier(settings: Settings, tokens: TokenStore): CachingVerifier {
  const source =
    settings.tokenVerifier === 'astakos'
      ? astakosVerifier(tokens, {
          identityUrl: settings.identityUrl,
          timeoutMs: settings.identityTimeoutMs,
          rememberSeconds: settings.identityRememberSeconds,
        })
      : dynamoDbVerifier(tokens);
  return cachedVerifier(source, { maxEntries: settings.tokenCacheSize, ttlSeconds: settings.tokenCacheSeconds });
}
