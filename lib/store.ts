// The request path's data access: what the two functions read (a token, an instance, an owner's list) and the one
// write they may make (remembering a token Astakos accepted). Callers ask domain questions and get domain types;
// only lib/ knows table names, keys and the indexes. The operators' writes are operators/store.ts.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import pMap from 'p-map';
import type { Tables } from './config.ts';
import type { Paging } from './requests.ts';
import type { StatusCode } from './statuses.ts';
import { faultsAsUnavailable } from './dynamodb.ts';
import {
  CHANGED_BY_OWNER,
  DEFAULT_NAME,
  LISTED_BY_OWNER,
  LISTED_BY_STATUS,
  OWNED_BY_OWNER,
  fromInstanceItem,
  isListed,
  listedStatusKey,
  fromTokenItem,
  toTokenItem,
  type InstanceItem,
  type InstanceSummary,
  type StoredInstance,
  type TokenItem,
  type TokenRecord,
} from './items.ts';
import {
  blocksOfPage,
  changedIn,
  countIn,
  idsOf,
  ownerIndexKey,
  readOwnerIndex,
  statusReads,
  type BlockCount,
  type BlockShare,
  type Counted,
  type OwnerIndex,
  type StatusReads,
} from './owner-index.ts';

/** What every read and write of a request takes: the request's deadline, as an abort signal. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Which of an owner's instances a list shows, and how much of them. */
interface ListQuery {
  /** Only instances of these statuses. */
  statuses?: ReadonlySet<StatusCode> | undefined;
  /**
   * Only instances changed at or after this time (DESTROYED ones included), each with its `updatedAt`; without it,
   * the instances the list shows (all but DESTROYED). An RFC 3339 UTC time with milliseconds, as stored.
   */
  changedSince?: string | undefined;
  /** One page of them; without it, all of them, if there are at most `atMost`. */
  paging?: Paging | undefined;
  atMost: number;
}

/** What a list reads: how many instances match, and those it shows, in id order. */
interface ListPage {
  count: number;
  /** The page (empty past the last one), or every match; undefined when no page was asked and more than `atMost` match. */
  items: InstanceSummary[] | undefined;
}

export interface InstanceReader {
  /** The owner's instances that the query asks for (the list's rules: docs/contract.md sections 5.1, 7.2, 7.7). */
  list(owner: string, query: ListQuery, options?: CallOptions): Promise<ListPage>;
  /** The instance with this uuid, whoever owns it (the route decides what the caller may see). */
  get(uuid: string, options?: CallOptions): Promise<StoredInstance | undefined>;
}

export interface TokenStore {
  find(digest: string, options?: CallOptions): Promise<TokenRecord | undefined>;
  /**
   * Stores a verified token (Astakos's successes), replacing any record of the same digest that is not revoked; over
   * a revoked one it fails (ConditionalCheckFailedException) and writes nothing.
   */
  remember(record: TokenRecord, options?: CallOptions): Promise<void>;
}

export interface Store {
  instances: InstanceReader;
  tokens: TokenStore;
}

type IndexItem = Pick<InstanceItem, 'uuid' | 'id' | 'name' | 'status' | 'failure_message' | 'updated_at'>;

const sdkOptions = ({ signal }: CallOptions = {}) => (signal ? { abortSignal: signal } : undefined);

/**
 * Items a Query asks for at a time. Without a Limit, DynamoDB Local reads the rest of the partition for every 1 MB
 * page (a 30,000-instance list took minutes); with one it reads what it returns. One more than a block of ids holds
 * (lib/owner-index.ts): a block, or a thousand changes, is read or counted whole by one Query, which then says it
 * reached the end (a Query that stops at its Limit says there may be more, even when there is none). Deployed, a
 * thousand of the indexes' entries are about 150 KB, a few more calls than 1 MB pages for a long list.
 */
const QUERY_LIMIT = 1001;
/**
 * The most changes a changed_since list reads from the changes index before it counts those of the blocks partly
 * changed one by one: about a second of DynamoDB Local's time, a few MB of a function's memory.
 */
const CHANGES_READ_AT_MOST = 10_000;
/** Queries under way at a time: the blocks of a changed_since page, or their counts; the statuses of a filtered page. */
const QUERIES_AT_ONCE = 4;

/** The owner indexes (serverless.yml): the owner's instances in one of four selections and orders. */
const INDEXES = {
  /** What the list shows (all but DESTROYED), by id. */
  listed: { IndexName: LISTED_BY_OWNER, partition: 'listed_owner', range: 'id', withUpdatedAt: false },
  /** What the list shows, a partition per status (listedStatusKey), by id. */
  listedByStatus: { IndexName: LISTED_BY_STATUS, partition: 'listed_status', range: 'id', withUpdatedAt: false },
  /** Every instance, by id. */
  owned: { IndexName: OWNED_BY_OWNER, partition: 'owner', range: 'id', withUpdatedAt: true },
  /** Every instance with a time, by its last write. */
  changed: { IndexName: CHANGED_BY_OWNER, partition: 'owner', range: 'updated_at', withUpdatedAt: true },
} as const;

/** A Query of an owner index: a partition's entries whose range key is from `from` (to `to`) that pass the filter. */
interface IndexRead {
  index: (typeof INDEXES)[keyof typeof INDEXES];
  /** The owner, or in listed-by-status the owner's partition of one status. */
  partition: string;
  from: number | string;
  to?: number;
  filter?: Filter;
}

/** A FilterExpression, its names and its values. */
interface Filter {
  expression: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/** The Query's input, for what the list shows of each entry (never a full item) or for their count. */
function queryOf({ index, partition, from, to, filter }: IndexRead, select: 'summaries' | 'count') {
  const names: Record<string, string> = { '#partition': index.partition, '#range': index.range, ...filter?.names };
  if (select === 'summaries')
    Object.assign(names, { '#uuid': 'uuid', '#id': 'id', '#name': 'name', '#status': 'status' });
  return {
    IndexName: index.IndexName,
    KeyConditionExpression: `#partition = :partition AND #range ${to === undefined ? '>= :from' : 'BETWEEN :from AND :to'}`,
    ...(filter && { FilterExpression: filter.expression }),
    ...(select === 'count'
      ? { Select: 'COUNT' as const }
      : {
          ProjectionExpression: `#uuid, #id, #name, #status, failure_message${index.withUpdatedAt ? ', updated_at' : ''}`,
        }),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: {
      ':partition': partition,
      ':from': from,
      ...(to !== undefined && { ':to': to }),
      ...filter?.values,
    },
  };
}

/** The filter of the instances written at or after `since`, of these statuses if given. */
function changedFilter(since: string, statuses: ReadonlySet<StatusCode> | undefined): Filter {
  const codes = [...(statuses ?? [])];
  return {
    expression: [
      '#updated_at >= :since',
      ...(codes.length > 0 ? [`#status IN (${codes.map((_, n) => `:status${n}`).join(', ')})`] : []),
    ].join(' AND '),
    names: { '#updated_at': 'updated_at', ...(codes.length > 0 && { '#status': 'status' }) },
    values: { ':since': since, ...Object.fromEntries(codes.map((code, n) => [`:status${n}`, code])) },
  };
}

const toSummary = (item: IndexItem): InstanceSummary => ({
  uuid: item.uuid,
  name: item.name ?? DEFAULT_NAME,
  id: item.id,
  status: item.status,
  failureMessage: item.failure_message ?? '',
  ...(item.updated_at !== undefined && { updatedAt: item.updated_at }),
});

/** The task's results for each of `all`, in order, QUERIES_AT_ONCE under way at a time; a failure stops the rest. */
const fewAtATime = <T, R>(all: readonly T[], task: (item: T) => Promise<R>): Promise<R[]> =>
  pMap(all, task, { concurrency: QUERIES_AT_ONCE });

const sum = (counts: readonly BlockCount[]): number => counts.reduce((total, { count }) => total + count, 0);

const byId = (a: InstanceSummary, b: InstanceSummary): number => a.id - b.id;

/**
 * The page the query asks for out of `count` matches, read by `read` from an offset; or all of them, unless more than
 * `atMost`. A page past the last reads nothing.
 */
async function pageOf(
  count: number,
  { paging, atMost }: Pick<ListQuery, 'paging' | 'atMost'>,
  read: (offset: number, take: number) => Promise<InstanceSummary[]>,
): Promise<ListPage> {
  if (!paging) return { count, items: count > atMost ? undefined : await read(0, count) };
  const offset = (paging.page - 1) * paging.limit;
  return { count, items: offset >= count ? [] : await read(offset, Math.min(paging.limit, count - offset)) };
}

/** Whether a status is one of these (any, without). */
const among =
  (statuses: ReadonlySet<StatusCode> | undefined): Counted =>
  (status) =>
    !statuses || statuses.has(status);

/** The page the query asks for out of matches all read. */
const pageOfRead = (matching: readonly InstanceSummary[], query: ListQuery): Promise<ListPage> =>
  pageOf(matching.length, query, (offset, take) => Promise.resolve(matching.slice(offset, offset + take)));

export function createStore({ client, tables }: { client: DynamoDBDocumentClient; tables: Tables }): Store {
  const queryIndex = (
    input: ReturnType<typeof queryOf> & { Limit: number },
    start: object | undefined,
    options?: CallOptions,
  ) =>
    faultsAsUnavailable(() =>
      client.send(
        new QueryCommand({ TableName: tables.instances, ...input, ExclusiveStartKey: start as never }),
        sdkOptions(options),
      ),
    );

  /**
   * The entries of an index read that pass its filter, as summaries, from `start` (the range's beginning by default):
   * `take` of them after the first `skip`, or fewer at the range's end; `next` is where a Query would go on
   * (undefined: at the end). Each Query asks for as many entries as it expects to need, `entriesEach` for each one
   * (1 without a filter: never more than it takes), QUERY_LIMIT at most.
   */
  async function entries(
    read: IndexRead,
    {
      skip = 0,
      take,
      entriesEach = 1,
      start,
    }: { skip?: number; take: number; entriesEach?: number; start?: object | undefined },
    options?: CallOptions,
  ): Promise<{ items: InstanceSummary[]; next: object | undefined }> {
    const items: InstanceSummary[] = [];
    const wanted = skip + take;
    let seen = 0;
    let next = start;
    do {
      const { Items = [], LastEvaluatedKey } = await queryIndex(
        { ...queryOf(read, 'summaries'), Limit: Math.min(QUERY_LIMIT, Math.ceil((wanted - seen) * entriesEach)) },
        next,
        options,
      );
      items.push(...(Items as IndexItem[]).slice(Math.max(0, skip - seen), wanted - seen).map(toSummary));
      seen += Items.length;
      next = LastEvaluatedKey;
    } while (next && seen < wanted);
    return { items, next };
  }

  /** How many entries of an index read pass its filter: they are counted, not sent. */
  async function countOf(read: IndexRead, options?: CallOptions): Promise<number> {
    let count = 0;
    let start: object | undefined;
    do {
      const { Count = 0, LastEvaluatedKey } = await queryIndex(
        { ...queryOf(read, 'count'), Limit: QUERY_LIMIT },
        start,
        options,
      );
      count += Count;
      start = LastEvaluatedKey;
    } while (start);
    return count;
  }

  /** The owner's index item, as blocks (none: the owner has no instances). Eventually consistent, as the indexes are. */
  async function ownerIndex(owner: string, options?: CallOptions): Promise<OwnerIndex> {
    const { Item } = await faultsAsUnavailable(() =>
      client.send(
        new GetCommand({ TableName: tables.instances, Key: { uuid: ownerIndexKey(owner) } }),
        sdkOptions(options),
      ),
    );
    return readOwnerIndex(Item);
  }

  /**
   * The page's instances from an index by id, given the blocks that hold them: without a filter, one read from the
   * first block's instances before the page to the page's end; with one (changed_since), a read of each block, a few
   * at a time.
   */
  async function blocksRead(
    shares: readonly BlockShare[],
    read: Omit<IndexRead, 'from' | 'to'>,
    options?: CallOptions,
  ): Promise<InstanceSummary[]> {
    const [first, last] = [shares[0], shares.at(-1)];
    if (!first || !last) return [];
    if (!read.filter) {
      const take = shares.reduce((total, share) => total + share.take, 0);
      const range = { from: idsOf(first.block).from, to: idsOf(last.block).to };
      return (await entries({ ...read, ...range }, { skip: first.skip, take }, options)).items;
    }
    const pages = await fewAtATime(shares, async ({ block, ...share }) => {
      return (await entries({ ...read, ...idsOf(block) }, share, options)).items;
    });
    return pages.flat();
  }

  /**
   * The owner's instances that the list shows (all but DESTROYED), of these statuses if given, in id order. Without a
   * page, one Query of the first entries is the answer when it holds all of them, as it does for most owners;
   * otherwise the owner's index gives the count and the block where the page starts.
   */
  async function listed(owner: string, query: ListQuery, options?: CallOptions): Promise<ListPage> {
    const { statuses } = query;
    const read = { index: INDEXES.listed, partition: owner };
    const everyListed = { ...read, from: 0 };
    // Filtered here, not by DynamoDB: the status filters cost what the plain list costs.
    const first = query.paging ? undefined : await entries(everyListed, { take: QUERY_LIMIT }, options);
    if (first && !first.next) {
      return pageOfRead(
        first.items.filter(({ status }) => among(statuses)(status)),
        query,
      );
    }
    const shown: Counted = (status) => isListed(status) && among(statuses)(status);
    const blocks = await ownerIndex(owner, options);
    const counts = blocks.map((block) => ({
      block: block.block,
      count: countIn(block, shown),
      entries: countIn(block, isListed),
    }));
    return pageOf(sum(counts), query, async (offset, take) => {
      if (statuses) {
        const reads = statusReads(blocks, [...statuses].filter(isListed), offset, take);
        return ofStatuses(owner, reads, take, options);
      }
      if (!first) return blocksRead(blocksOfPage(counts, offset, take), read, options);
      // The whole list: on from the first Query.
      const rest = await entries(everyListed, { take: take - first.items.length, start: first.next }, options);
      return [...first.items, ...rest.items];
    });
  }

  /**
   * `take` of the owner's listed instances of some statuses, where statusReads found them: each status's partition of
   * listed-by-status read from the page's first block (a few statuses at a time), the reads merged by id, the block's
   * matches before the page passed over. No status reads another's instances.
   */
  async function ofStatuses(
    owner: string,
    { from, skip, statuses }: StatusReads,
    take: number,
    options?: CallOptions,
  ): Promise<InstanceSummary[]> {
    const read = await fewAtATime(statuses, async ({ status, take: wanted }) => {
      const partition = listedStatusKey(owner, status);
      return (await entries({ index: INDEXES.listedByStatus, partition, from }, { take: wanted }, options)).items;
    });
    return read
      .flat()
      .sort(byId)
      .slice(skip, skip + take);
  }

  /**
   * The owner's instances changed at or after `since` (DESTROYED ones included), of these statuses if given, in id
   * order, with `updatedAt` (docs/decisions.md, "Big owners"). Changes that one Query of the changes index reads to
   * the end are sorted and paged in memory. More are counted by block of the owner's index: none in a block written
   * last before `since`, all in a block first written since; the changes of the blocks partly changed are read on
   * from the changes index while that reads fewer entries than those blocks hold (up to CHANGES_READ_AT_MOST),
   * otherwise counted block by block. The page is then read by id.
   */
  async function changed(owner: string, since: string, query: ListQuery, options?: CallOptions): Promise<ListPage> {
    const { statuses } = query;
    const matching = (read: readonly InstanceSummary[]) =>
      pageOfRead(read.filter(({ status }) => among(statuses)(status)).sort(byId), query);
    const changes = { index: INDEXES.changed, partition: owner, from: since };
    const first = await entries(changes, { take: QUERY_LIMIT }, options);
    if (!first.next) return matching(first.items);
    const sinceMs = Date.parse(since);
    const blocks = (await ownerIndex(owner, options)).map((block) => ({
      block,
      known: changedIn(block, sinceMs, among(statuses)),
    }));
    const partly = blocks.reduce((total, { block, known }) => total + (known === undefined ? countIn(block) : 0), 0);
    const readOn = Math.min(partly, CHANGES_READ_AT_MOST) - first.items.length;
    if (readOn > 0) {
      const rest = await entries(changes, { take: readOn, start: first.next }, options);
      if (!rest.next) return matching([...first.items, ...rest.items]);
    }
    const read = { index: INDEXES.owned, partition: owner, filter: changedFilter(since, statuses) };
    const counts = await fewAtATime(blocks, async ({ block, known }) => ({
      block: block.block,
      count: known ?? (await countOf({ ...read, ...idsOf(block.block) }, options)),
      entries: countIn(block),
    }));
    return pageOf(sum(counts), query, (offset, take) => blocksRead(blocksOfPage(counts, offset, take), read, options));
  }

  return {
    instances: {
      list: (owner, query, options) =>
        query.changedSince === undefined
          ? listed(owner, query, options)
          : changed(owner, query.changedSince, query, options),

      // Strongly consistent: an operator's change is in the very next answer (docs/contract.md section 7.6), for 1 read unit, not 0.5.
      async get(uuid, options) {
        const { Item } = await faultsAsUnavailable(() =>
          client.send(
            new GetCommand({ TableName: tables.instances, Key: { uuid }, ConsistentRead: true }),
            sdkOptions(options),
          ),
        );
        // The id counter shares the table; its key is not a UUID, so a route never asks for it.
        return Item ? fromInstanceItem(Item as InstanceItem) : undefined;
      },
    },

    tokens: {
      async find(digest, options) {
        const { Item } = await faultsAsUnavailable(() =>
          client.send(new GetCommand({ TableName: tables.tokens, Key: { digest } }), sdkOptions(options)),
        );
        return Item ? fromTokenItem(Item as TokenItem) : undefined;
      },

      async remember(record, options) {
        await faultsAsUnavailable(() =>
          client.send(
            new PutCommand({
              TableName: tables.tokens,
              Item: toTokenItem(record),
              // Never over a revocation that an operator made while Astakos was being asked.
              ConditionExpression: 'attribute_not_exists(digest) OR revoked = :open',
              ExpressionAttributeValues: { ':open': false },
            }),
            sdkOptions(options),
          ),
        );
      },
    },
  };
}
