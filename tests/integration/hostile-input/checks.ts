// What every answer to a hostile request must be (SPEC section 5, openapi.yaml), and, where the request's verdict
// settles it, exactly what the shared oracle says it is.
import { isDeepStrictEqual } from 'node:util';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { SAMPLE_INSTANCES } from '../../../scripts/sample-data.ts';
import { ERROR_HEADERS, JSON_CONTENT_TYPE, MESSAGE, errorBody } from '../../support/contract.ts';
import { openApiViolations } from '../../support/openapi.ts';
import { expectedDetails, expectedList, oneValue } from '../../support/oracle.ts';
import { TEMPLATES, credentialVerdict, possibleOwners, queryValues, type HostileRequest } from './requests.ts';

/** The fixed messages each error status may carry. */
const DETAILS: Readonly<Record<number, readonly string[]>> = {
  400: [MESSAGE.badPagination, MESSAGE.badFilter],
  401: [MESSAGE.unauthorized],
  404: [MESSAGE.instanceNotFound, MESSAGE.noInstances],
  405: [MESSAGE.methodNotAllowed],
};
/** Headers every answer carries, whatever was asked. */
const FIXED_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/** The answer where the request settles it: the status, and the body where the oracle knows it. */
export interface Expected {
  status?: number;
  body?: unknown;
}

export const UNAUTHORIZED: Expected = { status: 401, body: errorBody(401, MESSAGE.unauthorized) };

export function expectedAnswer(request: HostileRequest): Expected {
  if (request.method !== 'GET') return { status: 405, body: errorBody(405, MESSAGE.methodNotAllowed) };
  const verdict = credentialVerdict(request);
  if (verdict === undefined || verdict === 'several') return {};
  if ('refused' in verdict) return UNAUTHORIZED;
  const query = queryValues(request);
  const expected =
    request.endpoint === 'list'
      ? expectedList(SAMPLE_INSTANCES, verdict.owner, query)
      : expectedDetails(SAMPLE_INSTANCES, verdict.owner, request.id, query);
  // A details 200 is checked by its invariants (checkDetails), its body being the stored instance's.
  return request.endpoint === 'detail' && expected.status === 200 ? { status: 200 } : expected;
}

export const compact = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 600 ? `${text.slice(0, 600)}... (${text.length} chars)` : text;
};

export interface Outcome {
  status: number | 'threw';
  problems: string[];
  /** Whether the oracle knew the exact status (otherwise only the invariant was checked). */
  exact?: boolean;
}

export function check(
  request: HostileRequest,
  answer: { response?: APIGatewayProxyResult; thrown?: unknown },
  allowed: ReadonlySet<number>,
  expected: Expected,
): Outcome {
  const { response } = answer;
  if (!response)
    return {
      status: 'threw',
      problems: [`the handler threw instead of answering: ${String(answer.thrown)}`],
      exact: expected.status !== undefined,
    };
  const problems: string[] = [];
  const status = response.statusCode;
  if (!allowed.has(status)) problems.push(`status ${status} is not one of ${[...allowed].join('/')}`);
  if (expected.status !== undefined && status !== expected.status)
    problems.push(`status ${status}, expected ${expected.status}`);

  const headers = new Headers(Object.entries(response.headers ?? {}).map(([name, value]) => [name, String(value)]));
  if (headers.get('content-type') !== JSON_CONTENT_TYPE) problems.push(`Content-Type ${headers.get('content-type')}`);
  for (const [name, value] of Object.entries(FIXED_HEADERS))
    if (headers.get(name) !== value) problems.push(`${name}: ${headers.get(name)}`);
  const required = ERROR_HEADERS[status];
  if (required && headers.get(required[0]) !== required[1])
    problems.push(`${required[0]}: ${headers.get(required[0])}, expected ${required[1]}`);
  if (response.multiValueHeaders) problems.push('multiValueHeaders in the response');

  if (response.body.includes('<')) problems.push('the body contains "<"');
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    problems.push(`the body is not JSON: ${compact(response.body)}`);
    return { status, problems, exact: expected.status !== undefined };
  }
  const template = TEMPLATES[request.endpoint][request.prefix];
  problems.push(...openApiViolations(template, { status, headers, body }).map((violation) => `openapi: ${violation}`));

  if (status === 200) {
    const success = body as { status?: { code?: unknown }; data?: unknown; pagination?: unknown };
    if (success.status?.code !== 200) problems.push('status.code is not 200');
    if (!Array.isArray(success.data)) problems.push('data is not an array');
    const paged =
      request.endpoint === 'list' &&
      (oneValue(queryValues(request), 'limit') !== undefined || oneValue(queryValues(request), 'page') !== undefined);
    if ((success.pagination !== undefined) !== paged) problems.push(`pagination ${paged ? 'missing' : 'unexpected'}`);
    problems.push(...(request.endpoint === 'detail' ? checkDetails(request, body) : checkList(request, body)));
  } else {
    const errors = (body as { errors?: { status?: unknown; detail?: unknown }[] }).errors;
    const [first] = errors ?? [];
    if (!first || errors?.length !== 1) problems.push('not exactly one error');
    else {
      if (first.status !== status)
        problems.push(`errors[0].status ${String(first.status)} differs from the HTTP status ${status}`);
      const known = DETAILS[status];
      // The 503's message is not fixed by the contract: it must still be a fixed text, not the request's input.
      if (known ? !known.includes(String(first.detail)) : echoes(request, String(first.detail))) {
        problems.push(`detail ${compact(first.detail)} is not a fixed message of the contract`);
      }
    }
  }
  if (expected.body !== undefined && !isDeepStrictEqual(body, expected.body)) {
    problems.push(`body ${compact(body)}, expected ${compact(expected.body)}`);
  }
  return { status, problems, exact: expected.status !== undefined };
}

/** Whether a text repeats a piece (8+ characters) of the request's id, query or header values. */
function echoes(request: HostileRequest, text: string): boolean {
  const inputs = [
    request.id,
    ...request.query.flatMap(([key, values]) => [key, ...values]),
    ...request.headers.map(({ value }) => value),
  ];
  return inputs.some((input) => input.length >= 8 && text.includes(input));
}

/** A list 200: instances of one owner who may be answered, none DESTROYED, in id order. */
function checkList(request: HostileRequest, body: unknown): string[] {
  const owners = possibleOwners(request);
  const data = (body as { data: { uuid?: string }[] }).data;
  const answered = data.map(({ uuid }) => SAMPLE_INSTANCES.find((instance) => instance.uuid === uuid));
  const problems: string[] = [];
  for (const [index, instance] of answered.entries()) {
    if (!instance) problems.push(`listed an unknown instance ${String(data[index]?.uuid)}`);
    else if (!owners.includes(instance.owner))
      problems.push(`FOREIGN READ: listed ${instance.uuid} of ${instance.owner} to ${owners.join(',') || 'nobody'}`);
    else if (instance.status === '6') problems.push(`listed the DESTROYED ${instance.uuid}`);
  }
  if (new Set(answered.map((instance) => instance?.owner)).size > 1)
    problems.push('listed instances of several owners');
  const ids = answered.map((instance) => instance?.id ?? 0);
  if (ids.some((id, index) => index > 0 && id <= ids[index - 1]!)) problems.push(`not in id order: ${ids.join(',')}`);
  return problems;
}

/** A detail 200: the caller's own instance, the id in canonical lower case, the view the filter asked for. */
function checkDetails(request: HostileRequest, body: unknown): string[] {
  const owners = possibleOwners(request);
  const [details] = (body as { data: Record<string, { id?: string }>[] }).data;
  const id = details?.info?.id ?? (details as { id?: string } | undefined)?.id;
  const instance = SAMPLE_INSTANCES.find(({ uuid }) => uuid === id);
  const problems: string[] = [];
  if (!instance) problems.push(`answered an unknown instance ${String(id)}`);
  else {
    if (!owners.includes(instance.owner))
      problems.push(`FOREIGN READ: answered ${instance.uuid} of ${instance.owner} to ${owners.join(',') || 'nobody'}`);
    if (instance.uuid !== request.id.toLowerCase())
      problems.push(`answered ${instance.uuid} for id ${compact(request.id)}`);
  }
  const filter = oneValue(queryValues(request), 'filter') ?? 'all';
  const keys = Object.keys(details ?? {})
    .sort()
    .join(',');
  const wanted = { all: 'applications,info,status', info: 'info', status: 'id,name,status' }[filter];
  if (keys !== wanted) problems.push(`details keys ${keys} for filter ${filter}`);
  return problems;
}
