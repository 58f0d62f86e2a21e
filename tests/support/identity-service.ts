// A small stand-in for ~okeanos's Astakos identity API on loopback, answering POST /identity/v2.0/tokens the way
// Synnefo does for a good token and a bad one, plus the failures a real service shows now and then.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const IDENTITY_USERS: Record<string, string> = {
  'astakos-good-token-0001': 'a57a05e3-0000-4000-8000-0000000000a1',
  'astakos-good-token-0002': 'a57a05e3-0000-4000-8000-0000000000a2',
  // A second token of the first user (an ~okeanos user may hold several).
  'astakos-good-token-0004': 'a57a05e3-0000-4000-8000-0000000000a1',
};

/** A valid token that Astakos takes `slowMs` to accept. */
export const SLOW_BUT_VALID = { token: 'astakos-valid-but-slow-0003', owner: 'a57a05e3-0000-4000-8000-0000000000a3' };

/** Tokens that make the service misbehave. */
export const MISBEHAVING = {
  serverError: 'astakos-answers-500',
  slow: 'astakos-answers-slowly',
  garbage: 'astakos-answers-garbage',
  noUser: 'astakos-answers-without-user',
} as const;

export interface IdentityService {
  url: string;
  /** Tokens asked about, in order. */
  asked: string[];
  close: () => Promise<void>;
}

/** `slowMs`: how long the misbehaving slow token waits; `validDelayMs`: how long SLOW_BUT_VALID waits. */
export async function startIdentityService(slowMs = 5000, validDelayMs = 1800): Promise<IdentityService> {
  const asked: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method !== 'POST' || request.url !== '/identity/v2.0/tokens') {
        response.writeHead(404).end();
        return;
      }
      const token = (JSON.parse(body) as { auth?: { token?: { id?: string } } }).auth?.token?.id ?? '';
      asked.push(token);
      const json = (status: number, value: unknown) =>
        response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(value));
      const owner = IDENTITY_USERS[token] ?? (token === SLOW_BUT_VALID.token ? SLOW_BUT_VALID.owner : undefined);
      if (owner) {
        const delay = token === SLOW_BUT_VALID.token ? validDelayMs : 0;
        setTimeout(
          () =>
            json(200, {
              access: {
                token: {
                  id: token,
                  expires: new Date(Date.now() + 86_400_000).toISOString(),
                  tenant: { id: owner, name: 'user' },
                },
                serviceCatalog: [],
                user: { id: owner, name: 'Lambda user', roles: [{ id: '1', name: 'default' }], roles_links: [] },
              },
            }),
          delay,
        ).unref();
      } else if (token === MISBEHAVING.serverError) json(500, { internalServerError: { code: 500, message: 'boom' } });
      else if (token === MISBEHAVING.slow) setTimeout(() => json(200, {}), slowMs).unref();
      else if (token === MISBEHAVING.garbage)
        response.writeHead(200, { 'Content-Type': 'text/html' }).end('<html>oops</html>');
      else if (token === MISBEHAVING.noUser) json(200, { access: { token: { id: token } } });
      else json(401, { unauthorized: { code: 401, message: 'Invalid token', details: '' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/identity/v2.0`,
    asked,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
