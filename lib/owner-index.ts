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

/** The attributes of a block: its count of instances of a status, and its first and newest write (epoch ms). */
export const countAttribute = (block: number, status: StatusCode): string => `n${block}_${status}`;
export const newestAttribute = (block: number): string => `t${block}`;
export const firstAttribute = (block: number): string => `c${block}`;

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

/** How many of a block's instances have one of these statuses (every status when none are given). */
export function countIn({ counts }: Block, statuses?: ReadonlySet<StatusCode>): number {
  let sum = 0;
  for (const [status, count] of counts) if (!statuses || statuses.has(status)) sum += count;
  return sum;
}
