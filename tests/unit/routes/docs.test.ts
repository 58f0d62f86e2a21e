// GET /api/docs, /api/docs/{asset} and /api/openapi.json (docs/contract.md section 7.5): the reference page, its
// assets and the document, with no token, from the API itself; any other method is the 405.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { docsRoute } from '../../../lib/routes/docs.ts';
import { apiEvent, invoke, lambdaContext, type EventOptions } from '../../../harness/events.ts';
import { MESSAGE, errorBody } from '../../support/contract.ts';
import { SECURITY_HEADERS } from '../../support/oracle.ts';

const docs = docsRoute({ corsOrigins: ['https://app.example.org'] });
const PAGE = { resource: '/api/docs', path: '/api/docs' };
const DOCUMENT = { resource: '/api/openapi.json', path: '/api/openapi.json' };
const asset = (name: string): EventOptions => ({ resource: '/api/docs/{asset}', path: `/api/docs/${name}` });
/** An event for `options` whose asset (path parameter) is `name`. */
const assetEvent = (name: string, options: EventOptions = {}): APIGatewayProxyEvent => ({
  ...apiEvent({ ...asset(name), ...options }),
  pathParameters: { asset: name },
});
/** The same event as deployed, under a stage: API Gateway's requestContext.path keeps the prefix. */
const staged = (options: EventOptions, stage: string): APIGatewayProxyEvent => {
  const event = apiEvent(options);
  return { ...event, requestContext: { ...event.requestContext, path: `${stage}${event.path}` } };
};
const lowerCased = (headers: Record<string, unknown> = {}) =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
/** What the page loads (its scripts, styles and icons), not what it links. */
const assetPaths = (html: string) =>
  [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, path]) => path!).filter((path) => !path.endsWith('.json'));

describe('the reference page', () => {
  it('is an HTML page under its own strict CSP, revalidated before each use, with the API’s other headers', async () => {
    const answer = await docs(apiEvent(PAGE), lambdaContext());
    expect(answer.statusCode).toBe(200);
    expect(lowerCased(answer.headers)).toEqual({
      ...SECURITY_HEADERS,
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'public, no-cache',
      'content-security-policy':
        "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; script-src 'self'; " +
        "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'",
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
      etag: expect.stringMatching(/^"[\w-]{32}"$/) as unknown,
    });
    expect(answer.body).toMatch(/^<!doctype html>/);
  });

  it('names its three assets by content hash and the document, under the path it was served at', async () => {
    const { body } = await docs(apiEvent(PAGE), lambdaContext());
    const paths = assetPaths(body).filter((path) => path !== 'data:,');
    expect(paths).toHaveLength(3);
    for (const path of paths) expect(path).toMatch(/^\/api\/docs\/[\w-]+\.[\w-]{16}\.(js|css)$/);
    expect(body).toContain('data-openapi="/api/openapi.json"');
    expect(body).toContain('href="/api/asyncapi.json"');
    expect(body).not.toMatch(/https?:\/\//);

    const deployed = (await docs(staged({ ...PAGE, path: '/api/docs//' }, '/prod'), lambdaContext())).body;
    expect(assetPaths(deployed).filter((path) => path !== 'data:,')).toEqual(paths.map((path) => `/prod${path}`));
    expect(deployed).toContain('data-openapi="/prod/api/openapi.json"');
  });

  it('escapes what it repeats of the request’s path', async () => {
    const { body } = await docs(staged(PAGE, `/a"b<c>&'`), lambdaContext());
    expect(body).toContain('data-openapi="/a&#34;b&#60;c&#62;&#38;&#39;/api/openapi.json"');
  });

  it('an unchanged page is a 304', async () => {
    const { headers } = await docs(apiEvent(PAGE), lambdaContext());
    const again = await invoke(docs, { ...PAGE, headers: { 'if-none-match': String(headers?.ETag) } });
    expect([again.statusCode, again.body]).toEqual([304, '']);
  });
});

describe('its assets', () => {
  const paths = async () =>
    assetPaths((await docs(apiEvent(PAGE), lambdaContext())).body).filter((p) => p !== 'data:,');

  it('each is served with its content type for a year, its ETag its hash, and revalidates to a 304', async () => {
    const types = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
    for (const path of await paths()) {
      const name = path.split('/').at(-1)!;
      const answer = await docs(assetEvent(name), lambdaContext());
      expect(answer.statusCode).toBe(200);
      expect(lowerCased(answer.headers)).toEqual({
        ...SECURITY_HEADERS,
        'content-type': types[name.split('.').at(-1) as keyof typeof types],
        'cache-control': 'public, max-age=31536000, immutable',
        etag: `"${name.split('.').at(-2)}"`,
      });
      // Its name carries its content's hash: a cache keeping it for a year never keeps a stale copy.
      expect(createHash('sha256').update(answer.body).digest('base64url').slice(0, 16)).toBe(name.split('.').at(-2));
      const again = await docs(
        assetEvent(name, { headers: { 'if-none-match': `"${name.split('.').at(-2)}"` } }),
        lambdaContext(),
      );
      expect(again.statusCode).toBe(304);
    }
  });

  it('the page’s own script starts Swagger UI on the document its element names', async () => {
    const init = (await paths()).find((path) => path.includes('/init.'))!;
    const { body } = await docs(assetEvent(init.split('/').at(-1)!), lambdaContext());
    expect(body).toContain("document.getElementById('swagger-ui')");
    expect(body).toContain('url: element.dataset.openapi');
  });

  it.each(['swagger-ui.0000000000000000.js', ''])('an unknown asset (%j) is the 404 No such page.', async (name) => {
    const answer = await docs(assetEvent(name), lambdaContext());
    expect([answer.statusCode, JSON.parse(answer.body)]).toEqual([404, errorBody(404, MESSAGE.noSuchPage)]);
  });

  it('an asset event without path parameters is the 404 too', async () => {
    const answer = await invoke(docs, asset('x.js'));
    expect([answer.statusCode, answer.json]).toEqual([404, errorBody(404, MESSAGE.noSuchPage)]);
  });
});

describe('the OpenAPI document', () => {
  const source = parse(readFileSync(new URL('../../../openapi.yaml', import.meta.url), 'utf8')) as object;

  it('is openapi.yaml as JSON, with the API that served it as its server', async () => {
    const answer = await invoke(docs, DOCUMENT);
    expect(answer.statusCode).toBe(200);
    expect(lowerCased(answer.headers)).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, no-cache',
    });
    expect(answer.json).toEqual({ ...source, servers: [{ url: '/', description: 'this API' }] });
  });

  it('beside it, the push’s asyncapi.yaml as JSON, its item schema taken from the served openapi.json', async () => {
    const answer = await invoke(docs, { resource: '/api/asyncapi.json', path: '/api/asyncapi.json' });
    expect(answer.statusCode).toBe(200);
    expect(lowerCased(answer.headers)).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, no-cache',
    });
    expect((answer.json as { asyncapi: string }).asyncapi).toMatch(/^3\./);
    expect(answer.body).toContain('"openapi.json#');
    expect(answer.body).not.toContain('"./openapi.yaml#');
  });

  it('deployed under a stage, the stage is its server', async () => {
    const answer = await docs(staged(DOCUMENT, '/prod'), lambdaContext());
    expect((JSON.parse(answer.body) as { servers: unknown }).servers).toEqual([
      { url: '/prod', description: 'this API' },
    ]);
  });
});

describe('other methods', () => {
  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('%s is the 405, even from a listed origin', async (method) => {
    for (const route of [PAGE, DOCUMENT]) {
      const answer = await invoke(docs, { ...route, method, headers: { Origin: 'https://app.example.org' } });
      expect([answer.statusCode, answer.json, answer.headers?.Allow]).toEqual([
        405,
        errorBody(405, MESSAGE.methodNotAllowed),
        'GET',
      ]);
      expect(answer.headers?.['Access-Control-Allow-Origin']).toBe('https://app.example.org');
    }
  });
});
