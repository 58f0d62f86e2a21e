// The one middy chain both functions share: errors become envelopes, headers are normalised, only GET passes, the
// token is verified, and the handler's body is sent as JSON. A handler is then only parse -> fetch -> shape.
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { tokenVerifier, type OwnerContext, type TokenVerifier } from './auth.ts';
import { INTERNAL_ERROR_MESSAGE, methodNotAllowed } from './errors.ts';
import type { Query } from './requests.ts';
import { failure, ok, type SuccessBody } from './responses.ts';
import { configuredVerifier } from './verifiers.ts';

export interface ApiRequest {
  owner: string;
  query: Query;
  pathParameters: Readonly<Record<string, string | undefined>>;
}

type ApiMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, OwnerContext>;

interface ExposedError {
  statusCode: number;
  message: string;
  expose: true;
}

function isExposed(error: unknown): error is ExposedError {
  return error instanceof Error && 'expose' in error && error.expose === true && 'statusCode' in error;
}

/** Outermost: an exposed HTTP error keeps its status and message; anything else is logged and becomes a 500. */
const errorEnvelope = (): ApiMiddleware => ({
  onError: (request) => {
    const { error } = request;
    if (isExposed(error)) {
      request.response = failure(error.statusCode, error.message);
      return;
    }
    console.error('Unhandled error', error);
    request.response = failure(500, INTERNAL_ERROR_MESSAGE);
  },
});

const onlyGet = (): ApiMiddleware => ({
  before: (request) => {
    if (request.event.httpMethod !== 'GET') throw methodNotAllowed();
  },
});

/** What the Lambda runtime calls: it passes a plain Context, to which tokenVerifier adds the owner. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export function withApi(
  handle: (request: ApiRequest) => Promise<SuccessBody>,
  verifier: TokenVerifier = configuredVerifier,
): ApiHandler {
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, OwnerContext>()
    .use(errorEnvelope())
    .use(httpHeaderNormalizer())
    .use(onlyGet())
    .use(tokenVerifier({ verifier }))
    .handler(async (event, context) =>
      ok(
        await handle({
          owner: context.owner,
          query: event.multiValueQueryStringParameters ?? {},
          pathParameters: event.pathParameters ?? {},
        }),
      ),
    );
  return chain as unknown as ApiHandler;
}
