// The bench's table contents: one owner with a small list (the one measured at every scale level), one owner with a
// long list (page N), and many other owners' instances around them. Everything is written through the operators'
// store, so the items have exactly the layout that the functions read.
import { digestToken } from '../../lib/auth.ts';
import type { LambdaInstance } from '../../lib/items.ts';
import type { StatusCode } from '../../lib/statuses.ts';
import type { OperatorStore } from '../../operators/store.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';

export const SCALE_OWNER = 'be0c0000-0000-4000-8000-000000000001';
export const PAGED_OWNER = 'be0c0000-0000-4000-8000-000000000002';

/** Each measured case has its own token, so that "the first request with this token" means an uncached token. */
export const BENCH_TOKENS = {
  detail: { token: 'bench-token-detail-00000000000000001', owner: SCALE_OWNER },
  list: { token: 'bench-token-list-000000000000000000002', owner: SCALE_OWNER },
  paged: { token: 'bench-token-paged-000000000000000000005', owner: PAGED_OWNER },
  coldStart: { token: 'bench-token-cold-start-0000000000000006', owner: SCALE_OWNER },
  offline: { token: 'bench-token-offline-000000000000000007', owner: SCALE_OWNER },
} as const;

const OTHER_OWNERS_INSTANCES = 20;
/** Of the other owners' instances, one in this many is DESTROYED (kept in the table, not in the owner index). */
const DESTROYED_EVERY = 10;

/** Instance uuids: group (a, b, c) in the first block, the running number in the last. */
export function uuidOf(group: 'a' | 'b' | 'c', n: number): string {
  return `${group}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** A realistic instance: the details seed's example (info, a failure message, one application) under a new key. */
function instance(uuid: string, id: number, owner: string, status: StatusCode): LambdaInstance {
  return {
    ...SEED_DETAILS_INSTANCE,
    uuid,
    id,
    name: `Bench Lambda Instance ${id}`,
    owner,
    instanceInfo: {
      ...SEED_DETAILS_INSTANCE.instanceInfo,
      master_name: `lambda-master-${id}`,
      master_node_id: 10_000 + id,
    },
    status,
    failureMessage: status === '11' ? SEED_DETAILS_INSTANCE.failureMessage : '',
  };
}

/** The scale owner's instances (ids 1..n); the first is the one the detail requests read. */
export function scaleOwnerInstances(count: number): LambdaInstance[] {
  return Array.from({ length: count }, (_, index) => instance(uuidOf('a', index + 1), index + 1, SCALE_OWNER, '11'));
}

/** The paged owner's instances (ids 1,000,001..). */
export function pagedOwnerInstances(count: number): LambdaInstance[] {
  return Array.from({ length: count }, (_, index) =>
    instance(uuidOf('b', index + 1), 1_000_001 + index, PAGED_OWNER, '0'),
  );
}

/** Other owners' instances from..to-1 (20 per owner, every 10th DESTROYED; ids 10,000,001..). */
export function otherInstances(from: number, to: number): LambdaInstance[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, offset) => {
    const n = from + offset;
    const owner = `c0000000-0000-4000-8000-${Math.floor(n / OTHER_OWNERS_INSTANCES)
      .toString(16)
      .padStart(12, '0')}`;
    const status: StatusCode = n % DESTROYED_EVERY === DESTROYED_EVERY - 1 ? '6' : '1';
    return instance(uuidOf('c', n + 1), 10_000_001 + n, owner, status);
  });
}

/** Writes the instances with `concurrency` workers (BatchWriteItem, 25 items a call). */
export async function putInstances(
  { instances }: OperatorStore,
  all: LambdaInstance[],
  concurrency: number,
): Promise<void> {
  const chunk = 250;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < all.length) {
      const start = next;
      next += chunk;
      await instances.put(all.slice(start, start + chunk));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The n-th of the tokens that each request of an uncached-token case presents once (the scale owner's). */
export const uncachedToken = (n: number): string => `bench-uncached-token-${n.toString().padStart(20, '0')}`;

/** The measured cases' tokens and `uncached` tokens for the uncached-token cases. */
export async function putTokens({ tokens }: OperatorStore, uncached = 0): Promise<void> {
  const createdAt = Math.floor(Date.now() / 1000);
  const all = [
    ...Object.values(BENCH_TOKENS),
    ...Array.from({ length: uncached }, (_, n) => ({ token: uncachedToken(n), owner: SCALE_OWNER })),
  ];
  await tokens.putAll(
    all.map(({ token, owner }) => ({ digest: digestToken(token), owner, createdAt, revoked: false, label: 'bench' })),
  );
}
