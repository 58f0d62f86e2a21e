// What the contract says a GET answers, given what is stored and whose token it is: one oracle for every suite that
// knows its data (hostile input, tenancy, end to end, load). It restates docs/contract.md sections 5.1, 5.2 and 7.2
// from the stored instances, independently of lib/: only the status table (section 4, data) is shared.
import type { LambdaInstance } from '../../lib/items.ts';
import { describeStatus, type StatusCode } from '../../lib/statuses.ts';
import { MESSAGE, errorBody } from './contract.ts';

/** Query parameters with every value each was given, as API Gateway's multiValueQueryStringParameters. */
export type QueryValues = Readonly<Record<string, readonly string[] | undefined>>;

/** A test's query (one value or several per name) as QueryValues. */
export function queryValues(query: Readonly<Record<string, string | readonly string[]>> = {}): QueryValues {
  return Object.fromEntries(Object.entries(query).map(([name, values]) => [name, [values].flat()]));
}

export interface Expected {
  status: number;
  body: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A parameter's one value; undefined when absent, null when given several different values (docs/contract.md 5.1). */
export function oneValue(query: QueryValues, name: string): string | undefined | null {
  const values = query[name];
  if (values === undefined || values.length === 0) return undefined;
  return values.every((value) => value === values[0]) ? values[0] : null;
}

const positive = (text: string | null | undefined): number | undefined =>
  text && /^[0-9]+$/.test(text) && Number(text) >= 1 ? Number(text) : undefined;

const error = (status: number, ...details: string[]): Expected => ({
  status,
  body: { errors: details.map((detail) => errorBody(status, detail).errors[0]) },
});

const FAILURES = ['9', '11', '13', '15', '17', '19', '21', '23'];

/** The codes `status=` names (docs/contract.md 7.2), or null when any word is not a code, a message or `failed`. */
function statusesNamed(text: string | null): Set<string> | null {
  if (text === null) return null;
  const codes = new Set<string>();
  for (const word of text.split(',')) {
    if (word.toLowerCase() === 'failed') FAILURES.forEach((code) => codes.add(code));
    else if (/^(?:[0-9]|1[0-9]|2[0-3])$/.test(word)) codes.add(word);
    else {
      const code = Array.from({ length: 24 }, (_, n) => String(n) as StatusCode).find(
        (candidate) => describeStatus(candidate).message === word.toUpperCase(),
      );
      if (code === undefined) return null;
      codes.add(code);
    }
  }
  return codes;
}

/** GET of the list by a verified owner. */
export function expectedList(instances: readonly LambdaInstance[], owner: string, query: QueryValues = {}): Expected {
  const [limitText, pageText] = [oneValue(query, 'limit'), oneValue(query, 'page')];
  const paged = limitText !== undefined || pageText !== undefined;
  const [limit, page] = [positive(limitText), positive(pageText)];
  const statusText = oneValue(query, 'status');
  const statuses = statusText === undefined ? undefined : statusesNamed(statusText);
  const include = oneValue(query, 'include');
  const pagingProblem =
    paged &&
    (limit === undefined || page === undefined ? MESSAGE.badPagination : limit > 1000 && MESSAGE.limitTooLarge);
  const problems = [
    pagingProblem,
    statuses === null && MESSAGE.badStatus,
    include !== undefined && include !== 'status' && MESSAGE.badInclude,
  ].filter((problem) => problem !== false);
  if (problems.length > 0) return error(400, ...problems);

  const matching = instances
    .filter((instance) => instance.owner === owner && instance.status !== '6')
    .filter((instance) => statuses === undefined || statuses?.has(instance.status))
    .sort((a, b) => a.id - b.id)
    .map((instance) => {
      const { uuid, name, id } = instance;
      return include === 'status' ? { uuid, name, id, status: statusBlock(instance) } : { uuid, name, id };
    });
  const shown = paged ? matching.slice((page! - 1) * limit!, page! * limit!) : matching;
  if (shown.length === 0) return error(404, MESSAGE.noInstances);
  const pagination = paged && { page, limit, count: matching.length, pages: Math.ceil(matching.length / limit!) };
  return {
    status: 200,
    body: {
      status: { short_description: 'Lambda instances', code: 200 },
      data: shown,
      ...(pagination && { pagination }),
    },
  };
}

/** The status block of an instance, as the details show it. */
function statusBlock({ status, failureMessage }: LambdaInstance) {
  return { ...describeStatus(status), code: status, ...(failureMessage !== '' && { failure_message: failureMessage }) };
}

/** GET of an instance's details by a verified owner, with the path's id as sent. */
export function expectedDetails(
  instances: readonly LambdaInstance[],
  owner: string,
  id: string,
  query: QueryValues = {},
): Expected {
  const filter = oneValue(query, 'filter');
  if (filter !== undefined && filter !== 'info' && filter !== 'status') return error(400, MESSAGE.badFilter);
  const uuid = UUID.test(id) ? id.toLowerCase() : undefined;
  const instance = instances.find((candidate) => candidate.uuid === uuid && candidate.owner === owner);
  if (!instance) return error(404, MESSAGE.instanceNotFound);
  const info = { instance_info: instance.instanceInfo, id: instance.uuid, name: instance.name };
  const status = statusBlock(instance);
  const views = {
    all: {
      info,
      status,
      applications: instance.applications.map(({ name, started, type, id: app }) => ({ name, started, type, id: app })),
    },
    info: { info },
    status: { status, id: instance.uuid, name: instance.name },
  };
  return {
    status: 200,
    body: { status: { short_description: 'Lambda instance details', code: 200 }, data: [views[filter ?? 'all']] },
  };
}

/**
 * Whether an If-None-Match value holds an entity-tag (docs/contract.md 7.1, RFC 9110 13.1.2): `*` alone holds any;
 * otherwise one of the listed tags has the same opaque part, W/ or not.
 */
export function noneMatchHolds(ifNoneMatch: string, tag: string | undefined): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  if (tag === undefined) return false;
  const listed = [...ifNoneMatch.matchAll(/(?:W\/)?("[^"]*")/g)].map(([, quoted]) => quoted);
  return listed.includes(tag);
}

/** The headers of a CORS answer (docs/contract.md 7.4): on every answer to a listed origin; those of a preflight. */
export const CORS_HEADERS = {
  'access-control-expose-headers': 'ETag, Link, Retry-After, WWW-Authenticate',
};
export const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET',
  'access-control-allow-headers': 'Authorization, Authentication, X-Api-Key, X-Auth-Token, If-None-Match',
  'access-control-max-age': '600',
};
/** What every 200 and 304 carries (docs/contract.md 7.1). */
export const REVALIDATION_HEADERS = { 'cache-control': 'private, no-cache' };
/**
 * What every answer carries besides Content-Type and Cache-Control: the OWASP REST Security Cheat Sheet's set. A
 * page's policies (Permissions-Policy, a document CSP) are the reference page's only.
 */
export const SECURITY_HEADERS = {
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
};
export const CREDENTIAL_VARY = ['Authorization', 'Authentication', 'X-Api-Key', 'X-Auth-Token'];
