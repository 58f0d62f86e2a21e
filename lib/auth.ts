// The token-verifier middleware: finds the caller's token, asks a TokenVerifier whose it is, and hands the owner to
// the handler in the context. It knows tokens only; which verifier answers is chosen by configuration.
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyEventHeaders, APIGatewayProxyResult, Context } from 'aws-lambda';
import { unauthorized } from './errors.ts';

export interface TokenVerifier {
  /** The owner (user UUID) the token belongs to, or undefined when the token is unknown, revoked or expired. */
  ownerOf(token: string): Promise<string | undefined>;
}

export interface OwnerContext extends Context {
  owner: string;
}

/** `Token <token>` (or `Bearer <token>`), the scheme word in any case. */
const SCHEME = /^(?:token|bearer) +(\S+) *$/i;
/** Printable ASCII without spaces: anything else cannot be a token and is not looked up. */
const TOKEN = /^[\x21-\x7e]{1,512}$/;

/**
 * The token from the first of Authorization, Authentication (the seeds' curl examples) and X-Api-Key (the list
 * seed's prose) that is present; header names must already be lower case (http-header-normalizer).
 */
export function readToken(headers: APIGatewayProxyEventHeaders): string | undefined {
  const credentials = headers.authorization ?? headers.authentication;
  const token = credentials === undefined ? headers['x-api-key'] : SCHEME.exec(credentials)?.[1];
  return token !== undefined && TOKEN.test(token) ? token : undefined;
}

export function tokenVerifier({
  verifier,
}: {
  verifier: TokenVerifier;
}): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, OwnerContext> {
  return {
    before: async (request) => {
      const token = readToken(request.event.headers);
      const owner = token === undefined ? undefined : await verifier.ownerOf(token);
      if (owner === undefined) throw unauthorized();
      request.context.owner = owner;
    },
  };
}
