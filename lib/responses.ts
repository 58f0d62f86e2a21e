// Every response body and header the API sends is shaped here (SPEC section 5).
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { InstanceSummary, LambdaInstance } from './data.ts';
import type { DetailView, Paging } from './requests.ts';
import { describeStatus } from './statuses.ts';
import { noInstancesFound } from './errors.ts';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export interface Pagination extends Paging {
  /** Instances in all pages. */
  count: number;
  pages: number;
}

export interface SuccessBody {
  status: { short_description: string; code: 200 };
  data: object[];
  pagination?: Pagination;
}

export interface ErrorBody {
  errors: { status: number; detail: string }[];
}

/** Headers that some error statuses require besides the envelope. */
const ERROR_HEADERS: Readonly<Partial<Record<number, Record<string, string>>>> = {
  401: { 'WWW-Authenticate': 'Token' },
  405: { Allow: 'GET' },
  503: { 'Retry-After': '1' },
};

function json(statusCode: number, body: SuccessBody | ErrorBody, headers?: Record<string, string>): APIGatewayProxyResult {
  // Answers are per caller and may change at any time: no cache may keep them.
  return {
    statusCode,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

export function ok(body: SuccessBody): APIGatewayProxyResult {
  return json(200, body);
}

export function failure(status: number, detail: string): APIGatewayProxyResult {
  return json(status, { errors: [{ status, detail }] }, ERROR_HEADERS[status]);
}

/** The whole list, or one page of it with its pagination block; an empty answer is a 404. */
export function listBody(summaries: readonly InstanceSummary[], paging: Paging | undefined): SuccessBody {
  const start = paging ? (paging.page - 1) * paging.limit : 0;
  const selected = paging ? summaries.slice(start, start + paging.limit) : summaries;
  if (selected.length === 0) throw noInstancesFound();
  const body: SuccessBody = {
    status: { short_description: 'Lambda instances', code: 200 },
    data: selected.map(({ uuid, name, id }) => ({ uuid, name, id })),
  };
  if (paging) {
    const count = summaries.length;
    body.pagination = { ...paging, count, pages: Math.ceil(count / paging.limit) };
  }
  return body;
}

export function detailBody(instance: LambdaInstance, view: DetailView): SuccessBody {
  const info = { instance_info: instance.instanceInfo, id: instance.uuid, name: instance.name };
  const { message, details: statusDetails } = describeStatus(instance.status);
  const status = {
    message,
    code: instance.status,
    details: statusDetails,
    ...(instance.failureMessage !== '' && { failure_message: instance.failureMessage }),
  };
  const details =
    view === 'info'
      ? { info }
      : view === 'status'
        ? { status, id: instance.uuid, name: instance.name }
        : {
            info,
            status,
            applications: instance.applications.map(({ name, started, type, id }) => ({ name, started, type, id })),
          };
  return { status: { short_description: 'Lambda instance details', code: 200 }, data: [details] };
}
