// Browsers on other origins (docs/contract.md section 7.4). Only the origins listed in CORS_ORIGINS, matched exactly,
// get CORS headers, on every answer, errors included; a preflight (OPTIONS) from one of them is a 204 that needs no
// token, and any other OPTIONS is the 405 of any other method. No origin listed: no CORS header at all. No credentials
// mode: tokens travel in headers, never in cookies.
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CREDENTIAL_HEADERS } from './auth.ts';
import { methodNotAllowed } from './errors.ts';
import { singleHeader } from './requests.ts';
import { appendVary } from './responses.ts';

/** What a script on a listed origin may read of an answer, besides the safelisted headers. */
const EXPOSED_HEADERS = 'ETag, Link, Retry-After, WWW-Authenticate';
/** What a preflight allows: a GET with a credential header and a revalidation, for 10 minutes. */
const PREFLIGHT_HEADERS = {
  'Access-Control-Allow-Methods': 'GET',
  'Access-Control-Allow-Headers': [...CREDENTIAL_HEADERS, 'If-None-Match'].join(', '),
  'Access-Control-Max-Age': '600',
};

/** The request's Origin when it is one of these; undefined otherwise (absent, repeated, or not listed). */
function listedOrigin(event: APIGatewayProxyEvent, origins: ReadonlySet<string>): string | undefined {
  const origin = singleHeader(event, 'origin');
  return typeof origin === 'string' && origins.has(origin) ? origin : undefined;
}

export function cors(origins: ReadonlySet<string>): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const allow = ({ event, response }: Request<APIGatewayProxyEvent, APIGatewayProxyResult>): void => {
    const origin = listedOrigin(event, origins);
    if (origin === undefined || !response) return;
    response.headers = {
      ...response.headers,
      'Access-Control-Allow-Origin': origin,
      'Access-Control-Expose-Headers': EXPOSED_HEADERS,
      Vary: appendVary(response.headers?.Vary, 'Origin'),
    };
  };
  return { after: allow, onError: allow };
}

/** The answer to an OPTIONS: a preflight's 204 for a listed origin, the 405 of any other method otherwise. */
export function preflight(event: APIGatewayProxyEvent, origins: ReadonlySet<string>): APIGatewayProxyResult {
  if (listedOrigin(event, origins) === undefined) throw methodNotAllowed();
  return { statusCode: 204, headers: { ...PREFLIGHT_HEADERS }, body: '' };
}
