// How the list finds a page and counts changes in an owner's index (lib/owner-index.ts), before any I/O: the blocks
// a page lies in, where a status= page's reads start and how much each status reads, and what a block's first and
// newest writes tell of its changes since a time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  blocksOfPage,
  blockOf,
  changedIn,
  idsOf,
  ownerIndexKey,
  readOwnerIndex,
  statusReads,
  type OwnerIndex,
} from '../../lib/owner-index.ts';
import type { StatusCode } from '../../lib/statuses.ts';
import { withInstances } from '../../operators/owner-indexes.ts';

describe('an owner’s index read from its item', () => {
  it('holds each block’s counts by status (none at 0), its first and newest write, in block order, and nothing else', () => {
    const item = {
      uuid: ownerIndexKey('b1f5c3d2-0000-4000-8000-000000000001'),
      version: 7,
      n3_0: 2,
      n3_6: 0,
      t3: 300,
      c3: 200,
      n1_11: 4,
      t1: 100,
      c1: 50,
      n1_99: 5,
      n2_0: '3',
      x1: 9,
    };
    expect(readOwnerIndex(item)).toEqual([
      { block: 1, counts: new Map([['11', 4]]), newest: 100, first: 50 },
      { block: 3, counts: new Map([['0', 2]]), newest: 300, first: 200 },
    ]);
  });

  it('of an owner without instances is empty', () => expect(readOwnerIndex(undefined)).toEqual([]));
});

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

describe('a status= page found in an owner’s index, read from each status’s partition by id', () => {
  type Instance = { id: number; status: StatusCode };
  const indexOf = (instances: readonly Instance[]): OwnerIndex =>
    withInstances(
      [],
      [],
      [...instances].sort((a, b) => a.id - b.id),
    );
  const byId = (a: Instance, b: Instance) => a.id - b.id;
  /** The page as the store reads it: each status's partition from `from`, merged by id, the block's matches skipped. */
  function pageRead(instances: readonly Instance[], statuses: readonly StatusCode[], offset: number, take: number) {
    const { from, skip, statuses: reads } = statusReads(indexOf(instances), statuses, offset, take);
    const read = reads.flatMap((one) =>
      instances
        .filter(({ id, status }) => status === one.status && id >= from)
        .sort(byId)
        .slice(0, one.take),
    );
    return { reads, page: read.sort(byId).slice(skip, skip + take) };
  }
  // Block 0: 3 STARTED, 1 CLUSTER_FAILED; block 2: 2 STARTED; block 3: 4 CLUSTER_FAILED, 5 STOPPED; block 7: 1
  // STARTED, 2 CLUSTER_FAILED.
  const ids = (block: number, count: number, status: StatusCode, first = 0): Instance[] =>
    Array.from({ length: count }, (_, n) => ({ id: block * 1000 + first + n * 10, status }));
  const instances = [
    ...ids(0, 3, '0'),
    ...ids(0, 1, '11', 5),
    ...ids(2, 2, '0'),
    ...ids(3, 4, '11'),
    ...ids(3, 5, '1', 5),
    ...ids(7, 1, '0'),
    ...ids(7, 2, '11', 5),
  ];
  const index = indexOf(instances);

  it('starts at the first id of its first match’s block, past that block’s matches before the page', () => {
    expect(statusReads(index, ['11'], 0, 2)).toEqual({ from: 0, skip: 0, statuses: [{ status: '11', take: 2 }] });
    // The 6th to 8th of STARTED and CLUSTER_FAILED: the 2nd of block 2's, then on; blocks 2 and 3 hold 2 STARTED.
    expect(statusReads(index, ['0', '11'], 5, 3)).toEqual({
      from: 2000,
      skip: 1,
      statuses: [
        { status: '0', take: 2 },
        { status: '11', take: 3 },
      ],
    });
  });

  it('reads no more of a status than the page’s blocks hold, and nothing of one they hold none of', () => {
    // The 10th and 11th of STOPPED and STARTED: block 3's 5th STOPPED, then block 7's STARTED.
    expect(statusReads(index, ['1', '0'], 9, 2)).toEqual({
      from: 3000,
      skip: 4,
      statuses: [
        { status: '1', take: 5 },
        { status: '0', take: 1 },
      ],
    });
    expect(statusReads(index, ['11', '2'], 0, 50).statuses).toEqual([{ status: '11', take: 7 }]);
  });

  it('past the last match reads nothing', () => {
    expect(statusReads(index, ['11'], 7, 5)).toEqual({ from: 0, skip: 0, statuses: [] });
    expect(statusReads([], ['11'], 0, 5).statuses).toEqual([]);
  });

  it('is the slice of the matches in id order; a status reads no more than the page’s blocks hold of it, nor than the page and its first block’s', () => {
    const statusCodes: StatusCode[] = ['0', '1', '11', '13'];
    fc.assert(
      fc.property(
        // Dozens of instances to a block, so that pages start inside blocks.
        fc.uniqueArray(fc.record({ id: fc.integer({ min: 0, max: 3999 }), status: fc.constantFrom(...statusCodes) }), {
          selector: ({ id }) => id,
          maxLength: 200,
          size: 'max',
        }),
        fc.subarray(statusCodes, { minLength: 1 }),
        fc.nat(200),
        fc.integer({ min: 1, max: 40 }),
        (stored, statuses, offset, take) => {
          const matches = stored.filter(({ status }) => statuses.includes(status)).sort(byId);
          const { reads, page } = pageRead(stored, statuses, offset, take);
          expect(page).toEqual(matches.slice(offset, offset + take));
          const shown = matches.slice(offset, offset + take);
          const [firstBlock, lastBlock] = [shown[0], shown.at(-1)].map((match) => match && blockOf(match.id));
          const ofStatus = (status: StatusCode, inBlock: (block: number) => boolean) =>
            stored.filter((each) => each.status === status && inBlock(blockOf(each.id))).length;
          for (const read of reads) {
            expect(read.take).toBeLessThanOrEqual(take + ofStatus(read.status, (block) => block === firstBlock));
            const inPage = (block: number) => block >= firstBlock! && block <= lastBlock!;
            expect(read.take).toBeLessThanOrEqual(ofStatus(read.status, inPage));
          }
        },
      ),
    );
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
