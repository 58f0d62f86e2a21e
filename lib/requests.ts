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

export interface ListQuery {
  /** One page, when limit and page are given. */
  paging?: Paging;
  /** Only instances of these statuses, when status is given. */
  statuses?: ReadonlySet<StatusCode>;
  /** Each item carries its status block (include=status). */
  withStatus: boolean;
}

const MAX_LIMIT = 1000;

const DECIMAL_INTEGER = /^[0-9]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one value of a parameter or header that may be repeated: undefined when absent, null when it is repeated
 * with different values (ambiguous: a proxy may have looked at one and we at another).
 */
function singleValue(values: readonly string[] | undefined): string | undefined | null {
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

/** include=status: true; absent: false; anything else: null. */
function includeStatus(query: Query): boolean | null {
  const include = singleValue(query.include);
  return include === undefined ? false : include === 'status' || null;
}

/** The list's parameters, or a 400 naming every one that is wrong. */
export function parseListQuery(query: Query): ListQuery {
  const [paging, statuses, withStatus] = [pagination(query), statusFilter(query), includeStatus(query)];
  if (typeof paging === 'string' || statuses === null || withStatus === null) {
    const problems = [
      typeof paging === 'string' && paging,
      statuses === null && BAD_PARAMETER.status,
      withStatus === null && BAD_PARAMETER.include,
    ];
    throw badRequest(...problems.filter((problem) => problem !== false));
  }
  return { ...(paging && { paging }), ...(statuses && { statuses }), withStatus };
}

/** No filter: every part of the details; filter=info or filter=status: that part only; any other value: 400. */
export function parseFilter(query: Query): DetailView {
  const filter = singleValue(query.filter);
  if (filter === undefined) return 'all';
  if (filter === 'info' || filter === 'status') return filter;
  throw badRequest(BAD_PARAMETER.filter);
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
