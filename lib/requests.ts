// Parsing of what a client sends: query parameters, headers and the instance id. Pure functions; a bad parameter
// is a 400 error.
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { badFilter, badPagination } from './errors.ts';

/** Query parameters with every value each one was given (API Gateway's multiValueQueryStringParameters). */
export type Query = Readonly<Record<string, readonly string[] | undefined>>;

export interface Paging {
  page: number;
  limit: number;
}

export type DetailView = 'all' | 'info' | 'status';

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

/** Neither limit nor page: the whole list. Both, as integers >= 1 (limit <= 1000): one page. Anything else: 400. */
export function parsePagination(query: Query): Paging | undefined {
  const limitText = singleValue(query.limit);
  const pageText = singleValue(query.page);
  if (limitText === undefined && pageText === undefined) return undefined;
  const limit = positiveInteger(limitText);
  const page = positiveInteger(pageText);
  if (limit === undefined || page === undefined || limit > MAX_LIMIT) throw badPagination();
  return { page, limit };
}

/** No filter: every part of the details; filter=info or filter=status: that part only; any other value: 400. */
export function parseFilter(query: Query): DetailView {
  const filter = singleValue(query.filter);
  if (filter === undefined) return 'all';
  if (filter === 'info' || filter === 'status') return filter;
  throw badFilter();
}

/** The instance uuid in canonical lower case, or undefined when the id is not a UUID (a 404, not a 400). */
export function parseInstanceId(id: string | undefined): string | undefined {
  return id !== undefined && UUID.test(id) ? id.toLowerCase() : undefined;
}
