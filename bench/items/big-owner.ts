// An owner of 100,000 instances (docs/contract.md section 5.1), its token cached: page 1 against the whole list (one
// walk of the owner's whole list partition: what every page read before the owner's index), and the pages that read
// the most, each against the request's deadline: the deepest and a middle page at the largest limit, a page of a
// sparse status, page 1 and the last page of a rare one (in read units too), and changed_since after a few changes,
// since before the load, and after changes in every block.
// What each reads is bounded in tests/integration/read-costs.test.ts; here, what it takes at this size.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readSettings } from '../../lib/config.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { stageEnvironment } from '../../infra/serverless-yml.ts';
import {
  BIG_OWNER,
  BIG_RARE_STATUS,
  BIG_SPARSE_STATUS,
  BIG_TOKEN,
  bigRareCount,
  changeBigAcrossBlocks,
  changeFirst,
} from '../data.ts';
import { median, ratioRow, valueRow, type Row } from '../rows.ts';
import { auth, functions, readUnits, request, same, type Setup } from '../setup.ts';
import { time } from '../timing.ts';

/** Page 1 may take a hundredth of what the whole list takes, in time and in read units. */
const PAGE_ONE_TARGET = 0.01;
const PAGE_ONE_LIMIT = 100;
/** The rare status's last page is read at this limit: at limit 100, its page 1 is its last. */
const RARE_LAST_LIMIT = 10;
const CHANGED_FEW = 5;

/** One walk of the big owner's whole list partition, through the counting proxy: its time and read units. */
async function wholeList(setup: Setup, owner: string): Promise<{ ms: number; readUnits: number }> {
  const client = localDocumentClient(setup.proxy.endpoint);
  setup.proxy.take();
  const started = performance.now();
  let start: Record<string, unknown> | undefined;
  do {
    const { LastEvaluatedKey } = await client.send(
      new QueryCommand({
        TableName: setup.tables.instances,
        IndexName: 'listed-by-owner',
        KeyConditionExpression: 'listed_owner = :owner',
        ExpressionAttributeValues: { ':owner': owner },
        Limit: 1000,
        ExclusiveStartKey: start,
      }),
    );
    start = LastEvaluatedKey;
  } while (start);
  const ms = performance.now() - started;
  client.destroy();
  return { ms, readUnits: setup.proxy.take().reduce((sum, call) => sum + call.readUnits, 0) };
}

export async function bigOwner(setup: Setup): Promise<Row[]> {
  const { big } = setup.sizes;
  const deadlineMs = readSettings(stageEnvironment(setup.stage)).requestDeadlineMs;
  const { list } = functions(setup);
  const asked = (query: Record<string, string>) => same({ headers: auth(BIG_TOKEN), query });
  const listed = big - Math.floor(big / 10);
  /** The middle page of the sparse status's instances, one in a hundred. */
  const sparsePage = Math.ceil(big / 100 / 100 / 2);
  const pageOne = { headers: auth(BIG_TOKEN), query: { limit: `${PAGE_ONE_LIMIT}`, page: '1' } };
  const rare = {
    first: { status: BIG_RARE_STATUS, limit: `${PAGE_ONE_LIMIT}`, page: '1' },
    last: {
      status: BIG_RARE_STATUS,
      limit: `${RARE_LAST_LIMIT}`,
      page: `${Math.ceil(bigRareCount(big) / RARE_LAST_LIMIT)}`,
    },
  };
  const whole = await wholeList(setup, BIG_OWNER);
  const first = await time({ first: request(list, same(pageOne)) }, setup.sizes.pages);
  const { list: counted } = functions(setup, { endpoint: setup.proxy.endpoint });
  const firstUnits = await readUnits(counted, pageOne, setup.proxy);
  const rareUnits = {
    first: await readUnits(counted, { headers: auth(BIG_TOKEN), query: rare.first }, setup.proxy),
    last: await readUnits(counted, { headers: auth(BIG_TOKEN), query: rare.last }, setup.proxy),
  };
  const rareNames = {
    first: `?status=${BIG_RARE_STATUS} (1 in 1,000), page 1 of limit ${PAGE_ONE_LIMIT}`,
    last: `?status=${BIG_RARE_STATUS} (1 in 1,000), last page (${rare.last.page}) of limit ${RARE_LAST_LIMIT}`,
  };

  const since = await changeFirst(setup.dynamoDbEndpoint, setup.tables, 'big', CHANGED_FEW);
  const deepest = {
    [`last page (limit 1000, page ${Math.ceil(listed / 1000)})`]: {
      limit: '1000',
      page: `${Math.ceil(listed / 1000)}`,
    },
    [`a middle page (limit 1000, page ${Math.ceil(listed / 2000)})`]: {
      limit: '1000',
      page: `${Math.ceil(listed / 2000)}`,
    },
    [`?status=${BIG_SPARSE_STATUS} (1 in 100), page ${sparsePage} of limit 100`]: {
      status: BIG_SPARSE_STATUS,
      limit: '100',
      page: `${sparsePage}`,
    },
    [rareNames.first]: rare.first,
    [rareNames.last]: rare.last,
    [`?changed_since, ${CHANGED_FEW} changed, page 1 of limit 100`]: { changed_since: since, limit: '100', page: '1' },
    [`?changed_since before the load, page 1 of limit 1000`]: {
      changed_since: '2020-01-01T00:00:00Z',
      limit: '1000',
      page: '1',
    },
  };
  const timed = await time(
    Object.fromEntries(Object.entries(deepest).map(([name, query]) => [name, request(list, asked(query))])),
    setup.sizes.bigPages,
  );
  const across = Math.ceil(big / 50);
  const scattered = await changeBigAcrossBlocks(setup.dynamoDbEndpoint, setup.tables, big, across);
  const acrossName = `?changed_since, ${across} changed across every block, page 1 of limit 100`;
  const acrossTimed = await time(
    { [acrossName]: request(list, asked({ changed_since: scattered, limit: '100', page: '1' })) },
    setup.sizes.bigPages,
  );

  const of = `big owner, ${big} instances`;
  return [
    ratioRow(
      `${of}: page 1 (limit ${PAGE_ONE_LIMIT}) latency vs the whole list's`,
      'ms',
      [median(first.first!.ms)],
      [whole.ms],
      PAGE_ONE_TARGET,
    ),
    ratioRow(
      `${of}: page 1 (limit ${PAGE_ONE_LIMIT}) read units vs the whole list's`,
      'RCU',
      [firstUnits],
      [whole.readUnits],
      PAGE_ONE_TARGET,
    ),
    ratioRow(
      `${of}: ${rareNames.first}, read units vs the whole list's`,
      'RCU',
      [rareUnits.first],
      [whole.readUnits],
      PAGE_ONE_TARGET,
    ),
    valueRow(`${of}: ${rareNames.last}, read units`, rareUnits.last, 'RCU'),
    ...Object.entries({ ...timed, ...acrossTimed }).map(([name, { ms }]) =>
      valueRow(`${of}: ${name}, latency`, median(ms), 'ms', deadlineMs),
    ),
  ];
}
