// A small stand-in for ~okeanos's Astakos identity API on loopback, answering the way Synnefo's astakos/api/tokens.py
// does. POST /identity/v2.0/tokens (a trailing slash too): a good token is a 200 with access.token {id, expires,
// tenant}, access.user {id, name, roles} and access.serviceCatalog; an unknown or expired one is the 401
// `unauthorized` fault; a malformed request, another method, or another path under /identity/ is the 400 `badRequest`
// fault; a path outside /identity/ is Django's HTML 404. Besides Synnefo's own answers: a redirect in front of it
// (/moved/...), a gateway's own 401 (/guarded/...), and the failures a real service shows now and then.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const IDENTITY_USERS: Record<string, string> = {
  'astakos-good-token-0001': 'a57a05e3-0000-4000-8000-0000000000a1',
  'astakos-good-token-0002': 'a57a05e3-0000-4000-8000-0000000000a2',
  // A second token of the first user (an ~okeanos user may hold several).
  'astakos-good-token-0004': 'a57a05e3-0000-4000-8000-0000000000a1',
};

/** A valid token that Astakos takes `slowMs` to accept. */
export const SLOW_BUT_VALID = { token: 'astakos-valid-but-slow-0003', owner: 'a57a05e3-0000-4000-8000-0000000000a3' };

/** A valid token whose Astakos expiry comes `lifetimeSeconds` after the service started; then a 401. */
export const EXPIRING = {
  token: 'astakos-expiring-token-0005',
  owner: 'a57a05e3-0000-4000-8000-0000000000a5',
  lifetimeSeconds: 60,
};

/** Every token Astakos accepts, with its owner. */
const VALID_TOKENS: Record<string, string> = {
  ...IDENTITY_USERS,
  [SLOW_BUT_VALID.token]: SLOW_BUT_VALID.owner,
  [EXPIRING.token]: EXPIRING.owner,
};

/** Tokens that make the service misbehave. */
export const MISBEHAVING = {
  serverError: 'astakos-answers-500',
  slow: 'astakos-answers-slowly',
  garbage: 'astakos-answers-garbage',
  noUser: 'astakos-answers-without-user',
  noExpiry: 'astakos-answers-without-expiry',
} as const;

export interface IdentityService {
  /** The identity API's base, as IDENTITY_URL gives it. */
  url: string;
  /** scheme://host:port, for IDENTITY_URLs that are wrong. */
  origin: string;
  /** When EXPIRING's token expires, in epoch seconds. */
  expiringAt: number;
  /** Tokens asked about, in order. */
  asked: string[];
  close: () => Promise<void>;
}

const SYNNEFO_JSON = { 'Content-Type': 'application/json; charset=UTF-8' };

/** Synnefo's API fault: `{"<name>": {"code", "message", "details"}}` with that code as the status. */
const fault = (response: ServerResponse, name: 'unauthorized' | 'badRequest', code: 400 | 401, message: string) => {
  response.writeHead(code, SYNNEFO_JSON).end(JSON.stringify({ [name]: { code, message, details: '' } }));
};

/** Python's datetime.isoformat() of a UTC time, as Synnefo writes access.token.expires. */
const isoformat = (epochMs: number) => new Date(epochMs).toISOString().replace('Z', '000+00:00');

/** The request body's token, or why Synnefo would call the request malformed. */
function tokenOf(contentType: string | undefined, body: string): { token: string } | { malformed: string } {
  if (contentType === undefined) return { malformed: 'Missing Content-Type header field' };
  let parsed: { auth?: { token?: { id?: unknown } } };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return { malformed: 'Invalid JSON data' };
  }
  const token = parsed.auth?.token?.id;
  return typeof token === 'string' ? { token } : { malformed: 'Malformed request' };
}

/** `slowMs`: how long the misbehaving slow token waits; `validDelayMs`: how long SLOW_BUT_VALID waits. */
export async function startIdentityService(slowMs = 5000, validDelayMs = 1800): Promise<IdentityService> {
  const asked: string[] = [];
  const expiringAt = Math.floor(Date.now() / 1000) + EXPIRING.lifetimeSeconds;

  function authenticate(token: string, response: ServerResponse): void {
    asked.push(token);
    const json = (status: number, value: unknown) =>
      response.writeHead(status, SYNNEFO_JSON).end(JSON.stringify(value));
    const expiring = token === EXPIRING.token;
    if (expiring && Date.now() >= expiringAt * 1000)
      return fault(response, 'unauthorized', 401, 'Authentication expired');
    const owner = VALID_TOKENS[token];
    if (owner) {
      const expires = expiring ? expiringAt * 1000 : Date.now() + 30 * 86_400_000;
      const access = {
        token: { id: token, expires: isoformat(expires), tenant: { id: owner, name: 'Lambda user' } },
        user: { id: owner, name: 'Lambda user', roles: [{ id: 1, name: 'default' }], roles_links: [] },
        serviceCatalog: [],
      };
      const delay = token === SLOW_BUT_VALID.token ? validDelayMs : 0;
      setTimeout(() => json(200, { access }), delay).unref();
    } else if (token === MISBEHAVING.serverError)
      json(500, { internalServerError: { code: 500, message: 'Unexpected error', details: '' } });
    else if (token === MISBEHAVING.slow) setTimeout(() => json(200, {}), slowMs).unref();
    else if (token === MISBEHAVING.garbage)
      response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>oops</html>');
    else if (token === MISBEHAVING.noUser) json(200, { access: { token: { id: token } } });
    else if (token === MISBEHAVING.noExpiry) json(200, { access: { token: { id: token }, user: { id: 'someone' } } });
    else fault(response, 'unauthorized', 401, 'Invalid token');
  }

  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://identity').pathname;
      if (path.startsWith('/moved/'))
        return void response.writeHead(302, { Location: path.slice('/moved'.length) }).end();
      if (path.startsWith('/guarded/'))
        return void response
          .writeHead(401, { 'Content-Type': 'text/html', 'WWW-Authenticate': 'Basic realm="identity"' })
          .end('<h1>401 Authorization Required</h1>');
      if (!path.startsWith('/identity/'))
        return void response.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not Found</h1>');
      if (!/^\/identity\/v2\.0\/tokens\/?$/.test(path))
        return fault(response, 'badRequest', 400, 'API endpoint not found');
      if (request.method !== 'POST') return fault(response, 'badRequest', 400, 'Method not allowed');
      const presented = tokenOf(request.headers['content-type'], body);
      if ('malformed' in presented) return fault(response, 'badRequest', 400, presented.malformed);
      authenticate(presented.token, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/identity/v2.0`,
    origin,
    expiringAt,
    asked,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
