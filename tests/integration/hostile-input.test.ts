// Hostile input, property-based: generated API Gateway (REST, payload 1.0) events with arbitrary path ids, query
// strings and headers go through the real handlers on DynamoDB Local. Every answer must be 200/400/401/404 (405 for
// another method, 503 on an injected DynamoDB fault) with a valid JSON envelope (SPEC section 5, openapi.yaml),
// never a 500, never an exception, never input echoed back. Where docs/decisions.md settles the outcome, the exact
// status (and, for the lists, the exact body) is checked too.
//
// Seeded: FUZZ_SEED=<n> replays another run; a failure prints the seed and fast-check's shrunk counterexample.
import { isDeepStrictEqual } from 'node:util';
import type { APIGatewayProxyResult } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, describe, expect, inject, it, vi } from 'vitest';
import { OWNER_ONE, OWNER_TWO, SAMPLE_INSTANCES, SAMPLE_TOKENS } from '../../scripts/sample-data.ts';
import { EMPTY_OWNER, TOKENS } from '../fixtures/tenancy.ts';
import { testApi } from '../support/api.ts';
import { apiEvent, lambdaContext } from '../support/events.ts';
import { startFaultProxy } from '../support/fault-proxy.ts';
import { openApiViolations } from '../support/openapi.ts';

// The handlers' DynamoDB traffic goes through a loopback proxy that can cut it (the injected fault).
const proxy = await startFaultProxy(inject('dynamoDbEndpoint'));
const { list, detail } = await testApi({ sampleData: true, dynamoDbEndpoint: proxy.endpoint });

const SEED = Number(process.env.FUZZ_SEED ?? 20_240_611);
/** FUZZ_SCALE=10 for a deeper run (the default keeps the file well under a minute). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RUNS = {
  detail: 4000 * SCALE,
  list: 4000 * SCALE,
  headers: 4000 * SCALE,
  severalCredentials: 300,
  fault: 40,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// The contract's fixed answers.

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const DETAILS: Readonly<Record<number, readonly string[]>> = {
  400: [
    'limit and page must both be given as positive integers.',
    'filter GET parameter can be used with values status or info.',
  ],
  401: ['Unauthorized. Request failed because user provided an invalid token.'],
  404: ["The specified lambda instance doesn't exist.", 'No lambda instances found.'],
  405: ['Method not allowed. This resource answers GET only.'],
};
const BAD_PAGINATION = DETAILS[400]![0]!;
const BAD_FILTER = DETAILS[400]![1]!;
const UNAUTHORIZED = DETAILS[401]![0]!;
const INSTANCE_NOT_FOUND = DETAILS[404]![0]!;
const NO_INSTANCES = DETAILS[404]![1]!;
const METHOD_NOT_ALLOWED = DETAILS[405]![0]!;
const REQUIRED_HEADERS: Readonly<Record<number, readonly [string, string]>> = {
  401: ['WWW-Authenticate', 'Token'],
  405: ['Allow', 'GET'],
  503: ['Retry-After', '1'],
};
/** Headers every answer carries, whatever was asked. */
const FIXED_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

// ---------------------------------------------------------------------------------------------------------------
// The data the oracle knows: the sample data and the fixtures' accounts.

const VALID_TOKENS: readonly { token: string; owner: string }[] = [
  ...SAMPLE_TOKENS.map(({ token, owner }) => ({ token, owner })),
  { token: TOKENS.notExpiredYet, owner: OWNER_ONE },
  { token: TOKENS.emptyOwner, owner: EMPTY_OWNER },
];
const REFUSED_TOKENS = [
  TOKENS.revoked,
  TOKENS.expired,
  `${SAMPLE_TOKENS[0]!.token.slice(0, -1)}Z`,
  'unknown-but-well-formed',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ALL_UUIDS = SAMPLE_INSTANCES.map(({ uuid }) => uuid);
const listedOf = (owner: string) =>
  SAMPLE_INSTANCES.filter((instance) => instance.owner === owner && instance.status !== '6')
    .sort((a, b) => a.id - b.id)
    .map(({ uuid, name, id }) => ({ uuid, name, id }));

// ---------------------------------------------------------------------------------------------------------------
// Requests.

type Endpoint = 'list' | 'detail';
/** What the credential must lead to: the owner, a 401 after a lookup, a 401 without one, or a 401 of either kind. */
type Verdict = { owner: string } | { refused: 'lookup' | 'no-lookup' | 'either' };
interface HeaderLine {
  name: string;
  value: string;
  /** Set on Authorization, Authentication and X-Api-Key lines whose outcome the generator knows. */
  verdict?: Verdict;
}
interface HostileRequest {
  endpoint: Endpoint;
  method: string;
  prefix: '/api' | '/backend';
  slash: boolean;
  id: string;
  /** Query parameters in order, each with every value it was given. */
  query: [string, string[]][];
  headers: HeaderLine[];
}

const CREDENTIAL_NAMES = ['authorization', 'authentication', 'x-api-key'] as const;
const TEMPLATES: Record<Endpoint, Record<HostileRequest['prefix'], string>> = {
  list: { '/api': '/api/lambda-instances', '/backend': '/backend/lambda-instances' },
  detail: { '/api': '/api/lambda-instances/{id}', '/backend': '/backend/lambda-instances/{id}' },
};

/** Groups header lines by name, case-insensitively, as API Gateway does: the first spelling names the header. */
function groupHeaders(lines: readonly HeaderLine[]): Map<string, { name: string; lines: HeaderLine[] }> {
  const groups = new Map<string, { name: string; lines: HeaderLine[] }>();
  for (const line of lines) {
    const key = line.name.toLowerCase();
    const group = groups.get(key) ?? { name: line.name, lines: [] };
    group.lines.push(line);
    groups.set(key, group);
  }
  return groups;
}

/** The API Gateway event: headers/multiValueHeaders and queryStringParameters/multiValue... consistent. */
function toEvent(request: HostileRequest) {
  const headers = Object.fromEntries(
    [...groupHeaders(request.headers).values()].map(({ name, lines }) => [name, lines.map(({ value }) => value)]),
  );
  const resource = TEMPLATES[request.endpoint][request.prefix];
  const path = `${resource.replace('{id}', request.id)}${request.slash ? '/' : ''}`;
  return apiEvent({
    method: request.method,
    headers,
    ...(request.query.length > 0 && { query: Object.fromEntries(request.query) }),
    ...(request.endpoint === 'detail' && { id: request.id }),
    resource,
    path,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The oracle: what docs/decisions.md and openapi.yaml say the answer is, where they settle it.

interface Expected {
  status?: number;
  body?: unknown;
}

/** The credential that is read: the first of Authorization, Authentication, X-Api-Key present; undefined: open. */
function credentialVerdict(request: HostileRequest): Verdict | 'several' | undefined {
  const groups = groupHeaders(request.headers);
  for (const name of CREDENTIAL_NAMES) {
    const group = groups.get(name);
    if (!group) continue;
    const values = new Set(group.lines.map(({ value }) => value));
    if (values.size > 1) return 'several';
    return group.lines[0]!.verdict;
  }
  return { refused: 'no-lookup' };
}

function singleValue(query: HostileRequest['query'], name: string): string | undefined | null {
  const values = query.find(([key]) => key === name)?.[1];
  if (values === undefined) return undefined;
  return values.every((value) => value === values[0]) ? values[0] : null;
}

const positive = (text: string | null | undefined): number | undefined =>
  text && /^[0-9]+$/.test(text) && Number(text) >= 1 ? Number(text) : undefined;

function expectedAnswer(request: HostileRequest): Expected {
  if (request.method !== 'GET') return { status: 405, body: { errors: [{ status: 405, detail: METHOD_NOT_ALLOWED }] } };
  const verdict = credentialVerdict(request);
  if (verdict === undefined || verdict === 'several') return {};
  if ('refused' in verdict) return { status: 401, body: { errors: [{ status: 401, detail: UNAUTHORIZED }] } };
  const error = (status: number, detail: string): Expected => ({ status, body: { errors: [{ status, detail }] } });
  if (request.endpoint === 'list') {
    const limitText = singleValue(request.query, 'limit');
    const pageText = singleValue(request.query, 'page');
    const listed = listedOf(verdict.owner);
    const success = (data: object[], pagination?: object): Expected => ({
      status: 200,
      body: { status: { short_description: 'Lambda instances', code: 200 }, data, ...(pagination && { pagination }) },
    });
    if (limitText === undefined && pageText === undefined) {
      return listed.length === 0 ? error(404, NO_INSTANCES) : success(listed);
    }
    const limit = positive(limitText);
    const page = positive(pageText);
    if (limit === undefined || page === undefined || limit > 1000) return error(400, BAD_PAGINATION);
    const slice = page > listed.length ? [] : listed.slice((page - 1) * limit, page * limit);
    if (slice.length === 0) return error(404, NO_INSTANCES);
    return success(slice, { page, limit, count: listed.length, pages: Math.ceil(listed.length / limit) });
  }
  const filter = singleValue(request.query, 'filter');
  if (filter !== undefined && filter !== 'info' && filter !== 'status') return error(400, BAD_FILTER);
  const uuid = UUID.test(request.id) ? request.id.toLowerCase() : undefined;
  const own = SAMPLE_INSTANCES.find((instance) => instance.uuid === uuid && instance.owner === verdict.owner);
  return own ? { status: 200 } : error(404, INSTANCE_NOT_FOUND);
}

// ---------------------------------------------------------------------------------------------------------------
// Checking one answer.

const compact = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 600 ? `${text.slice(0, 600)}... (${text.length} chars)` : text;
};

interface Outcome {
  status: number | 'threw';
  problems: string[];
  /** Whether the oracle knew the exact status (otherwise only the invariant was checked). */
  exact?: boolean;
}

async function send(request: HostileRequest): Promise<{ response?: APIGatewayProxyResult; thrown?: unknown }> {
  const handler = request.endpoint === 'list' ? list : detail;
  try {
    return { response: await handler(toEvent(request), lambdaContext()) };
  } catch (thrown) {
    return { thrown };
  }
}

function check(
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
  const required = REQUIRED_HEADERS[status];
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
      (singleValue(request.query, 'limit') !== undefined || singleValue(request.query, 'page') !== undefined);
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

/** Who may be answered: the owner of the credential read, or, where that is open, of any valid token sent. */
function possibleOwners(request: HostileRequest): string[] {
  const verdict = credentialVerdict(request);
  if (verdict !== undefined && verdict !== 'several') return 'owner' in verdict ? [verdict.owner] : [];
  return VALID_TOKENS.filter(({ token }) => request.headers.some(({ value }) => value.includes(token))).map(
    ({ owner }) => owner,
  );
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
  const filter = singleValue(request.query, 'filter') ?? 'all';
  const keys = Object.keys(details ?? {})
    .sort()
    .join(',');
  const wanted = { all: 'applications,info,status', info: 'info', status: 'id,name,status' }[filter];
  if (keys !== wanted) problems.push(`details keys ${keys} for filter ${filter}`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Generators.

const HTML = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '</title><h1>x</h1>',
];
const hostileText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 32 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ...HTML,
      '..',
      '../..',
      '%00',
      '\u0000',
      '%2e%2e%2f',
      '%252e',
      '\r\nX-Injected: 1',
      '${jndi:ldap://x}',
      "' OR '1'='1",
      '{"$ne":null}',
      '__proto__',
      'constructor',
      'null',
      'undefined',
      'NaN',
      '\uFEFF',
      '\u202E',
      '\uD800',
      '😀',
      'Ｔｏｋｅｎ',
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1000, max: 20_000 })
      .chain((length) => fc.constantFrom('a', '<', 'é', '😀', '%00').map((unit) => unit.repeat(length))),
  },
);

const method = fc.oneof(
  { weight: 12, arbitrary: fc.constant('GET') },
  { weight: 2, arbitrary: fc.constantFrom('POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD') },
);

const owns = (owner: string): Verdict => ({ owner });
const refused = (how: 'lookup' | 'no-lookup' | 'either'): Verdict => ({ refused: how });

/** A token and what it leads to when well presented. */
const token = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(...VALID_TOKENS).map(({ token, owner }) => ({ token, verdict: owns(owner) })),
  },
  { weight: 2, arbitrary: fc.constantFrom(...REFUSED_TOKENS).map((token) => ({ token, verdict: refused('lookup') })) },
  {
    weight: 1,
    arbitrary: fc.stringMatching(/^[\x21-\x7e]{1,80}$/).map((token) => ({ token, verdict: refused('lookup') })),
  },
);
const scheme = fc.mixedCase(fc.constantFrom('token', 'bearer'));

/** Authorization / Authentication values: well presented, malformed (401 without lookup), or anything at all. */
const schemeCredential: fc.Arbitrary<{ value: string; verdict: Verdict }> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.tuple(scheme, token).map(([word, { token, verdict }]) => ({ value: `${word} ${token}`, verdict })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        scheme,
        token,
        fc.constantFrom<(word: string, token: string) => string>(
          (_, t) => t,
          (_, t) => `Basic ${t}`,
          (w, t) => `${w}${t}`,
          (w, t) => `${w} ${t} ${t}`,
          (w, t) => `${w}\t${t}`,
          (w) => `${w} `,
          (w) => w,
          () => '',
          (w, t) => `${w} ${t}é`,
          (w, t) => `${w} ${t.replace(/[a-z]/, 'а')}`, // Cyrillic a
          (w, t) => `${w} ${t}${'x'.repeat(513)}`,
          (w, t) => `${w} ${t}\u0000`,
        ),
      )
      .map(([word, { token }, mangle]) => ({ value: mangle(word, token), verdict: refused('no-lookup') })),
  },
  { weight: 2, arbitrary: hostileText.map((value) => ({ value, verdict: refused('either') })) },
);

/** X-Api-Key values: the bare token, a scheme word in front (malformed), or anything at all. */
const apiKeyCredential: fc.Arbitrary<{ value: string; verdict: Verdict }> = fc.oneof(
  { weight: 12, arbitrary: token.map(({ token, verdict }) => ({ value: token, verdict })) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(scheme, token)
      .map(([word, { token }]) => ({ value: `${word} ${token}`, verdict: refused('no-lookup') })),
  },
  { weight: 2, arbitrary: hostileText.map((value) => ({ value, verdict: refused('either') })) },
);

const credentialLines = (
  name: 'Authorization' | 'Authentication' | 'X-Api-Key',
  maxValues: number,
): fc.Arbitrary<HeaderLine[]> =>
  fc
    .tuple(
      fc.mixedCase(fc.constant(name)),
      fc.array(name === 'X-Api-Key' ? apiKeyCredential : schemeCredential, { minLength: 1, maxLength: maxValues }),
    )
    .map(([spelling, values]) => values.map(({ value, verdict }) => ({ name: spelling, value, verdict })));

/** Headers API Gateway always adds, and other headers a client may send, hostile names included. */
const noiseName = fc.oneof(
  fc.constantFrom(
    'Accept',
    'User-Agent',
    'Cookie',
    'Content-Type',
    'X-Forwarded-For',
    'Origin',
    'Referer',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'X-Amzn-Trace-Id',
  ),
  fc
    .stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,40}$/)
    .filter((name) => !(CREDENTIAL_NAMES as readonly string[]).includes(name.toLowerCase())),
);
const noiseLines = fc.array(
  fc.tuple(noiseName, hostileText).map(([name, value]): HeaderLine => ({ name, value })),
  { maxLength: 4 },
);
const GATEWAY_LINES: HeaderLine[] = [
  { name: 'Host', value: 'abc123.execute-api.eu-central-1.amazonaws.com' },
  { name: 'X-Forwarded-Proto', value: 'https' },
];

/** Credentials as a client sends them: usually one header, sometimes several, sometimes none; few repeats. */
function headerLines(maxValues: number): fc.Arbitrary<HeaderLine[]> {
  return fc
    .tuple(
      fc.option(credentialLines('Authorization', maxValues), { freq: 2 }),
      fc.option(credentialLines('Authentication', maxValues), { freq: 3 }),
      fc.option(credentialLines('X-Api-Key', maxValues), { freq: 3 }),
      noiseLines,
      fc.boolean(),
    )
    .chain(([authorization, authentication, apiKey, noise, noiseFirst]) => {
      const credentials = [authorization, authentication, apiKey].flatMap((lines) => lines ?? []);
      return fc
        .shuffledSubarray(credentials, { minLength: credentials.length })
        .map((shuffled) => [...GATEWAY_LINES, ...(noiseFirst ? [...noise, ...shuffled] : [...shuffled, ...noise])]);
    });
}

const ownUuid = fc.constantFrom(...ALL_UUIDS);
const pathId = fc.oneof(
  { weight: 6, arbitrary: ownUuid },
  { weight: 2, arbitrary: ownUuid.map((uuid) => uuid.toUpperCase()) },
  { weight: 1, arbitrary: fc.uuid() },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        ownUuid,
        fc.constantFrom('/..', '%00', '\u0000', '\n', ' ', '/', '?', '#', '..', '%2F', '\u0130', '/../../etc/passwd'),
        fc.boolean(),
      )
      .map(([uuid, extra, before]) => (before ? `${extra}${uuid}` : `${uuid}${extra}`)),
  },
  { weight: 4, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.constantFrom('8', '-1', '1e400', '0x10', '', '{id}', '%7Bid%7D') },
);

const number = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 9 }).map(String) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '0',
      '00',
      '007',
      '1000',
      '1001',
      '9007199254740993',
      '+2',
      ' 2',
      '2 ',
      '2.0',
      '1e3',
      '-1',
      '',
      '0x10',
      'NaN',
      'Infinity',
      '２',
      '٣',
      '1,2',
      'true',
      '[1]',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 16, max: 400 }).map((digits) => '9'.repeat(digits)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 400 }).map((zeros) => `${'0'.repeat(zeros)}2`) },
  { weight: 2, arbitrary: hostileText },
);
/** One, repeated with the same value, or several different values. */
const values = (value: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 6, arbitrary: value.map((v) => [v]) },
    { weight: 1, arbitrary: value.map((v) => [v, v]) },
    { weight: 1, arbitrary: fc.array(value, { minLength: 2, maxLength: 4 }) },
  );
const otherKey = fc.oneof(
  fc.constantFrom(
    'LIMIT',
    'Page',
    'limit[]',
    'page[0]',
    '',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'valueOf',
    'filter',
    'limit ',
    '%6Cimit',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

function query(mainKeys: readonly string[], mainValue: fc.Arbitrary<string>): fc.Arbitrary<[string, string[]][]> {
  return fc
    .tuple(
      fc.uniqueArray(fc.constantFrom(...mainKeys), { maxLength: mainKeys.length }),
      fc.array(fc.tuple(otherKey, values(number)), { maxLength: 2 }),
    )
    .chain(([keys, others]) =>
      fc.tuple(...keys.map((key) => values(mainValue).map((v): [string, string[]] => [key, v]))).map((main) => {
        const entries = new Map<string, string[]>();
        for (const [key, v] of [...main, ...others]) if (!entries.has(key)) entries.set(key, v);
        return [...entries];
      }),
    );
}

const listQuery = fc.oneof(
  { weight: 3, arbitrary: fc.constant<[string, string[]][]>([]) },
  {
    weight: 5,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 5 }))
      .map(([limit, page]): [string, string[]][] => [
        ['limit', [String(limit)]],
        ['page', [String(page)]],
      ]),
  },
  { weight: 8, arbitrary: query(['limit', 'page'], number) },
);
const filterValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('info', 'status') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('', 'INFO', 'Status', 'all', 'info ', ' status', 'info,status', 'status\u0000'),
  },
  { weight: 2, arbitrary: hostileText },
);
const detailQuery = fc.oneof(
  { weight: 4, arbitrary: fc.constant<[string, string[]][]>([]) },
  { weight: 6, arbitrary: query(['filter', 'limit'], fc.oneof(filterValue, number)) },
);

function request(
  endpoint: Endpoint,
  parts: { id: fc.Arbitrary<string>; query: fc.Arbitrary<[string, string[]][]>; headers: fc.Arbitrary<HeaderLine[]> },
): fc.Arbitrary<HostileRequest> {
  return fc.record({
    endpoint: fc.constant(endpoint),
    method,
    prefix: fc.constantFrom<HostileRequest['prefix']>('/api', '/backend'),
    slash: fc.boolean(),
    id: parts.id,
    query: parts.query,
    headers: parts.headers,
  });
}

/** Headers that a client sends once each, with the well-behaved shapes most of the time. */
const plainHeaders = headerLines(1);
/** Headers stressed: repeated credential headers, huge and non-ASCII values. */
const stressedHeaders = headerLines(3);

// ---------------------------------------------------------------------------------------------------------------
// Running the properties.

const statistics = new Map<string, Map<number | 'threw', number>>();
const exactChecks = new Map<string, number>();
const VALID_STATUSES: ReadonlySet<number> = new Set([200, 400, 401, 404, 405]);

function tally(property: string, status: number | 'threw'): void {
  const counts = statistics.get(property) ?? new Map<number | 'threw', number>();
  counts.set(status, (counts.get(status) ?? 0) + 1);
  statistics.set(property, counts);
}

const total = (property: string): number =>
  [...(statistics.get(property)?.values() ?? [])].reduce((sum, n) => sum + n, 0);

async function assertProperty(
  name: string,
  seed: number,
  numRuns: number,
  arbitrary: fc.Arbitrary<HostileRequest>,
  verify: (request: HostileRequest) => Promise<Outcome>,
  options: { timeLimit?: number } = {},
): Promise<void> {
  const started = Date.now();
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (request) => {
        const { status, problems, exact } = await verify(request);
        tally(name, status);
        if (exact) exactChecks.set(name, (exactChecks.get(name) ?? 0) + 1);
        if (problems.length > 0) throw new Error(`${problems.join('\n')}\nrequest: ${compact(request)}`);
      }),
      { seed, numRuns, ...(options.timeLimit !== undefined && { skipAllAfterTimeLimit: options.timeLimit }) },
    );
  } catch (error) {
    console.error(`hostile-input: property "${name}" failed with seed ${seed} (FUZZ_SEED=${SEED})`);
    throw error;
  } finally {
    console.info(
      `hostile-input: ${name}: ${total(name)} cases (${exactChecks.get(name) ?? 0} with the exact status known) in ` +
        `${Date.now() - started} ms, seed ${seed}, statuses ${JSON.stringify(Object.fromEntries(statistics.get(name) ?? []))}`,
    );
  }
}

const normal = async (request: HostileRequest): Promise<Outcome> =>
  check(request, await send(request), VALID_STATUSES, expectedAnswer(request));

console.info(`hostile-input: seed ${SEED} (replay with FUZZ_SEED=${SEED})`);

afterAll(async () => {
  const cases = [...statistics.keys()].map((name) => `${name} ${total(name)}`);
  const sum = [...statistics.keys()].reduce((n, name) => n + total(name), 0);
  console.info(`hostile-input: ${sum} generated cases in total (${cases.join(', ')}), seed ${SEED}`);
  await proxy.close();
});

describe('hostile input through the real handlers', () => {
  it('arbitrary path ids on the details', { timeout: 60_000 }, async () => {
    await assertProperty(
      'detail ids',
      SEED,
      RUNS.detail,
      request('detail', { id: pathId, query: detailQuery, headers: plainHeaders }),
      normal,
    );
    expect(total('detail ids')).toBeGreaterThanOrEqual(RUNS.detail);
    expect([...statistics.get('detail ids')!.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404, 405]));
  });

  it('arbitrary query strings on the list', { timeout: 60_000 }, async () => {
    await assertProperty(
      'list queries',
      SEED + 1,
      RUNS.list,
      request('list', { id: fc.constant(''), query: listQuery, headers: plainHeaders }),
      normal,
    );
    expect(total('list queries')).toBeGreaterThanOrEqual(RUNS.list);
    expect([...statistics.get('list queries')!.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404, 405]));
  });

  it('arbitrary headers on both endpoints', { timeout: 60_000 }, async () => {
    const endpoint = fc.constantFrom<Endpoint>('list', 'detail');
    const arbitrary = endpoint.chain((which) =>
      request(which, {
        id: which === 'detail' ? pathId : fc.constant(''),
        query: which === 'detail' ? detailQuery : listQuery,
        headers: stressedHeaders,
      }),
    );
    await assertProperty('headers', SEED + 2, RUNS.headers, arbitrary, normal);
    expect(total('headers')).toBeGreaterThanOrEqual(RUNS.headers);
    expect([...statistics.get('headers')!.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404, 405]));
  });

  // API Gateway's console test (and a hand-made invocation) sends `headers: null` and `multiValueHeaders: null` when
  // there are none: that is a request without a token, a 401, not a crash.
  it('an event without any headers is a 401 envelope', async () => {
    for (const endpoint of ['list', 'detail'] as const) {
      const bare: HostileRequest = {
        endpoint,
        method: 'GET',
        prefix: '/api',
        slash: false,
        id: ALL_UUIDS[0]!,
        query: [],
        headers: [],
      };
      const event = { ...toEvent(bare), headers: null, multiValueHeaders: null } as unknown as ReturnType<
        typeof toEvent
      >;
      const handler = endpoint === 'list' ? list : detail;
      const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const answer = await handler(event, lambdaContext()).then(
        (response) => ({ response }),
        (thrown: unknown) => ({ thrown }),
      );
      logged.mockRestore();
      const outcome = check(bare, answer, VALID_STATUSES, {
        status: 401,
        body: { errors: [{ status: 401, detail: UNAUTHORIZED }] },
      });
      expect(outcome.problems, `${endpoint}: ${JSON.stringify(outcome)}`).toEqual([]);
    }
  });

  // docs/decisions.md: "a client that sends two credentials has a bug worth surfacing" (401), and a query parameter
  // repeated with different values is a 400. The same rule for the credential header: repeated with one value it
  // counts once; with different values it is ambiguous (a proxy may check one, the API use another) and a 401.
  it('a credential header repeated with different values is a 401', { timeout: 60_000 }, async () => {
    const several = fc
      .tuple(
        fc.constantFrom('Authorization', 'Authentication', 'X-Api-Key'),
        fc.uniqueArray(fc.constantFrom(...VALID_TOKENS, ...REFUSED_TOKENS.map((token) => ({ token, owner: '' }))), {
          minLength: 2,
          maxLength: 3,
          selector: ({ token }) => token,
        }),
        fc.constantFrom<Endpoint>('list', 'detail'),
      )
      .chain(([name, tokens, endpoint]) =>
        request(endpoint, {
          id: ownUuid,
          query: fc.constant([]),
          headers: fc.constant([
            ...GATEWAY_LINES,
            ...tokens.map(({ token }) => ({ name, value: name === 'X-Api-Key' ? token : `Token ${token}` })),
          ]),
        }).map((generated) => ({ ...generated, method: 'GET' })),
      );
    await assertProperty('several credential values', SEED + 3, RUNS.severalCredentials, several, async (generated) =>
      check(generated, await send(generated), VALID_STATUSES, {
        status: 401,
        body: { errors: [{ status: 401, detail: UNAUTHORIZED }] },
      }),
    );
  });
});

describe('injected DynamoDB faults', () => {
  const FAULT_STATUSES: ReadonlySet<number> = new Set([401, 405, 503]);
  // A valid token verified earlier in this file is in the container's token cache: its request gets as far as its
  // own 400 or a non-UUID id's 404 without DynamoDB; anything that reads DynamoDB is a 503.
  const CACHED_TOKEN_STATUSES: ReadonlySet<number> = new Set([400, 404, 503]);

  /** With DynamoDB down: 405 and malformed credentials still answer; anything that needs DynamoDB is a 503. */
  const faulty = async (request: HostileRequest): Promise<Outcome> => {
    const verdict = credentialVerdict(request);
    let expected: Expected = {};
    if (request.method !== 'GET') expected = expectedAnswer(request);
    else if (verdict !== undefined && verdict !== 'several') {
      if ('owner' in verdict) return check(request, await send(request), CACHED_TOKEN_STATUSES, {});
      if (verdict.refused === 'lookup') expected = { status: 503 };
      else if (verdict.refused === 'no-lookup') expected = { status: 401 };
    }
    return check(request, await send(request), FAULT_STATUSES, expected);
  };

  it('DynamoDB unreachable (connections reset): 503 with Retry-After, never a 500', { timeout: 60_000 }, async () => {
    proxy.mode = 'reset';
    try {
      const endpoint = fc.constantFrom<Endpoint>('list', 'detail');
      const arbitrary = endpoint.chain((which) =>
        request(which, {
          id: which === 'detail' ? ownUuid : fc.constant(''),
          query: which === 'detail' ? detailQuery : listQuery,
          headers: plainHeaders,
        }),
      );
      await assertProperty('DynamoDB unreachable', SEED + 4, RUNS.fault, arbitrary, faulty, { timeLimit: 30_000 });
    } finally {
      proxy.mode = 'pass';
    }
  });

  // A DynamoDB that answers slowly or not at all is tests/integration/faults.test.ts's (with the production timeout).

  it('answers normally again once DynamoDB is back', async () => {
    const back: HostileRequest = {
      endpoint: 'list',
      method: 'GET',
      prefix: '/backend',
      slash: true,
      id: '',
      query: [],
      headers: [...GATEWAY_LINES, { name: 'X-Api-Key', value: SAMPLE_TOKENS[1]!.token, verdict: { owner: OWNER_TWO } }],
    };
    const outcome = check(back, await send(back), VALID_STATUSES, expectedAnswer(back));
    expect(outcome).toEqual({ status: 200, problems: [], exact: true });
  });
});
