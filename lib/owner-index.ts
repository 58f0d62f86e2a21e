// An owner's index: one item per owner in the instances table, kept by every operator write in the same transaction
// as the instances it changes, so that a page of a long list is found without reading what lies before it
// (docs/contract.md section 5.1; docs/decisions.md, "Big owners"). It counts the owner's instances by block of ids
// (BLOCK_IDS consecutive ids) and status, and for each block keeps the time of the first and of the newest write to
// any of its instances. A write that was slow to arrive may land after a newer one and leave its older time: the
// newest `updated_at` of a block is at most the sync margin (docs/contract.md section 7.7) past `newest`, and none is
// more than that before `first`.
import { isStatusCode, type StatusCode } from './statuses.ts';

/** Ids per block: a page is found by reading at most one block's ids before it. */
const BLOCK_IDS = 1000;

/** The item's key (the table's `uuid`): not a UUID, so no route reads it, and without `owner`, so in no index. */
export const ownerIndexKey = (owner: string): string => `owner:${owner}`;

export const blockOf = (id: number): number => Math.floor(id / BLOCK_IDS);

/** The first and the last id a block may hold. */
export const idsOf = (block: number): { from: number; to: number } => ({
  from: block * BLOCK_IDS,
  to: (block + 1) * BLOCK_IDS - 1,
});

/** The attributes of a block: its count of instances of a status, and its first and newest write (epoch ms). */
export const countAttribute = (block: number, status: StatusCode): string => `n${block}_${status}`;
export const newestAttribute = (block: number): string => `t${block}`;
export const firstAttribute = (block: number): string => `c${block}`;
/** Counts the item's writes, as `version` counts an instance's. */
export const OWNER_INDEX_VERSION = 'version';

export interface Block {
  block: number;
  /** The block's instances by status (DESTROYED too); statuses without any are absent. */
  counts: Map<StatusCode, number>;
  /** Epoch ms of the newest write to an instance of the block, and of the first one. */
  newest: number;
  first: number;
}

/** An owner's blocks, in id order: empty for an owner without instances. */
export type OwnerIndex = Block[];

const ATTRIBUTE = /^([nct])(\d+)(?:_(\d+))?$/;

/** The owner's index from its stored item (undefined: the owner has no instances). */
export function readOwnerIndex(item: Readonly<Record<string, unknown>> | undefined): OwnerIndex {
  const blocks = new Map<number, Block>();
  const blockAt = (block: number): Block => {
    let found = blocks.get(block);
    if (!found) blocks.set(block, (found = { block, counts: new Map(), newest: 0, first: 0 }));
    return found;
  };
  for (const [name, value] of Object.entries(item ?? {})) {
    const [, kind, block, status] = ATTRIBUTE.exec(name) ?? [];
    if (kind === undefined || typeof value !== 'number') continue;
    const found = blockAt(Number(block));
    if (kind === 't') found.newest = value;
    else if (kind === 'c') found.first = value;
    else if (status !== undefined && isStatusCode(status) && value > 0) found.counts.set(status, value);
  }
  return [...blocks.values()].sort((a, b) => a.block - b.block);
}

/** Which statuses a count takes in. */
export type Counted = (status: StatusCode) => boolean;

/** How many of a block's instances have a status counted (every status by default). */
export function countIn({ counts }: Block, counted: Counted = () => true): number {
  let sum = 0;
  for (const [status, count] of counts) if (counted(status)) sum += count;
  return sum;
}

/** A block's instances that a list shows, and its entries in the index the list reads them from. */
export interface BlockCount {
  block: number;
  count: number;
  entries: number;
}

/**
 * A block's part of a page: how many of the instances it shows to pass over, then how many to take, and how many
 * of its index entries there are to read for each (1: every entry is one; more: a filter passes some).
 */
export interface BlockShare {
  block: number;
  skip: number;
  take: number;
  entriesEach: number;
}

/**
 * The blocks that hold the `take` instances shown from the `offset`-th on, given every block's count in id order: the
 * page's first block with the instances before the page in it, then as many blocks as the page needs.
 */
export function blocksOfPage(counts: readonly BlockCount[], offset: number, take: number): BlockShare[] {
  const shares: BlockShare[] = [];
  let before = 0;
  let wanted = take;
  for (const { block, count, entries } of counts) {
    if (wanted === 0) break;
    const skip = Math.max(0, offset - before);
    before += count;
    if (skip >= count) continue;
    const taken = Math.min(count - skip, wanted);
    shares.push({ block, skip, take: taken, entriesEach: entries / count });
    wanted -= taken;
  }
  return shares;
}

/**
 * How a page of the instances of some statuses is read from each status's partition of an index by id
 * (listed-by-status), the partitions merged by id: each from the first id of the page's first block, the matches of
 * that block before the page passed over once merged.
 */
export interface StatusReads {
  /** The first id of the page's first block. */
  from: number;
  /** The matches in that block before the page. */
  skip: number;
  /** The statuses with matches from that block on, each with the most of its entries the page may need. */
  statuses: { status: StatusCode; take: number }[];
}

/**
 * The reads of the `take` instances of these statuses from the `offset`-th on (nothing past the last). The merged
 * entries up to the page's end all lie in the page's blocks, and before the page at most `skip` of them: a status reads
 * no more than its matches in those blocks, nor than the page and its matches in the first block before the page.
 */
export function statusReads(
  blocks: OwnerIndex,
  statuses: readonly StatusCode[],
  offset: number,
  take: number,
): StatusReads {
  const matches = (block: Block) => countIn(block, (status) => statuses.includes(status));
  const counts = blocks.map((block) => ({ block: block.block, count: matches(block), entries: matches(block) }));
  const shares = blocksOfPage(counts, offset, take);
  const [first, last] = [shares[0], shares.at(-1)];
  if (!first || !last) return { from: 0, skip: 0, statuses: [] };
  const ofPage = blocks.filter(({ block }) => block >= first.block && block <= last.block);
  const ofStatus = (status: StatusCode, block: Block | undefined) => block?.counts.get(status) ?? 0;
  return {
    from: idsOf(first.block).from,
    skip: first.skip,
    statuses: statuses.flatMap((status) => {
      const inPage = ofPage.reduce((sum, block) => sum + ofStatus(status, block), 0);
      const wanted = Math.min(inPage, Math.min(first.skip, ofStatus(status, ofPage[0])) + take);
      return wanted > 0 ? [{ status, take: wanted }] : [];
    }),
  };
}

/**
 * How far a block's times may be from its instances' (ms): a write that was slow to arrive may leave an older time
 * than the block's newest, up to the sync margin of docs/contract.md section 7.7.
 */
const SETTLED_MS = 10_000;

/**
 * How many of a block's instances of the counted statuses were written at or after `since` (epoch ms), as far as the
 * index can tell: none when its newest write is older by more than SETTLED_MS, all when its first one is later by
 * as much; undefined when some were written before and some may have been written since, which only its instances
 * can tell.
 */
export function changedIn(block: Block, since: number, counted?: Counted): number | undefined {
  if (block.newest + SETTLED_MS < since) return 0;
  if (block.first - SETTLED_MS >= since) return countIn(block, counted);
  return undefined;
}
