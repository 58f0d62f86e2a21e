// The token cache is bounded: one warm handler serves many more distinct valid tokens than the cache holds, each
// stored in DynamoDB Local, and the heap after a forced garbage collection stays within a stated bound of what it
// was once the cache was full. Each request asks for an id that is not a UUID: a token lookup and a 404, nothing
// else retained.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import { testApi } from '../support/api.ts';
import { invoke } from '../support/events.ts';

const CACHE_SIZE = 1000;
const TOKENS = 50_000;
const CONCURRENCY = 16;
/**
 * The bound: what 49,000 more tokens may add to the heap of a full cache. Measured: about 0 MB; the same run with a
 * cache big enough to keep them all adds 11 MB (~240 bytes an entry), and fails.
 */
const GROWTH_LIMIT_MB = 3;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after collecting everything collectable, in MB. */
function settledHeapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

const { detail, operator } = await testApi({ env: { TOKEN_CACHE_SIZE: String(CACHE_SIZE) } });
const owner = crypto.randomUUID();
const tokens = Array.from({ length: TOKENS }, (_, n) => `memory-token-${String(n).padStart(6, '0')}-${owner}`);
const createdAt = Math.floor(Date.now() / 1000);
const records = tokens.map((token) => ({ digest: digestToken(token), owner, createdAt, revoked: false }));

/** Serves every token once, CONCURRENCY requests at a time; each must be the 404 of a valid token. */
async function serve(batch: readonly string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batch.length) {
        const token = batch[next++]!;
        const answer = await invoke(detail, { headers: { authorization: `Token ${token}` }, id: 'not-a-uuid' });
        if (answer.statusCode !== 404) throw new Error(`${token}: ${answer.statusCode} ${answer.body}`);
      }
    }),
  );
}

describe(`token cache of ${CACHE_SIZE} entries under ${TOKENS} distinct tokens`, () => {
  it('keeps the heap within its bound', { timeout: 240_000 }, async () => {
    const writing = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, (_, part) => operator.tokens.putAll(records.filter((_, n) => n % 10 === part))),
    );
    const writeSeconds = (performance.now() - writing) / 1000;

    const empty = settledHeapMb();
    await serve(tokens.slice(0, CACHE_SIZE));
    const full = settledHeapMb();
    const serving = performance.now();
    await serve(tokens.slice(CACHE_SIZE));
    const serveSeconds = (performance.now() - serving) / 1000;
    const after = settledHeapMb();

    console.info(
      `token cache: ${TOKENS} tokens written in ${writeSeconds.toFixed(1)} s, served in ${serveSeconds.toFixed(1)} s; ` +
        `heap ${empty.toFixed(1)} MB before, ${full.toFixed(1)} MB with the cache full (${CACHE_SIZE} tokens), ` +
        `${after.toFixed(1)} MB after ${TOKENS} tokens: +${(after - full).toFixed(2)} MB (bound ${GROWTH_LIMIT_MB} MB)`,
    );
    expect(after - full).toBeLessThan(GROWTH_LIMIT_MB);
  });
});
