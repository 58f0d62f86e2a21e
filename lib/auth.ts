// The token-verifier middleware: finds the caller's token, asks a TokenVerifier whose it is, and hands the owner to
// the handler in the context. It knows tokens only; which verifier answers is chosen by configuration.
import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { unauthorized } from './errors.ts';
import { singleHeader } from './requests.ts';
import type { CallOptions } from './store.ts';

/** A token as a client presented it, with the digest that every lookup and cache uses instead of the secret. */
export interface PresentedToken {
  value: string;
  digest: string;
}

export interface VerifiedToken {
  owner: string;
  /** Epoch seconds after which the token no longer holds, if it expires. */
  expiresAt?: number;
}

export interface TokenVerifier {
  /** Whose token it is, or undefined when it is unknown, revoked or expired. */
  verify(token: PresentedToken, options?: CallOptions): Promise<VerifiedToken | undefined>;
}

/** A verifier with a warm container's memory in front of it: what it already knows of a token, without a read. */
export interface CachingVerifier extends TokenVerifier {
  /** Whose token it is when remembered, null when it was refused moments ago, undefined when it must be read. */
  recall(digest: string): VerifiedToken | null | undefined;
}

export interface OwnerContext extends Context {
  owner: string;
  /** Aborts when the request's deadline passes (lib/api.ts). */
  signal: AbortSignal;
  /** The token the request presents, read once by presentedToken; undefined when it presents none. */
  token: PresentedToken | undefined;
}

/** `Token <token>` (or `Bearer <token>`): the scheme word in any case, then one or more spaces (RFC 9110's 1*SP). */
const SCHEME = /^(?:token|bearer) +(\S+) *$/i;
/** Printable ASCII without spaces: anything else cannot be a token and is not looked up. */
const TOKEN = /^[\x21-\x7e]{1,512}$/;

/** Whether a text can be a token at all (docs/decisions.md, "What a token looks like"): if not, it is never looked up. */
export const isToken = (text: string): boolean => TOKEN.test(text);

/** Tokens are stored, looked up and cached by this digest only, never in clear. */
export function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Where a token may come from, in this order (docs/contract.md section 2): the documented header, the original service's curl
 * examples, the list seed's prose, and the header ~okeanos's own services and its kamaki client send.
 */
const CREDENTIAL_SOURCES = [
  { header: 'Authorization', bare: false },
  { header: 'Authentication', bare: false },
  { header: 'X-Api-Key', bare: true },
  { header: 'X-Auth-Token', bare: true },
] as const;

/** Every header a token may come in: an answer depends on each (Vary), and a browser may send each (CORS). */
export const CREDENTIAL_HEADERS: readonly string[] = CREDENTIAL_SOURCES.map(({ header }) => header);

/**
 * The token from the first credential header present. That header decides: malformed, or repeated with different
 * values, it gives no token, whatever the others hold.
 */
export function readToken(event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders'>): string | undefined {
  for (const { header, bare } of CREDENTIAL_SOURCES) {
    // Names in lower case: http-header-normalizer.
    const value = singleHeader(event, header.toLowerCase());
    if (value === undefined) continue;
    if (value === null) return undefined;
    const token = bare ? value : SCHEME.exec(value)?.[1];
    return token !== undefined && isToken(token) ? token : undefined;
  }
  return undefined;
}

type TokenMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, OwnerContext>;

/** Reads the request's token and its digest once, for authenticatedOwner and for what a route does beside it. */
export const presentedToken = (): TokenMiddleware => ({
  before: ({ event, context }) => {
    const value = readToken(event);
    context.token = value === undefined ? undefined : { value, digest: digestToken(value) };
  },
});

/** Whose the token that presentedToken read is, or a 401. */
export function authenticatedOwner({ verifier }: { verifier: TokenVerifier }): TokenMiddleware {
  return {
    before: async ({ context }) => {
      const { token, signal } = context;
      const verified = token === undefined ? undefined : await verifier.verify(token, { signal });
      if (verified === undefined) throw unauthorized();
      context.owner = verified.owner;
    },
  };
}
