// The token caches are bounded in memory: a warm container's verifier meets many more distinct tokens than its caches
// hold, valid and refused alike, and the heap after a forced garbage collection stays within a stated bound of what
// it was once the caches were full. The verifier behind the caches answers at once from the token's name: what is
// measured is the caches alone (a request's own objects are garbage once answered; what DynamoDB costs is other
// tests'). The same measurement of a cache big enough to keep every token shows what an unbounded one would cost.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { digestToken, type CachingVerifier, type TokenVerifier } from '../../lib/auth.ts';
import { readSettings } from '../../lib/config.ts';
import { cachedVerifier } from '../../lib/verifiers.ts';

/** The deployed cache size (TOKEN_CACHE_SIZE's default); the refused tokens' cache holds as many. */
const { tokenCacheSize: CACHE_SIZE, tokenCacheSeconds } = readSettings({ INSTANCES_TABLE: 'i', TOKENS_TABLE: 't' });
const REFUSED_CACHE_SIZE = 1000;
/** Distinct tokens of each kind met once the caches are full. */
const TOKENS = 20_000;
/** What 20,000 more tokens of each kind may add to the heap of full caches. */
const GROWTH_LIMIT_MB = 1;
/** What the default caches may hold in all, both full. */
const FULL_CACHES_LIMIT_MB = 1;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after collecting everything collectable, in MB. */
function settledHeapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const OWNER = crypto.randomUUID();
/** Tokens named valid-* belong to OWNER; any other is refused. */
const byName: TokenVerifier = {
  verify: ({ value }) => Promise.resolve(value.startsWith('valid-') ? { owner: OWNER } : undefined),
};

/** Presents `count` distinct tokens of each kind, numbered from `from`, one after the other as a container does. */
async function meet(verifier: CachingVerifier, from: number, count: number): Promise<void> {
  for (let n = from; n < from + count; n += 1) {
    for (const value of [`valid-${n}-${OWNER}`, `refused-${n}-${OWNER}`]) {
      await verifier.verify({ value, digest: digestToken(value) });
    }
  }
}

describe(`token caches of ${CACHE_SIZE} verified and ${REFUSED_CACHE_SIZE} refused tokens`, () => {
  it(`keep the heap within ${GROWTH_LIMIT_MB} MB of full under ${TOKENS} more distinct tokens of each kind`, async () => {
    const empty = settledHeapMb();
    const cached = cachedVerifier(byName, { maxEntries: CACHE_SIZE, ttlSeconds: tokenCacheSeconds });
    await meet(cached, 0, Math.max(CACHE_SIZE, REFUSED_CACHE_SIZE));
    const full = settledHeapMb();
    await meet(cached, CACHE_SIZE, TOKENS);
    const after = settledHeapMb();
    // Still in use, so that nothing above was collectable: the last tokens are remembered, the first ones evicted.
    expect(cached.recall(digestToken(`valid-${CACHE_SIZE + TOKENS - 1}-${OWNER}`))).toEqual({ owner: OWNER });
    expect(cached.recall(digestToken(`refused-${CACHE_SIZE + TOKENS - 1}-${OWNER}`))).toBeNull();
    expect(cached.recall(digestToken(`valid-0-${OWNER}`))).toBeUndefined();

    console.info(
      `token caches: ${(full - empty).toFixed(2)} MB full (bound ${FULL_CACHES_LIMIT_MB} MB); ` +
        `+${(after - full).toFixed(2)} MB after ${TOKENS} more tokens of each kind (bound ${GROWTH_LIMIT_MB} MB)`,
    );
    expect(full - empty).toBeLessThan(FULL_CACHES_LIMIT_MB);
    expect(after - full).toBeLessThan(GROWTH_LIMIT_MB);
  });

  it('the measurement sees an unbounded cache: one big enough to keep every token grows past the bound', async () => {
    const before = settledHeapMb();
    const unbounded = cachedVerifier(byName, { maxEntries: TOKENS, ttlSeconds: tokenCacheSeconds });
    await meet(unbounded, 0, TOKENS);
    const grown = settledHeapMb() - before;
    expect(unbounded.recall(digestToken(`valid-0-${OWNER}`))).toEqual({ owner: OWNER });
    console.info(`a cache keeping ${TOKENS} verified tokens: +${grown.toFixed(2)} MB`);
    expect(grown).toBeGreaterThan(GROWTH_LIMIT_MB * 2);
  });
});
