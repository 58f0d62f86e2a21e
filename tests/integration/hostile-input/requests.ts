// The hostile requests of the fuzz suite: what a generated request is, the API Gateway event it becomes, the data it
// is run against (the sample data and the fixtures' accounts), and whose token it carries.
import { OWNER_ONE, SAMPLE_INSTANCES, SAMPLE_TOKENS } from '../../../local/sample-data.ts';
import { EMPTY_OWNER, TOKENS } from '../../fixtures/tenancy.ts';
import { apiEvent } from '../../../harness/events.ts';
import type { QueryValues } from '../../support/oracle.ts';

export const VALID_TOKENS: readonly { token: string; owner: string }[] = [
  ...SAMPLE_TOKENS.map(({ token, owner }) => ({ token, owner })),
  { token: TOKENS.notExpiredYet, owner: OWNER_ONE },
  { token: TOKENS.emptyOwner, owner: EMPTY_OWNER },
];
export const REFUSED_TOKENS = [
  TOKENS.revoked,
  TOKENS.expired,
  `${SAMPLE_TOKENS[0]!.token.slice(0, -1)}Z`,
  'unknown-but-well-formed',
];
export const ALL_UUIDS = SAMPLE_INSTANCES.map(({ uuid }) => uuid);
/** The fuzzed API's CORS_ORIGINS. */
export const LISTED_ORIGINS = ['https://app.example.org', 'http://localhost:5173'];
/** In a generated If-None-Match, stands for the entity-tag of the answer that the same request gets without it. */
export const CURRENT_TAG = '{current-etag}';

export type Endpoint = 'list' | 'detail';
/** What the credential must lead to: the owner, a 401 after a lookup, a 401 without one, or a 401 of either kind. */
export type Verdict = { owner: string } | { refused: 'lookup' | 'no-lookup' | 'either' };
export interface HeaderLine {
  name: string;
  value: string;
  /** Set on Authorization, Authentication and X-Api-Key lines whose outcome the generator knows. */
  verdict?: Verdict;
}
export interface HostileRequest {
  endpoint: Endpoint;
  method: string;
  prefix: '/api' | '/backend';
  slash: boolean;
  id: string;
  /** Query parameters in order, each with every value it was given. */
  query: [string, string[]][];
  headers: HeaderLine[];
}

export const CREDENTIAL_NAMES = ['authorization', 'authentication', 'x-api-key'] as const;
export const TEMPLATES: Record<Endpoint, Record<HostileRequest['prefix'], string>> = {
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
export function toEvent(request: HostileRequest) {
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

/** The credential that is read: the first of Authorization, Authentication, X-Api-Key present; undefined: open. */
export function credentialVerdict(request: HostileRequest): Verdict | 'several' | undefined {
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

/** The query as API Gateway's multi-value parameters: the first occurrence of a name holds its values. */
export function queryValues(request: HostileRequest): QueryValues {
  return Object.fromEntries(request.query);
}

/** Who may be answered: the owner of the credential read, or, where that is open, of any valid token sent. */
export function possibleOwners(request: HostileRequest): string[] {
  const verdict = credentialVerdict(request);
  if (verdict !== undefined && verdict !== 'several') return 'owner' in verdict ? [verdict.owner] : [];
  return VALID_TOKENS.filter(({ token }) => request.headers.some(({ value }) => value.includes(token))).map(
    ({ owner }) => owner,
  );
}

/** The lines of one header (any spelling), in order. */
const linesOf = (request: HostileRequest, name: string): string[] =>
  request.headers.filter((line) => line.name.toLowerCase() === name).map(({ value }) => value);

/** The Origin a request names: undefined when absent, null when it is repeated with different values. */
export function originOf(request: HostileRequest): string | undefined | null {
  const values = linesOf(request, 'origin');
  if (values.length === 0) return undefined;
  return values.every((value) => value === values[0]) ? values[0] : null;
}

/** Every If-None-Match line as one list, as a server must read repeated list headers. */
export function ifNoneMatchOf(request: HostileRequest): string | undefined {
  const values = linesOf(request, 'if-none-match');
  return values.length === 0 ? undefined : values.join(', ');
}

/** The request with CURRENT_TAG replaced by a tag. */
export function withCurrentTag(request: HostileRequest, tag: string): HostileRequest {
  return {
    ...request,
    headers: request.headers.map((line) => ({ ...line, value: line.value.replaceAll(CURRENT_TAG, tag) })),
  };
}
