// Any path that is none of the API's, with any method (docs/contract.md section 1): the 404 envelope, without a token.
import { describe, expect, it } from 'vitest';
import { notFoundRoute } from '../../../lib/routes/not-found.ts';
import { invoke } from '../../../harness/events.ts';
import { JSON_CONTENT_TYPE, MESSAGE, errorBody } from '../../support/contract.ts';
import { SECURITY_HEADERS } from '../../support/oracle.ts';

describe('any other path', () => {
  it.each(['GET', 'POST', 'DELETE', 'OPTIONS'])(
    '%s is the 404 No such resource., with the API’s headers',
    async (method) => {
      const answer = await invoke(notFoundRoute(), { method, resource: '/{proxy+}', path: '/api/lambda-instance' });
      expect([answer.statusCode, answer.json]).toEqual([404, errorBody(404, MESSAGE.noSuchResource)]);
      expect(Object.fromEntries(Object.entries(answer.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]))).toEqual({
        'content-type': JSON_CONTENT_TYPE,
        'cache-control': 'no-store',
        ...SECURITY_HEADERS,
      });
    },
  );

  it('a listed origin gets its CORS headers on it', async () => {
    const answer = await invoke(notFoundRoute({ corsOrigins: ['https://app.example.org'] }), {
      resource: '/{proxy+}',
      path: '/nowhere',
      headers: { Origin: 'https://app.example.org' },
    });
    expect([answer.statusCode, answer.headers?.['Access-Control-Allow-Origin']]).toEqual([
      404,
      'https://app.example.org',
    ]);
  });
});
