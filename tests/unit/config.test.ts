import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_SETTINGS, readAll, readSettings } from '../../lib/config.ts';
import { LOCAL_PORTS } from '../../infra/local-ports.ts';

const TABLES = { INSTANCES_TABLE: 'instances', TOKENS_TABLE: 'tokens' };

describe('settings', () => {
  it('the defaults', () => {
    expect(readSettings(TABLES)).toEqual({
      tables: { instances: 'instances', tokens: 'tokens' },
      tokenVerifier: 'dynamodb',
      identityUrl: '',
      identityTimeoutMs: 2000,
      identityRememberSeconds: 300,
      tokenCacheSeconds: 60,
      tokenCacheSize: 1000,
      dynamoDbRequestTimeoutMs: 600,
      requestDeadlineMs: 2500,
      corsOrigins: [],
    });
  });

  it('every setting given, each under its own variable', () => {
    const settings = readSettings({
      ...TABLES,
      TOKEN_VERIFIER: 'astakos',
      IDENTITY_URL: 'https://accounts.okeanos.grnet.gr/identity/v2.0/',
      IDENTITY_TIMEOUT_MS: '1500',
      IDENTITY_REMEMBER_SECONDS: '120',
      TOKEN_CACHE_SECONDS: '30',
      TOKEN_CACHE_SIZE: '500',
      DYNAMODB_REQUEST_TIMEOUT_MS: '400',
      REQUEST_DEADLINE_MS: '2000',
      CORS_ORIGINS: 'https://app.example.org,http://localhost:5173',
    });
    expect(settings).toEqual({
      tables: { instances: 'instances', tokens: 'tokens' },
      tokenVerifier: 'astakos',
      identityUrl: 'https://accounts.okeanos.grnet.gr/identity/v2.0',
      identityTimeoutMs: 1500,
      identityRememberSeconds: 120,
      tokenCacheSeconds: 30,
      tokenCacheSize: 500,
      dynamoDbRequestTimeoutMs: 400,
      requestDeadlineMs: 2000,
      corsOrigins: ['https://app.example.org', 'http://localhost:5173'],
    });
  });

  it('1 is a positive integer; an empty variable is an unset one', () => {
    expect(readSettings({ ...TABLES, TOKEN_CACHE_SECONDS: '1', TOKEN_CACHE_SIZE: '' })).toMatchObject({
      tokenCacheSeconds: 1,
      tokenCacheSize: 1000,
    });
  });

  it('an IDENTITY_URL may be http, as a stand-in on loopback is', () => {
    const settings = readSettings({ ...TABLES, TOKEN_VERIFIER: 'astakos', IDENTITY_URL: 'http://127.0.0.1:8080/v2.0' });
    expect(settings.identityUrl).toBe('http://127.0.0.1:8080/v2.0');
  });

  it('an IDENTITY_URL loses every trailing slash (the verifier adds /tokens)', () => {
    const settings = readSettings({
      ...TABLES,
      TOKEN_VERIFIER: 'astakos',
      IDENTITY_URL: 'https://a.example/identity/v2.0//',
    });
    expect(settings.identityUrl).toBe('https://a.example/identity/v2.0');
  });

  it('an IDENTITY_URL may be plain http (an Astakos on a private network)', () => {
    const env = { ...TABLES, TOKEN_VERIFIER: 'astakos', IDENTITY_URL: 'http://astakos.internal:8080/identity/v2.0' };
    expect(readSettings(env).identityUrl).toBe('http://astakos.internal:8080/identity/v2.0');
  });

  it.each(['1e3', '1.0', ' 5', '5 ', '+5', '-5', '0x10', '99999999999999999999'])(
    '%j is not a positive integer: refused with the variable’s name',
    (value) => {
      expect(() => readSettings({ ...TABLES, TOKEN_CACHE_SECONDS: value })).toThrow(
        `TOKEN_CACHE_SECONDS must be a positive integer (got ${JSON.stringify(value)})`,
      );
    },
  );

  it.each([
    ['a missing table name', { TOKENS_TABLE: 'tokens' }, 'INSTANCES_TABLE is not set'],
    ['astakos without IDENTITY_URL', { ...TABLES, TOKEN_VERIFIER: 'astakos' }, 'IDENTITY_URL is not set'],
    [
      'an IDENTITY_URL that is not http(s)',
      { ...TABLES, TOKEN_VERIFIER: 'astakos', IDENTITY_URL: 'ftp://x' },
      'IDENTITY_URL must be an http(s) URL',
    ],
    [
      'an IDENTITY_URL of a scheme ending in http',
      { ...TABLES, TOKEN_VERIFIER: 'astakos', IDENTITY_URL: 'xhttp://x' },
      'IDENTITY_URL must be an http(s) URL',
    ],
    ['an unknown verifier', { ...TABLES, TOKEN_VERIFIER: 'ldap' }, 'TOKEN_VERIFIER must be one of dynamodb, astakos'],
    [
      'a non-numeric timeout',
      { ...TABLES, DYNAMODB_REQUEST_TIMEOUT_MS: '600ms' },
      'DYNAMODB_REQUEST_TIMEOUT_MS must be a positive integer',
    ],
    ['a zero deadline', { ...TABLES, REQUEST_DEADLINE_MS: '0' }, 'REQUEST_DEADLINE_MS must be a positive integer'],
    ['a fractional cache size', { ...TABLES, TOKEN_CACHE_SIZE: '1.5' }, 'TOKEN_CACHE_SIZE must be a positive integer'],
    ['a wildcard origin', { ...TABLES, CORS_ORIGINS: '*' }, 'CORS_ORIGINS must be origins'],
    ['an origin with a path', { ...TABLES, CORS_ORIGINS: 'https://app.example.org/' }, 'CORS_ORIGINS must be origins'],
    ['an empty origin in the list', { ...TABLES, CORS_ORIGINS: 'https://a.example,' }, 'CORS_ORIGINS must be origins'],
  ])('%s is refused with the variable’s name', (_, env, message) => {
    expect(() => readSettings(env)).toThrow(message);
  });

  it('every bad variable is named at once', () => {
    expect(() => readSettings({ TOKEN_VERIFIER: 'astakos', REQUEST_DEADLINE_MS: 'x' })).toThrow(
      /INSTANCES_TABLE is not set; TOKENS_TABLE is not set; REQUEST_DEADLINE_MS .*; IDENTITY_URL is not set/,
    );
  });
});

describe('npm start’s ports', () => {
  it('the defaults, and a port given', () => {
    expect(readAll(LOCAL_PORTS, { PORT: '3100', DYNAMODB_PORT: '' })).toEqual({
      api: 3100,
      dynamoDb: 8000,
      lambda: 3002,
      websocket: 3001,
    });
  });

  it.each(['1', '65535'])('%s is a port', (value) => {
    expect(readAll(LOCAL_PORTS, { PORT: value }).api).toBe(Number(value));
  });

  it('every bad port is named at once, by the same rules as the functions’ settings', () => {
    expect(() =>
      readAll(LOCAL_PORTS, { PORT: 'abc', DYNAMODB_PORT: '0', LAMBDA_PORT: '65536', WEBSOCKET_PORT: '1.5' }),
    ).toThrow(
      'Invalid settings: PORT must be a port number, 1 to 65535 (got "abc"); ' +
        'DYNAMODB_PORT must be a port number, 1 to 65535 (got "0"); ' +
        'LAMBDA_PORT must be a port number, 1 to 65535 (got "65536"); ' +
        'WEBSOCKET_PORT must be a port number, 1 to 65535 (got "1.5")',
    );
  });
});

describe('README’s Configuration', () => {
  /** Each variable in README's tables, and its default as stated there (its cell up to a remark in brackets). */
  const stated = new Map(
    [
      ...readFileSync(new URL('../../README.md', import.meta.url), 'utf8').matchAll(/^\| `([A-Z_]+)` \| ([^|(]+)/gm),
    ].map(([, name, cell]) => [name, cell!.trim()]),
  );
  const declared = [...Object.values(FUNCTION_SETTINGS), ...Object.values(LOCAL_PORTS)].filter(
    ({ fallback }) => fallback !== undefined,
  );

  it.each(declared.map(({ name, fallback }) => [name, fallback]))(
    'states %s’s default as declared',
    (name, fallback) => {
      const empty = fallback === '' || (Array.isArray(fallback) && fallback.length === 0);
      expect(stated.get(name)).toBe(empty ? 'none' : `\`${String(fallback)}\``);
    },
  );
});
