// WebSocket $connect (docs/contract.md section 7.8): the handshake presents a token as the REST API's requests do, or
// in the query (`token=`: a browser cannot set a WebSocket's headers); the same verifier and cache decide whose it is.
// A bad token is refused with the API's 401 and nothing is stored; a good one's connection is kept for the push.
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { outerChain, requestDeadline, type ApiHandler, type ApiMiddleware, type OuterChainOptions } from '../api.ts';
import {
  CREDENTIAL_HEADERS,
  authenticatedOwner,
  digestToken,
  readToken,
  isToken,
  type CachingVerifier,
  type OwnerContext,
} from '../auth.ts';
import { singleHeader, singleValue } from '../requests.ts';
import type { ConnectionStore } from './connections.ts';

/**
 * The token a handshake presents: `token=` when no credential header is sent, else the first credential header as
 * the REST API reads it. Both at once (a client bug worth surfacing), or token= repeated with different values, or
 * a value that cannot be a token: none.
 */
export function handshakeToken(
  event: Pick<APIGatewayProxyEvent, 'headers' | 'multiValueHeaders' | 'multiValueQueryStringParameters'>,
): string | undefined {
  const query = singleValue(event.multiValueQueryStringParameters?.token);
  if (query === undefined) return readToken(event);
  const headerSent = CREDENTIAL_HEADERS.some((name) => singleHeader(event, name.toLowerCase()) !== undefined);
  return query !== null && !headerSent && isToken(query) ? query : undefined;
}

/** Reads the handshake's token and its digest once, for authenticatedOwner and for the connection it stores. */
const presentedHandshakeToken = (): ApiMiddleware<OwnerContext> => ({
  before: ({ event, context }) => {
    const value = handshakeToken(event);
    context.token = value === undefined ? undefined : { value, digest: digestToken(value) };
  },
});

export interface ConnectOptions extends OuterChainOptions {
  verifier: CachingVerifier;
  /** What the handshake may spend waiting on DynamoDB and Astakos (REQUEST_DEADLINE_MS). */
  requestDeadlineMs: number;
  connections: ConnectionStore;
}

const ACCEPTED: APIGatewayProxyResult = { statusCode: 200, body: '' };

export function connectRoute({ verifier, requestDeadlineMs, connections, ...outer }: ConnectOptions): ApiHandler {
  const connect = outerChain<OwnerContext>(outer)
    .use(requestDeadline(requestDeadlineMs))
    .use(presentedHandshakeToken())
    .use(authenticatedOwner({ verifier }))
    .handler(async ({ requestContext: { connectionId } }, { owner, token, signal }) => {
      // Not a WebSocket API's event (a test event from a console): the envelope's 500.
      if (connectionId === undefined) throw new Error('$connect without a connection id');
      // authenticatedOwner has refused any request without a token.
      await connections.add({ owner, connectionId, tokenDigest: token!.digest }, { signal });
      return ACCEPTED;
    });
  // The runtime passes a plain Context, to which the chain adds what it learns.
  return (event, context) => connect(event, context as OwnerContext);
}
