// How the list finds a page and counts changes in an owner's index (lib/owner-index.ts), before any I/O: the blocks
// a page lies in, and what a block's first and newest writes tell of its changes since a time.
import { describe, expect, it } from 'vitest';
import { blocksOfPage, changedIn, idsOf } from '../../lib/owner-index.ts';

describe('a page found in an owner’s index', () => {
  const counts = [
    { block: 0, count: 3, entries: 3 },
    { block: 2, count: 0, entries: 6 },
    { block: 3, count: 5, entries: 10 },
    { block: 7, count: 4, entries: 4 },
  ];

  it('starts in the block of its first instance, past the ones before it there, and takes what it needs after', () => {
    expect(blocksOfPage(counts, 0, 2)).toEqual([{ block: 0, skip: 0, take: 2, entriesEach: 1 }]);
    expect(blocksOfPage(counts, 2, 4)).toEqual([
      { block: 0, skip: 2, take: 1, entriesEach: 1 },
      { block: 3, skip: 0, take: 3, entriesEach: 2 },
    ]);
    expect(blocksOfPage(counts, 4, 20)).toEqual([
      { block: 3, skip: 1, take: 4, entriesEach: 2 },
      { block: 7, skip: 0, take: 4, entriesEach: 1 },
    ]);
  });

  it('past the last instance holds no block', () => {
    expect(blocksOfPage(counts, 12, 5)).toEqual([]);
    expect(blocksOfPage([], 0, 5)).toEqual([]);
  });

  it('covers the ids of its blocks, a thousand each', () => {
    expect(idsOf(3)).toEqual({ from: 3000, to: 3999 });
  });
});

describe('changes of a block since a time, from the owner’s index', () => {
  const block = { block: 1, counts: new Map([['0', 3] as const, ['6', 2] as const]), newest: 100_000, first: 50_000 };

  it('are none when its newest write is older by more than the margin, all when its first is later by as much', () => {
    // A write slow to arrive may leave a block's times up to the sync margin (10 s) off its instances'.
    expect(changedIn(block, 110_001)).toBe(0);
    expect(changedIn(block, 110_000)).toBeUndefined();
    expect(changedIn(block, 40_001)).toBeUndefined();
    expect(changedIn(block, 40_000)).toBe(5);
    expect(changedIn(block, 40_000, (status) => status === '6')).toBe(2);
  });

  it('of instances stored before times were kept are never all of them', () => {
    const untimed = { ...block, first: Number.MIN_SAFE_INTEGER };
    expect(changedIn(untimed, Date.parse('0000-01-01T00:00:00.000Z'))).toBeUndefined();
  });
});
