// The API reference routes over HTTP through serverless-offline: the page, its assets and the document, no token,
// the security headers with a page's Content-Security-Policy (the API's on everything else), caching, and the API's
// 405 for other methods.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MESSAGE, errorBody } from '../support/contract.ts';
import { baseUrl, call } from '../support/http.ts';
import { openApiViolations } from '../support/openapi.ts';
import { SECURITY_HEADERS } from '../support/oracle.ts';

const page = async () => {
  const response = await fetch(`${baseUrl}/api/docs`);
  return { response, html: await response.text() };
};
const assetPaths = (html: string) =>
  [...html.matchAll(/(?:src|href)="(\/api\/docs\/[^"]+)"/g)].map(([, path]) => path!);

describe('the reference page', () => {
  it.each(['/api/docs', '/api/docs/'])('%s is an HTML page that needs no token, under a strict CSP', async (path) => {
    const response = await fetch(`${baseUrl}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; script-src 'self'; " +
        "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'",
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('permissions-policy')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('public, no-cache');
    expect(
      openApiViolations('/api/docs', { status: 200, headers: response.headers, body: await response.text() }),
    ).toEqual([]);
  });

  it('names only assets of its own, by content hash, each served for a year', async () => {
    const { html } = await page();
    const assets = assetPaths(html);
    expect(assets).toHaveLength(3);
    for (const path of assets) {
      expect(path).toMatch(/^\/api\/docs\/[\w-]+\.[\w-]{16}\.(js|css)$/);
      const response = await fetch(`${baseUrl}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-security-policy')).toBe(SECURITY_HEADERS['content-security-policy']);
      expect(response.headers.get('etag')).toBe(`"${path.split('.').at(-2)}"`);
      const again = await fetch(`${baseUrl}${path}`, { headers: { 'If-None-Match': response.headers.get('etag')! } });
      expect(again.status).toBe(304);
    }
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('an unknown asset is a 404 envelope', async () => {
    const answer = await call('/api/docs/swagger-ui.0000000000000000.js');
    expect([answer.status, answer.body]).toEqual([404, errorBody(404, 'No such page.')]);
  });

  it('the page revalidates: an unchanged one is a 304', async () => {
    const { response } = await page();
    const again = await fetch(`${baseUrl}/api/docs`, { headers: { 'If-None-Match': response.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });
});

describe('the OpenAPI document', () => {
  it('is openapi.yaml as JSON, built when the function is, with the serving API as its server', async () => {
    const answer = await call('/api/openapi.json');
    expect(answer.status).toBe(200);
    const source = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as object;
    expect(answer.body).toEqual({ ...source, servers: [{ url: '/', description: 'this API' }] });
    expect(openApiViolations('/api/openapi.json', answer)).toEqual([]);
  });
});

describe('the push’s AsyncAPI document', () => {
  it('is linked from the page, and is asyncapi.yaml as JSON whose item schema is the served openapi.json’s', async () => {
    const { html } = await page();
    expect(html).toContain('href="/api/asyncapi.json"');
    const answer = await call('/api/asyncapi.json');
    expect(answer.status).toBe(200);
    const source = readFileSync(new URL('../../asyncapi.yaml', import.meta.url), 'utf8');
    const served = JSON.parse(JSON.stringify(parse(source)).replaceAll('"./openapi.yaml#', '"openapi.json#')) as object;
    expect(answer.body).toEqual(served);
    expect(JSON.stringify(answer.body)).toContain('"openapi.json#/components/schemas/InstanceSummary"');
    expect(openApiViolations('/api/asyncapi.json', answer)).toEqual([]);
  });
});

describe('other methods on the reference routes', () => {
  it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('%s is the 405', async (method) => {
    for (const path of ['/api/docs', '/api/openapi.json', '/api/asyncapi.json']) {
      const answer = await call(path, { method, headers: { Origin: 'https://app.example.org' } });
      expect([answer.status, answer.body]).toEqual([405, errorBody(405, MESSAGE.methodNotAllowed)]);
    }
  });
});
