// Parsing of what a client sends: query parameters, headers and the instance id. Pure functions; a bad parameter
// is a 400 error.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BAD_PARAMETER, badRequest } from './errors.ts';
import { FAILURE_CODES, statusNamed, type StatusCode } from './statuses.ts';

/** Query parameters with every value each one was given (API Gateway's multiValueQueryStringParameters). */
export type Query = Readonly<Record<string, readonly string[] | undefined>>;

export interface Paging {
  page: number;
  limit: number;
}

export type DetailView = 'all' | 'info' | 'status';

export interface DetailQuery {
  view: DetailView;
  /** The instance's timeline is added (include=history). */
  withHistory: boolean;
}

export interface ListQuery {
  /** One page, when limit and page are given. */
  paging?: Paging;
  /** Only instances of these statuses, when status is given. */
  statuses?: ReadonlySet<StatusCode>;
  /** Each item carries its status block (include=status). */
  withStatus: boolean;
  /** Only instances changed at or after this time (changed_since), in the stored format: see parseDateTime. */
  changedSince?: string;
}

const MAX_LIMIT = 1000;

const DECIMAL_INTEGER = /^[0-9]+$/;
/** RFC 3339 section 5.6's date-time; T and Z in either case (its note), any number of fraction digits. */
const RFC3339_DATE_TIME =
  /^(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})T(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})(?:\.(?<fraction>\d+))?(?<zone>Z|[+-]\d{2}:\d{2})$/i;
/** The instants whose UTC form is still an RFC 3339 date-time (a four-digit year). */
const [EARLIEST, LATEST] = [Date.parse('0000-01-01T00:00:00.000Z'), Date.parse('9999-12-31T23:59:59.999Z')];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one value of a parameter or header that may be repeated: undefined when absent, null when it is repeated
 * with different values (ambiguous: a proxy may have looked at one and we at another).
 */
export function singleValue(values: readonly string[] | undefined): string | undefined | null {
  const [first, ...rest] = values ?? [];
  return rest.every((value) => value === first) ? first : null;
}

/** The one value of a header (names in lower case: http-header-normalizer), by the same rule as a parameter. */
export function singleHeader(
  { headers, multiValueHeaders }: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>,
  name: string,
): string | undefined | null {
  const single = headers?.[name];
  return singleValue(multiValueHeaders?.[name] ?? (single === undefined ? undefined : [single]));
}

function positiveInteger(text: string | undefined | null): number | undefined {
  if (!text || !DECIMAL_INTEGER.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 ? value : undefined;
}

/**
 * Neither limit nor page: the whole list. Both, as integers >= 1 with limit at most 1000: one page. Both as such
 * integers but a limit over 1000: that problem's message; anything else: the pagination message.
 */
function pagination(query: Query): Paging | undefined | string {
  const limitText = singleValue(query.limit);
  const pageText = singleValue(query.page);
  if (limitText === undefined && pageText === undefined) return undefined;
  const limit = positiveInteger(limitText);
  const page = positiveInteger(pageText);
  if (limit === undefined || page === undefined) return BAD_PARAMETER.pagination;
  return limit > MAX_LIMIT ? BAD_PARAMETER.limitTooLarge : { page, limit };
}

/** Codes, messages in any case, or `failed` (every failure code), separated by commas; anything else: null. */
function statusFilter(query: Query): ReadonlySet<StatusCode> | undefined | null {
  const text = singleValue(query.status);
  if (text === undefined || text === null) return text;
  const statuses = new Set<StatusCode>();
  for (const word of text.split(',')) {
    const named = word.toLowerCase() === 'failed' ? FAILURE_CODES : [statusNamed(word)];
    for (const code of named) {
      if (code === undefined) return null;
      statuses.add(code);
    }
  }
  return statuses;
}

/** include=<value>: true; absent: false; anything else: null. */
function includes(query: Query, value: string): boolean | null {
  const include = singleValue(query.include);
  return include === undefined ? false : include === value || null;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number): number =>
  month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);

type DateTimeParts = Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'zone', string> & {
  fraction?: string;
};

/**
 * An RFC 3339 date-time as the stored times are written (Date.toISOString(): UTC, milliseconds), so that the two
 * compare as strings in time order; null when the text is not one, names an impossible date (2026-02-30), or names
 * an instant whose UTC form falls outside years 0000-9999. An offset is converted to UTC; a leap second (:60) is the
 * next second's start; digits past the millisecond round up, which is exact: stored times have none, so "at or after
 * 03.4561" is "at or after 03.457".
 */
export function parseDateTime(text: string): string | null {
  const parts = RFC3339_DATE_TIME.exec(text)?.groups as DateTimeParts | undefined;
  if (!parts) return null;
  const { year, month, day, hour, minute, second, fraction = '', zone } = parts;
  // A month of 00 or 13 has no days here; Date.parse answers NaN for the other fields out of range (day 00, minute 60,
  // second 61, an offset of +24:00 or +01:60), but rolls 2026-02-30 over to March and reads hour 24 as midnight.
  if (Number(day) > daysInMonth(Number(year), Number(month)) || Number(hour) > 23) return null;
  const leapSecond = second === '60';
  const millisecond = fraction.slice(0, 3).padEnd(3, '0');
  const instant =
    Date.parse(
      `${year}-${month}-${day}T${hour}:${minute}:${leapSecond ? '59' : second}.${millisecond}${zone.toUpperCase()}`,
    ) +
    (leapSecond ? 1000 : 0) +
    (/[1-9]/.test(fraction.slice(3)) ? 1 : 0);
  return instant >= EARLIEST && instant <= LATEST ? new Date(instant).toISOString() : null;
}

/** changed_since=<RFC 3339 date-time>: that time, as stored; absent: undefined; anything else: null. */
function changedSince(query: Query): string | undefined | null {
  const text = singleValue(query.changed_since);
  return text === undefined || text === null ? text : parseDateTime(text);
}

/** The list's parameters, or a 400 naming every one that is wrong. */
export function parseListQuery(query: Query): ListQuery {
  const [paging, statuses, withStatus, since] = [
    pagination(query),
    statusFilter(query),
    includes(query, 'status'),
    changedSince(query),
  ];
  if (typeof paging === 'string' || statuses === null || withStatus === null || since === null) {
    const problems = [
      typeof paging === 'string' && paging,
      statuses === null && BAD_PARAMETER.status,
      withStatus === null && BAD_PARAMETER.include,
      since === null && BAD_PARAMETER.changedSince,
    ];
    throw badRequest(...problems.filter((problem) => problem !== false));
  }
  return {
    ...(paging && { paging }),
    ...(statuses && { statuses }),
    withStatus,
    ...(since && { changedSince: since }),
  };
}

/** No filter: every part of the details; filter=info or filter=status: that part only; anything else: null. */
function view(query: Query): DetailView | null {
  const filter = singleValue(query.filter);
  if (filter === undefined) return 'all';
  return filter === 'info' || filter === 'status' ? filter : null;
}

/** The details' parameters, or a 400 naming every one that is wrong. */
export function parseDetailQuery(query: Query): DetailQuery {
  const [shown, withHistory] = [view(query), includes(query, 'history')];
  if (shown === null || withHistory === null) {
    const problems = [shown === null && BAD_PARAMETER.filter, withHistory === null && BAD_PARAMETER.detailInclude];
    throw badRequest(...problems.filter((problem) => problem !== false));
  }
  return { view: shown, withHistory };
}

/**
 * The path and query the client asked for, to be asked for again (paging links): API Gateway's
 * requestContext.path keeps the stage prefix (/prod/...) that event.path drops.
 */
export function requestTarget(
  event: Pick<APIGatewayProxyEvent, 'path' | 'requestContext' | 'multiValueQueryStringParameters'>,
): { path: string; query: Query } {
  // requestContext is not optional in the type, but a hand-made event (API Gateway's console test) may lack it.
  const requestContext = event.requestContext as Partial<APIGatewayProxyEvent['requestContext']> | undefined;
  return { path: requestContext?.path ?? event.path, query: event.multiValueQueryStringParameters ?? {} };
}

/** The instance uuid in canonical lower case, or undefined when the id is not a UUID (a 404, not a 400). */
export function parseInstanceId(id: string | undefined): string | undefined {
  return id !== undefined && UUID.test(id) ? id.toLowerCase() : undefined;
}
