// The fast-check generators of hostile requests: ids, query strings and headers, from well-formed to malicious, each
// credential with the verdict it must lead to.
import fc from 'fast-check';
import {
  ALL_UUIDS,
  CREDENTIAL_NAMES,
  CURRENT_TAG,
  LISTED_ORIGINS,
  REFUSED_TOKENS,
  VALID_TOKENS,
  type Endpoint,
  type HeaderLine,
  type HostileRequest,
  type Verdict,
} from './requests.ts';

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
    'Referer',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'X-Amzn-Trace-Id',
  ),
  fc
    .stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,40}$/)
    .filter((name) => ![...CREDENTIAL_NAMES, 'origin', 'if-none-match'].includes(name.toLowerCase())),
);

/** Origins: listed ones, near misses (exact matching), and anything at all. */
const originValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...LISTED_ORIGINS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'https://evil.example.org',
      'https://app.example.org.evil.net',
      'HTTPS://APP.EXAMPLE.ORG',
      'https://app.example.org/',
      'https://app.example.org:443',
      'http://app.example.org',
      'http://localhost:5174',
      'null',
      '',
      '*',
    ),
  },
  { weight: 2, arbitrary: hostileText },
);
/** No Origin (same-origin and non-browser clients), one, or two lines with different values. */
const originLines = fc.oneof(
  { weight: 3, arbitrary: fc.constant<HeaderLine[]>([]) },
  { weight: 4, arbitrary: originValue.map((value): HeaderLine[] => [{ name: 'Origin', value }]) },
  {
    weight: 1,
    arbitrary: fc
      .uniqueArray(originValue, { minLength: 2, maxLength: 2 })
      .map((values) => values.map((value): HeaderLine => ({ name: 'origin', value }))),
  },
);
/** If-None-Match: the answer's own tag (CURRENT_TAG) in the ways clients send it, other tags, and garbage. */
const ifNoneMatchValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      CURRENT_TAG,
      `W/${CURRENT_TAG}`,
      `"other", ${CURRENT_TAG}`,
      `${CURRENT_TAG},W/"other"`,
      '*',
      ' * ',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('"other"', 'W/"other"', '', '""', '*, "other"', CURRENT_TAG.slice(1), 'W/'),
  },
  { weight: 2, arbitrary: hostileText },
);
const ifNoneMatchLines = fc.oneof(
  { weight: 3, arbitrary: fc.constant<HeaderLine[]>([]) },
  {
    weight: 3,
    arbitrary: fc
      .array(ifNoneMatchValue, { minLength: 1, maxLength: 2 })
      .map((values) => values.map((value): HeaderLine => ({ name: 'If-None-Match', value }))),
  },
);
const noiseLines = fc.array(
  fc.tuple(noiseName, hostileText).map(([name, value]): HeaderLine => ({ name, value })),
  { maxLength: 4 },
);
export const GATEWAY_LINES: HeaderLine[] = [
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
      originLines,
      ifNoneMatchLines,
      fc.boolean(),
    )
    .chain(([authorization, authentication, apiKey, noise, origin, ifNoneMatch, noiseFirst]) => {
      const credentials = [authorization, authentication, apiKey].flatMap((lines) => lines ?? []);
      const others = [...noise, ...origin, ...ifNoneMatch];
      return fc
        .shuffledSubarray(credentials, { minLength: credentials.length })
        .map((shuffled) => [...GATEWAY_LINES, ...(noiseFirst ? [...others, ...shuffled] : [...shuffled, ...others])]);
    });
}

export const ownUuid = fc.constantFrom(...ALL_UUIDS);
export const pathId = fc.oneof(
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
    'STATUS',
    'Include',
    'status[]',
    'changed_since[]',
    'Changed_Since',
    'changedSince',
  ),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Some of the main parameters (each with its own values), in any order, and a few others. */
function query(main: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<[string, string[]][]> {
  const mainKeys = Object.keys(main);
  return fc
    .tuple(
      fc.uniqueArray(fc.constantFrom(...mainKeys), { maxLength: mainKeys.length }),
      fc.array(fc.tuple(otherKey, values(number)), { maxLength: 2 }),
    )
    .chain(([keys, others]) =>
      fc.tuple(...keys.map((key) => values(main[key]!).map((v): [string, string[]] => [key, v]))).map((chosen) => {
        const entries = new Map<string, string[]>();
        for (const [key, v] of [...chosen, ...others]) if (!entries.has(key)) entries.set(key, v);
        return [...entries];
      }),
    );
}

/** status=: codes, messages in any case, failed, lists of them, near misses and garbage. */
const statusWord = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 23 }).map(String) },
  {
    weight: 4,
    arbitrary: fc
      .constantFrom('STARTED', 'CLUSTER_FAILED', 'DESTROYED', 'pending', 'Init_Done', 'FAILED', 'failed', 'Failed')
      .chain((word) => fc.mixedCase(fc.constant(word))),
  },
  { weight: 1, arbitrary: fc.constantFrom('24', '-1', '07', ' 0', '0 ', 'STARTED ', 'running', '', 'fail', '*') },
);
const statusValue = fc.oneof(
  { weight: 6, arbitrary: fc.array(statusWord, { minLength: 1, maxLength: 4 }).map((words) => words.join(',')) },
  { weight: 1, arbitrary: fc.constantFrom('', ',', '0,', ',11', '0,,1', '0;1', '0 1') },
  { weight: 1, arbitrary: hostileText },
);
const includeValue = fc.oneof(
  { weight: 6, arbitrary: fc.constant('status') },
  { weight: 2, arbitrary: fc.constantFrom('', 'STATUS', 'Status', 'info', 'status,info', 'status ') },
  { weight: 1, arbitrary: hostileText },
);

/** changed_since=: RFC 3339 in its variants (before, at and after the data's times), impossible dates and garbage. */
const dateTimeValue = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.date({ min: new Date('1999-12-31T00:00:00Z'), max: new Date('2100-01-02T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom('Z', 'z', '+00:00', '-00:00', '+02:00', '-11:30', '+23:59'),
        fc.constantFrom('', '.4', '.456', '.456000', '.4561', '.999999999'),
        fc.constantFrom('T', 't'),
      )
      .map(([date, zone, fraction, separator]) => {
        const [day, time] = date.toISOString().slice(0, 19).split('T');
        return `${day}${separator}${time}${fraction}${zone}`;
      }),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '1970-01-01T00:00:00Z',
      '0000-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
      '2016-12-31T23:59:60Z',
      '2024-02-29T12:00:00Z',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-11-30T24:00:00Z',
      '2026-11-30T23:59:61Z',
      '2026-11-30T00:00:00+24:00',
      '2026-11-30',
      '2026-11-30T01:02:03',
      '2026-11-30 01:02:03Z',
      '2026-11-30T01:02:03 02:00',
      '2026-11-30T01:02:03+0200',
      '2026-11-30T01:02:03.Z',
      '0000-01-01T00:00:00+01:00',
      '9999-12-31T23:30:00-01:00',
      '+012026-11-30T00:00:00Z',
      '1796000000',
      'now',
      '２０２６-11-30T00:00:00Z',
    ),
  },
  { weight: 1, arbitrary: hostileText },
);

export const listQuery = fc.oneof(
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
  { weight: 8, arbitrary: query({ limit: number, page: number, status: statusValue, include: includeValue }) },
  {
    weight: 4,
    arbitrary: query({ changed_since: dateTimeValue, status: statusValue, include: includeValue, page: number }).map(
      (entries): [string, string[]][] =>
        entries.some(([key]) => key === 'page') ? [...entries, ['limit', ['2']]] : entries,
    ),
  },
);
const filterValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('info', 'status') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('', 'INFO', 'Status', 'all', 'info ', ' status', 'info,status', 'status\u0000'),
  },
  { weight: 2, arbitrary: hostileText },
);
const historyValue = fc.oneof(
  { weight: 6, arbitrary: fc.constant('history') },
  { weight: 2, arbitrary: fc.constantFrom('', 'HISTORY', 'History', 'status', 'history,status', 'history ') },
  { weight: 1, arbitrary: hostileText },
);
export const detailQuery = fc.oneof(
  { weight: 4, arbitrary: fc.constant<[string, string[]][]>([]) },
  { weight: 6, arbitrary: query({ filter: filterValue, include: historyValue, limit: number }) },
);

export function request(
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

/** A request to either endpoint, with its own query parameters: the details at `id`. */
export const eitherEndpoint = (id: fc.Arbitrary<string>, headers: fc.Arbitrary<HeaderLine[]>) =>
  fc.constantFrom<Endpoint>('list', 'detail').chain((which) =>
    request(which, {
      id: which === 'detail' ? id : fc.constant(''),
      query: which === 'detail' ? detailQuery : listQuery,
      headers,
    }),
  );

/** Headers that a client sends once each, with the well-behaved shapes most of the time. */
export const plainHeaders = headerLines(1);
/** Headers stressed: repeated credential headers, huge and non-ASCII values. */
export const stressedHeaders = headerLines(3);
