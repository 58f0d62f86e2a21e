// The one middy chain both functions share, outermost first: request logging, security headers, errors as
// envelopes, header normalisation, GET only, the token. A handler is then only parse -> fetch -> shape.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { tokenVerifier, type OwnerContext, type TokenVerifier } from './auth.ts';
import { DependencyUnavailableError, INTERNAL_ERROR_MESSAGE, UNAVAILABLE_MESSAGE, methodNotAllowed } from './errors.ts';
import { logger as sharedLogger } from './logger.ts';
import type { Query } from './requests.ts';
import { failure, ok, type SuccessBody } from './responses.ts';

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

/**
 * An exposed HTTP error keeps its status and message; a dependency fault is a 503; anything else is logged and
 * becomes a 500. Only the error's name and its cause's name are logged with a 503: never a token.
 */
const errorEnvelope = (logger: Logger): ApiMiddleware => ({
  onError: (request) => {
    const { error } = request;
    if (isExposed(error)) {
      request.response = failure(error.statusCode, error.message);
    } else if (error instanceof DependencyUnavailableError) {
      logger.warn('Dependency unavailable', { reason: error.message, cause: (error.cause as Error | undefined)?.name });
      request.response = failure(503, UNAVAILABLE_MESSAGE);
    } else {
      logger.error('Unhandled error', error instanceof Error ? error : String(error));
      request.response = failure(500, INTERNAL_ERROR_MESSAGE);
    }
  },
});

/** One line per request: route, method, status and latency (the request id comes from injectLambdaContext). */
const accessLog = (logger: Logger): ApiMiddleware => {
  const startedAt = new WeakMap<object, number>();
  const log = (request: Parameters<NonNullable<ApiMiddleware['after']>>[0]): void => {
    const { event, response } = request;
    logger.info('request', {
      route: event.resource,
      method: event.httpMethod,
      status: response?.statusCode,
      latencyMs: Math.round(performance.now() - (startedAt.get(request) ?? performance.now())),
    });
  };
  return {
    before: (request) => void startedAt.set(request, performance.now()),
    after: log,
    onError: log,
  };
};

const onlyGet = (): ApiMiddleware => ({
  before: (request) => {
    if (request.event.httpMethod !== 'GET') throw methodNotAllowed();
  },
});

/** What the Lambda runtime calls: it passes a plain Context, to which tokenVerifier adds the owner. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** What the chain needs besides the handler: who verifies tokens (lib/dependencies.ts builds the deployed one). */
export interface ApiOptions {
  verifier: TokenVerifier;
  /** Where the request log and errors go (default: the functions' logger). */
  logger?: Logger;
}

export function withApi(
  { verifier, logger = sharedLogger }: ApiOptions,
  handle: (request: ApiRequest) => Promise<SuccessBody>,
): ApiHandler {
  // onError and after run in the reverse order of use: the envelope is built before the headers and the log see it.
  const chain = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, OwnerContext>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(accessLog(logger))
    .use(httpSecurityHeaders())
    .use(errorEnvelope(logger))
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
