// What the contract says a GET answers, given what is stored and whose token it is: one oracle for every suite that
// knows its data (hostile input, tenancy, end to end, load). It restates docs/contract.md sections 5.1, 5.2, 7.2 and
// 7.7 from the stored instances, independently of lib/: only the status table (section 4, data) is shared.
import type { LambdaInstance, Timeline } from '../../lib/items.ts';
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

/** An instance as the oracle knows it: its times where the suite read them back from the table (section 7.7). */
export type KnownInstance = LambdaInstance & Partial<Timeline>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A parameter's one value; undefined when absent, null when given several different values (docs/contract.md
 * section 5.1).
 */
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

/**
 * The codes `status=` names (docs/contract.md section 7.2), or null when any word is not a code, a message or
 * `failed`.
 */
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

/**
 * The instant an RFC 3339 date-time names, in milliseconds with any finer digits as a fraction (docs/contract.md
 * 7.7); null when it is not one, names a date that does not exist, or falls outside years 0000-9999 in UTC. The
 * calendar check lets Date roll an impossible date over (30 February becomes 2 March) and sees that it did.
 */
function instantOf(text: string): number | null {
  const match = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(\.\d+)?(?:[Zz]|([+-])(\d\d):(\d\d))$/.exec(text);
  if (!match) return null;
  const number = (group: number): number => Number(match[group] ?? 0);
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map(number) as [number, ...number[]];
  const date = new Date(0);
  date.setUTCFullYear(year, month! - 1, day);
  date.setUTCHours(hour!, minute);
  const rolledOver =
    [
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
    ].join() !== [year, month, day, hour, minute].join();
  if (rolledOver || second! > 60 || number(9) > 23 || number(10) > 59) return null;
  const offset = (match[8] === '-' ? -1 : 1) * (number(9) * 60 + number(10)) * 60_000;
  const instant = date.getTime() + (second! + Number(`0${match[7] ?? ''}`)) * 1000 - offset;
  const [first, afterLast] = [new Date(0).setUTCFullYear(0, 0, 1), new Date(0).setUTCFullYear(10_000, 0, 1)];
  return instant >= first && instant < afterLast ? instant : null;
}

/**
 * The owner's instances a list holds, in id order (docs/contract.md sections 5.1, 7.2 and 7.7): without a time, all
 * but DESTROYED; with one (epoch milliseconds), those whose updatedAt is at or after it, DESTROYED included; of these
 * statuses only, when given.
 */
export function listedInstances(
  instances: readonly KnownInstance[],
  owner: string,
  { since, statuses }: { since?: number | undefined; statuses?: ReadonlySet<string> | undefined } = {},
): KnownInstance[] {
  const changed = (instance: KnownInstance) =>
    typeof instance.updatedAt === 'string' && Date.parse(instance.updatedAt) >= since!;
  return instances
    .filter((instance) => instance.owner === owner)
    .filter((instance) => (since === undefined ? instance.status !== '6' : changed(instance)))
    .filter((instance) => statuses === undefined || statuses.has(instance.status))
    .sort((a, b) => a.id - b.id);
}

/** Page `page` of `limit` items (page 2 of limit 2 is the 3rd and 4th): empty past the last one. */
export const pageOf = <T>(items: readonly T[], { page, limit }: { page: number; limit: number }): T[] =>
  items.slice((page - 1) * limit, page * limit);

/** GET of the list by a verified owner. */
export function expectedList(instances: readonly KnownInstance[], owner: string, query: QueryValues = {}): Expected {
  const [limitText, pageText] = [oneValue(query, 'limit'), oneValue(query, 'page')];
  const paged = limitText !== undefined || pageText !== undefined;
  const [limit, page] = [positive(limitText), positive(pageText)];
  const statusText = oneValue(query, 'status');
  const statuses = statusText === undefined ? undefined : statusesNamed(statusText);
  const include = oneValue(query, 'include');
  const sinceText = oneValue(query, 'changed_since');
  const since = sinceText === undefined ? undefined : sinceText === null ? null : instantOf(sinceText);
  const pagingProblem =
    paged &&
    (limit === undefined || page === undefined ? MESSAGE.badPagination : limit > 1000 && MESSAGE.limitTooLarge);
  const problems = [
    pagingProblem,
    statuses === null && MESSAGE.badStatus,
    include !== undefined && include !== 'status' && MESSAGE.badInclude,
    since === null && MESSAGE.badChangedSince,
  ].filter((problem) => problem !== false);
  if (problems.length > 0) return error(400, ...problems);

  // changed_since: what changed at or after that instant, DESTROYED included, each with its status and time.
  const matching = listedInstances(instances, owner, {
    since: since ?? undefined,
    statuses: statuses ?? undefined,
  }).map((instance) => {
    const { uuid, name, id } = instance;
    return {
      uuid,
      name,
      id,
      ...((include === 'status' || since !== undefined) && { status: statusBlock(instance) }),
      ...(since !== undefined && { updated_at: instance.updatedAt }),
    };
  });
  const shown = paged ? pageOf(matching, { page: page!, limit: limit! }) : matching;
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

/** include=history's timeline (docs/contract.md section 7.7): nulls and [] where the instance has no times. */
function timeline({ createdAt = null, updatedAt = null, statusHistory = [] }: KnownInstance) {
  return {
    created_at: createdAt,
    updated_at: updatedAt,
    status_history: statusHistory.map(({ code, at, failureMessage }) => ({
      code,
      ...describeStatus(code),
      at,
      ...(failureMessage !== '' && { failure_message: failureMessage }),
    })),
  };
}

/** GET of an instance's details by a verified owner, with the path's id as sent. */
export function expectedDetails(
  instances: readonly KnownInstance[],
  owner: string,
  id: string,
  query: QueryValues = {},
): Expected {
  const filter = oneValue(query, 'filter');
  const include = oneValue(query, 'include');
  const problems = [
    filter !== undefined && filter !== 'info' && filter !== 'status' && MESSAGE.badFilter,
    include !== undefined && include !== 'history' && MESSAGE.badDetailInclude,
  ].filter((problem) => problem !== false);
  if (problems.length > 0) return error(400, ...problems);
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
  const shown = { ...views[(filter ?? 'all') as keyof typeof views], ...(include && { timeline: timeline(instance) }) };
  return { status: 200, body: { status: { short_description: 'Lambda instance details', code: 200 }, data: [shown] } };
}

/**
 * The entity-tags of an If-None-Match list, or undefined when the value is no such list (RFC 9110 sections 5.6.1 and
 * 8.8.3): tags (W/ or not) of etagc characters, separated by commas with optional white space; empty elements count
 * for nothing.
 */
function listedTags(ifNoneMatch: string): string[] | undefined {
  const tags: string[] = [];
  let rest = ifNoneMatch.replace(/^[ \t]+/, '');
  for (;;) {
    const tag = /^(?:W\/)?("[\x21\x23-\x7e\x80-\xff]*")[ \t]*/.exec(rest);
    if (tag) {
      tags.push(tag[1]!);
      rest = rest.slice(tag[0].length);
    }
    if (rest === '') return tags;
    if (!rest.startsWith(',')) return undefined;
    rest = rest.slice(1).replace(/^[ \t]+/, '');
  }
}

/**
 * Whether an If-None-Match value holds an entity-tag (docs/contract.md section 7.1, RFC 9110 13.1.2): `*` alone holds any;
 * otherwise one of the listed tags has the same opaque part, W/ or not. A value that is neither holds none
 * (docs/decisions.md).
 */
export function noneMatchHolds(ifNoneMatch: string, tag: string | undefined): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  return tag !== undefined && (listedTags(ifNoneMatch)?.includes(tag) ?? false);
}

/**
 * The headers of a CORS answer (docs/contract.md section 7.4): on every answer to a listed origin; those of a
 * preflight.
 */
export const CORS_HEADERS = {
  'access-control-expose-headers': 'ETag, Link, Retry-After, WWW-Authenticate',
};
export const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'GET',
  'access-control-allow-headers': 'Authorization, Authentication, X-Api-Key, X-Auth-Token, If-None-Match',
  'access-control-max-age': '600',
};
/** What every 200 and 304 carries (docs/contract.md section 7.1). */
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
/** What a 304 poll from a listed origin carries (docs/contract.md section 7.1): caching, CORS and security headers. */
export const NOT_MODIFIED_HEADERS = [
  'etag',
  'cache-control',
  'vary',
  'access-control-allow-origin',
  'access-control-expose-headers',
  ...Object.keys(SECURITY_HEADERS),
];
/** The bytes of these headers on the wire, as `name: value` lines. */
export const headerBytes = (headers: Iterable<[string, string]>): number =>
  [...headers].reduce((sum, [name, value]) => sum + Buffer.byteLength(`${name}: ${value}\r\n`), 0);
export const CREDENTIAL_VARY = ['Authorization', 'Authentication', 'X-Api-Key', 'X-Auth-Token'];
