// Every response body and header the API sends is shaped here (docs/contract.md section 5).
import type { APIGatewayProxyResult } from 'aws-lambda';
import { CREDENTIAL_HEADERS } from './auth.ts';
import type { InstanceSummary, LambdaInstance, StatusChange, StoredInstance, Timeline } from './items.ts';
import type { DetailQuery, DetailView, Paging, Query } from './requests.ts';
import { describeStatus } from './statuses.ts';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * What every answer carries, the OWASP REST Security Cheat Sheet's set besides Content-Type and Cache-Control: https
 * only, no MIME sniffing, never framed. A page's own policies (the reference page's CSP) are that page's headers.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
};

interface Pagination extends Paging {
  /** Instances in all pages. */
  count: number;
  pages: number;
}

export interface SuccessBody {
  status: { short_description: string; code: 200 };
  data: object[];
  pagination?: Pagination;
}

interface ErrorBody {
  errors: { status: number; detail: string }[];
}

/** Headers that some error statuses require besides the envelope. */
const ERROR_HEADERS: Readonly<Partial<Record<number, Record<string, string>>>> = {
  401: { 'WWW-Authenticate': 'Token' },
  405: { Allow: 'GET' },
  503: { 'Retry-After': '1' },
};

function json(
  statusCode: number,
  body: SuccessBody | ErrorBody,
  headers?: Record<string, string>,
): APIGatewayProxyResult {
  // Answers are per caller and may change at any time: no cache may keep an error (a 200 may be revalidated: ok).
  return {
    statusCode,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** A Vary value naming these fields besides those it already names. */
export function appendVary(vary: string | number | boolean | undefined, fields: string): string {
  return vary === undefined || vary === '' ? fields : `${String(vary)}, ${fields}`;
}

/** The answer depends on whose token it is: a cache must key it by every header a token may come in. */
const VARY_ON_CREDENTIALS = CREDENTIAL_HEADERS.join(', ');

/** A 200 of the API: any cache may keep it for this caller only, and must revalidate it (its ETag) before each use. */
export function ok(body: SuccessBody, headers?: Record<string, string>): APIGatewayProxyResult {
  return json(200, body, { 'Cache-Control': 'private, no-cache', Vary: VARY_ON_CREDENTIALS, ...headers });
}

/** An error answer: one entry per problem found, each with the status. */
export function failure(status: number, ...details: string[]): APIGatewayProxyResult {
  return json(status, { errors: details.map((detail) => ({ status, detail })) }, ERROR_HEADERS[status]);
}

/**
 * One instance of a list, with its status block if asked; an instance read with the time of its last change
 * (changed_since) shows it. The push sends changes in this shape too (docs/contract.md section 7.8).
 */
export function listItem(instance: InstanceSummary, { withStatus }: { withStatus: boolean }): object {
  const { uuid, name, id, updatedAt } = instance;
  return {
    uuid,
    name,
    id,
    ...(withStatus && { status: statusOf(instance) }),
    ...(updatedAt !== undefined && { updated_at: updatedAt }),
  };
}

/** The instances shown, each as listItem shows it. A paged answer adds its pagination block. */
export function listBody(
  shown: readonly InstanceSummary[],
  { paged, withStatus }: { paged?: Paging & { count: number }; withStatus: boolean },
): SuccessBody {
  const body: SuccessBody = {
    status: { short_description: 'Lambda instances', code: 200 },
    data: shown.map((instance) => listItem(instance, { withStatus })),
  };
  if (paged) body.pagination = { ...paged, pages: Math.ceil(paged.count / paged.limit) };
  return body;
}

/**
 * The RFC 8288 Link header of a paged answer: first, last, and prev/next where those pages exist, each the
 * request's own path and query with only `page` changed. Relative references: they resolve against the URL the
 * client used, whatever host, stage prefix or custom domain it went through.
 */
export function pagingLinks({ path, query }: { path: string; query: Query }, { page, pages }: Pagination): string {
  const target = (to: number): string => {
    const parameters = Object.entries({ ...query, page: [String(to)] }).flatMap(([name, values]) =>
      (values ?? []).map((value) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`),
    );
    return `<${path}?${parameters.join('&')}>`;
  };
  const links = [`${target(1)}; rel="first"`];
  if (page > 1) links.push(`${target(page - 1)}; rel="prev"`);
  if (page < pages) links.push(`${target(page + 1)}; rel="next"`);
  links.push(`${target(pages)}; rel="last"`);
  return links.join(', ');
}

function infoOf(instance: LambdaInstance) {
  return { instance_info: instance.instanceInfo, id: instance.uuid, name: instance.name };
}

/** An instance's status block: its code with the contract's message and details, and any failure message. */
function statusOf({ status, failureMessage }: Pick<LambdaInstance, 'status' | 'failureMessage'>) {
  const { message, details } = describeStatus(status);
  return { message, code: status, details, ...(failureMessage !== '' && { failure_message: failureMessage }) };
}

/** One entry of the status history: the status as its block shows it, and when. */
function statusChangeOf({ code, at, failureMessage }: StatusChange) {
  const { message, details } = describeStatus(code);
  return { code, message, details, at, ...(failureMessage !== '' && { failure_message: failureMessage }) };
}

/** include=history (docs/contract.md section 7.7): null times for an instance stored before times were kept. */
function timelineOf({ createdAt, updatedAt, statusHistory }: Timeline) {
  return { created_at: createdAt, updated_at: updatedAt, status_history: statusHistory.map(statusChangeOf) };
}

function detailsOf(instance: LambdaInstance, view: DetailView): object {
  switch (view) {
    case 'info':
      return { info: infoOf(instance) };
    case 'status':
      return { status: statusOf(instance), id: instance.uuid, name: instance.name };
    case 'all':
      return {
        info: infoOf(instance),
        status: statusOf(instance),
        applications: instance.applications.map(({ name, started, type, id }) => ({ name, started, type, id })),
      };
  }
}

export function detailBody(instance: StoredInstance, { view, withHistory }: DetailQuery): SuccessBody {
  const details = { ...detailsOf(instance, view), ...(withHistory && { timeline: timelineOf(instance) }) };
  return { status: { short_description: 'Lambda instance details', code: 200 }, data: [details] };
}
