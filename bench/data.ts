// The bench's table contents: one owner with a short list (the details, the list and the scale rows read it), one
// with a long list (page N, and a few of it changed later: changed_since), one with the most instances an owner may
// hold (docs/contract.md section 5.1), other owners' instances around them, and the tokens. Everything is written
// through the operators' store, so the items (and the owners' indexes) have exactly the layout that the functions
// read.
import { digestToken } from '../lib/auth.ts';
import type { Tables } from '../lib/config.ts';
import type { LambdaInstance } from '../lib/items.ts';
import type { StatusCode } from '../lib/statuses.ts';
import { SEED_DETAILS_INSTANCE } from '../local/sample-data.ts';
import { localDocumentClient } from '../infra/dynamodb.ts';
import type { NewInstance } from '../operators/imports.ts';
import { createOperatorStore } from '../operators/store.ts';

const OWNER = 'be0c0000-0000-4000-8000-000000000001';
const PAGED_OWNER = 'be0c0000-0000-4000-8000-000000000002';
export const BIG_OWNER = 'be0c0000-0000-4000-8000-000000000003';
const IMPORTING_OWNER = 'be0c0000-0000-4000-8000-000000000004';
export const TOKEN = 'bench-token-0000000000000000000000001';
export const PAGED_TOKEN = 'bench-token-paged-00000000000000000002';
export const BIG_TOKEN = 'bench-token-big-0000000000000000000003';
/** The n-th of the owner's tokens that only one request presents: a warm container has not cached it. */
export const freshToken = (n: number): string => `bench-fresh-token-${String(n).padStart(20, '0')}`;

const uuidOf = (group: 'a' | 'b' | 'c' | 'd' | 'e', n: number): string =>
  `${group}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
/** The owner's first instance: the one the details read. */
export const DETAIL_UUID = uuidOf('a', 1);

/** A realistic instance: the details seed's example (info, a failure message, one application) under a new key. */
const instance = (uuid: string, id: number, owner: string, status: StatusCode): LambdaInstance => ({
  ...SEED_DETAILS_INSTANCE,
  uuid,
  id,
  name: `Bench Lambda Instance ${id}`,
  owner,
  instanceInfo: { ...SEED_DETAILS_INSTANCE.instanceInfo, master_name: `lambda-master-${id}` },
  status,
  failureMessage: status === '11' ? SEED_DETAILS_INSTANCE.failureMessage : '',
});

/** Other owners' instances from..to-1: 20 per owner, one in ten DESTROYED (in the table, not in the owner index). */
const others = (from: number, to: number): LambdaInstance[] =>
  Array.from({ length: to - from }, (_, offset) => {
    const n = from + offset;
    const owner = `c0000000-0000-4000-8000-${Math.floor(n / 20)
      .toString(16)
      .padStart(12, '0')}`;
    return instance(uuidOf('c', n + 1), 10_000_001 + n, owner, n % 10 === 9 ? '6' : '1');
  });

/** The big owner's rare status: a failure, so that a dashboard's `failed` finds it. */
const BIG_RARE: StatusCode = '11';
/**
 * The status of the big owner's n-th instance (from 0): STARTED, but one in ten DESTROYED, one in a hundred STOPPED
 * (a sparse status filter) and one in a thousand CLUSTER_FAILED (a rare one), in every block of its ids.
 */
const bigStatus = (n: number): StatusCode =>
  n % 10 === 9 ? '6' : n % 100 === 7 ? '1' : n % 1000 === 503 ? BIG_RARE : '0';
/** The big owner's n-th instance (from 0), its ids 1,000 to a block (lib/owner-index.ts). */
const bigInstance = (n: number): LambdaInstance => instance(uuidOf('d', n + 1), 2_000_000 + n, BIG_OWNER, bigStatus(n));
/** How many of the big owner's `big` instances BIG_RARE_STATUS finds. */
export const bigRareCount = (big: number): number =>
  Array.from({ length: big }, (_, n) => bigStatus(n)).filter((status) => status === BIG_RARE).length;
/** The status a big owner's page filters by: one in a hundred of its instances. */
export const BIG_SPARSE_STATUS = 'STOPPED';
/** A dashboard's filter of the big owner's failures: its rare status, one in a thousand of its instances. */
export const BIG_RARE_STATUS = 'failed';

export interface Contents {
  /** The owner's instances (all CLUSTER_FAILED). */
  owned: number;
  /** The paged owner's instances (all STARTED); 0 for none. */
  paged: number;
  /** The big owner's instances; 0 for none. */
  big: number;
  others: number;
  freshTokens: number;
}

const WRITERS = 8;
const CHUNK = 10_000;

/** Writes the contents into the tables, several BatchWriteItem writers at a time. */
export async function fill(endpoint: string, tables: Tables, contents: Contents): Promise<void> {
  const client = localDocumentClient(endpoint);
  const store = createOperatorStore({ client, tables });
  const createdAt = Math.floor(Date.now() / 1000);
  const token = (value: string, owner: string) => ({
    digest: digestToken(value),
    owner,
    createdAt,
    revoked: false,
    label: 'bench',
  });
  await store.tokens.putAll([
    token(TOKEN, OWNER),
    token(PAGED_TOKEN, PAGED_OWNER),
    token(BIG_TOKEN, BIG_OWNER),
    ...Array.from({ length: contents.freshTokens }, (_, n) => token(freshToken(n), OWNER)),
  ]);
  const put = async (all: LambdaInstance[]): Promise<void> => {
    const share = Math.ceil(all.length / WRITERS);
    await Promise.all(
      Array.from({ length: WRITERS }, (_, w) => store.instances.put(all.slice(w * share, (w + 1) * share))),
    );
  };
  await put(Array.from({ length: contents.owned }, (_, n) => instance(uuidOf('a', n + 1), n + 1, OWNER, '11')));
  await put(
    Array.from({ length: contents.paged }, (_, n) => instance(uuidOf('b', n + 1), 1_000_001 + n, PAGED_OWNER, '0')),
  );
  for (let from = 0; from < contents.big; from += CHUNK)
    await put(Array.from({ length: Math.min(CHUNK, contents.big - from) }, (_, n) => bigInstance(from + n)));
  for (let from = 0; from < contents.others; from += CHUNK)
    await put(others(from, Math.min(contents.others, from + CHUNK)));
  client.destroy();
}

/**
 * Moves the first `count` of the paged (or the big) owner's instances to STOPPED, as an operator would, after the
 * time it returns: what a `changed_since` of that time lists.
 */
export async function changeFirst(
  endpoint: string,
  tables: Tables,
  owner: 'paged' | 'big',
  count: number,
): Promise<string> {
  const client = localDocumentClient(endpoint);
  const { instances, clock } = createOperatorStore({ client, tables });
  // The writes' own clock (the database's): every write after this is stamped at or after `since`.
  const since = await clock.now();
  for (let n = 1; n <= count; n++) await instances.setStatus(uuidOf(owner === 'paged' ? 'b' : 'd', n), '1');
  client.destroy();
  return since;
}

/**
 * Writes `count` of the big owner's instances again, spread evenly over its ids (so over every block of its index),
 * after the time it returns, through the bulk load (a few seconds for what thousands of operators' changes would
 * take minutes): what a `changed_since` of that time lists, most of every block unchanged.
 */
export async function changeBigAcrossBlocks(endpoint: string, tables: Tables, big: number, count: number) {
  const client = localDocumentClient(endpoint);
  const { instances, clock } = createOperatorStore({ client, tables });
  // The writes' own clock (the database's): every write after this is stamped at or after `since`.
  const since = await clock.now();
  const every = Math.floor(big / count);
  await instances.put(Array.from({ length: count }, (_, n) => ({ ...bigInstance(n * every), name: 'Changed' })));
  client.destroy();
  return since;
}

/** New instances for an import (an owner of their own), as an import file's records are: without ids. */
export const importRecords = (count: number): NewInstance[] =>
  Array.from({ length: count }, (_, n) => {
    const { id: _id, ...record } = instance(uuidOf('e', n + 1), 0, IMPORTING_OWNER, '2');
    return record;
  });
