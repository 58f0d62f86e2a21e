// The list against itself, its token cached: with statuses and status filters (the index projects what they need),
// in a table of many other owners' instances against a near-empty one, the last page of a long list against all of
// it (the page reads the instances before it in its block of ids, no more), and what changed of the long list
// (changed_since) against all of it. That each reads no more than it should is
// tests/integration/read-costs.test.ts's; here, what it takes.
import { PAGED_TOKEN, TOKEN, changeFirst } from '../data.ts';
import { ratioRow, type Row } from '../rows.ts';
import { auth, functions, readUnits, request, same, type Setup } from '../setup.ts';
import { time } from '../timing.ts';

const STATUSES_TARGET = 1.1;
const SCALE_TARGET = 1.2;
/** A page reads at most its block's instances before it and itself: never more than the whole list. */
const PAGE_TARGET = 1;
const PAGE_LIMIT = '20';
/** Of the long list, this many change; their list may take a fifth of the whole list's time, a tenth of its reads. */
const CHANGED = 5;
const CHANGES_LATENCY_TARGET = 0.2;
const CHANGES_READ_UNITS_TARGET = 0.1;

/** Queries of the owner's list, all CLUSTER_FAILED: `failed` keeps every instance, PENDING none (the list's 404). */
const VARIANTS = {
  'include=status': { query: { include: 'status' }, status: 200 },
  'status=failed&include=status': { query: { status: 'failed', include: 'status' }, status: 200 },
  'status=PENDING': { query: { status: 'PENDING' }, status: 404 },
};

export async function lists(setup: Setup): Promise<Row[]> {
  const { list } = functions(setup);
  const small = functions(setup, { tables: setup.smallTables }).list;
  const plain = same({ headers: auth(TOKEN) });
  const statuses = await time(
    {
      list: request(list, plain),
      ...Object.fromEntries(
        Object.entries(VARIANTS).map(([name, { query, status }]) => [
          name,
          request(list, same({ headers: auth(TOKEN), query }), status),
        ]),
      ),
    },
    setup.sizes.warm,
  );
  const scale = await time({ full: request(list, plain), small: request(small, plain) }, setup.sizes.warm);
  const { lastPage } = setup.sizes;
  const last = same({ headers: auth(PAGED_TOKEN), query: { limit: PAGE_LIMIT, page: `${lastPage}` } });
  const whole = { headers: auth(PAGED_TOKEN) };
  const pages = await time({ last: request(list, last), whole: request(list, same(whole)) }, setup.sizes.pages);
  const since = await changeFirst(setup.dynamoDbEndpoint, setup.tables, 'paged', CHANGED);
  const changes = { headers: auth(PAGED_TOKEN), query: { changed_since: since } };
  const changed = await time(
    { whole: request(list, same(whole)), changes: request(list, same(changes)) },
    setup.sizes.pages,
  );
  const counted = functions(setup, { endpoint: setup.proxy.endpoint }).list;
  const units = {
    whole: await readUnits(counted, whole, setup.proxy),
    changes: await readUnits(counted, changes, setup.proxy),
  };
  const changedOf = `list ?changed_since, ${CHANGED} of ${setup.sizes.paged} changed`;
  return [
    ...Object.keys(VARIANTS).map((name) =>
      ratioRow(
        `list ?${name}: latency vs the plain list`,
        'ms',
        statuses[name]!.ms,
        statuses.list!.ms,
        STATUSES_TARGET,
      ),
    ),
    ratioRow(
      `scale: list latency, ${setup.sizes.others + setup.sizes.big} other instances in the table vs 10`,
      'ms',
      scale.full!.ms,
      scale.small!.ms,
      SCALE_TARGET,
    ),
    ratioRow(
      `page N: page ${lastPage} of ${setup.sizes.paged} instances vs the whole list, latency`,
      'ms',
      pages.last!.ms,
      pages.whole!.ms,
      PAGE_TARGET,
    ),
    ratioRow(
      `${changedOf}: latency vs the plain list`,
      'ms',
      changed.changes!.ms,
      changed.whole!.ms,
      CHANGES_LATENCY_TARGET,
    ),
    ratioRow(
      `${changedOf}: read units vs the plain list`,
      'RCU',
      [units.changes],
      [units.whole],
      CHANGES_READ_UNITS_TARGET,
    ),
  ];
}
