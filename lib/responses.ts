// Every response body and header the API sends is shaped here (SPEC section 5).
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { InstanceSummary, LambdaInstance } from './items.ts';
import type { DetailView, Paging } from './requests.ts';
import { describeStatus } from './statuses.ts';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

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

/** The instances shown; with the pagination block of a paged answer, given the number of instances in all. */
export function listBody(shown: readonly InstanceSummary[], paged?: Paging & { count: number }): SuccessBody {
  const body: SuccessBody = {
    status: { short_description: 'Lambda instances', code: 200 },
    data: shown.map(({ uuid, name, id }) => ({ uuid, name, id })),
  };
  if (paged) body.pagination = { ...paged, pages: Math.ceil(paged.count / paged.limit) };
  return body;
}

function infoOf(instance: LambdaInstance) {
  return { instance_info: instance.instanceInfo, id: instance.uuid, name: instance.name };
}

/** An instance's status block: its code with the contract's message and details, and any failure message. */
function statusOf({ status, failureMessage }: Pick<LambdaInstance, 'status' | 'failureMessage'>) {
  const { message, details } = describeStatus(status);
  return { message, code: status, details, ...(failureMessage !== '' && { failure_message: failureMessage }) };
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

export function detailBody(instance: LambdaInstance, view: DetailView): SuccessBody {
  return { status: { short_description: 'Lambda instance details', code: 200 }, data: [detailsOf(instance, view)] };
}
