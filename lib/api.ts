// The middy chains the functions share. Every answer, outermost first: header normalisation, the request log, the
// security headers, CORS, errors as envelopes. An API GET then: conditional requests, GET only, the request's
// deadline, the presented token, the route's own middleware (what it reads beside the token check), the token check;
// the route's handler is then only parse -> fetch -> shape. An OPTIONS (a CORS preflight) takes the same outer chain
// to its own answer, which needs no token: middy skips every `after` of an answer returned early, so it cannot be a
// `before`.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { authenticatedOwner, presentedToken, type CachingVerifier, type OwnerContext } from './auth.ts';
import { conditionalRequests } from './conditional.ts';
import { cors, preflight } from './cors.ts';
import { DependencyUnavailableError, INTERNAL_ERROR_MESSAGE, UNAVAILABLE_MESSAGE, methodNotAllowed } from './errors.ts';
import { logger as sharedLogger } from './logger.ts';
import { requestTarget, type Query } from './requests.ts';
import { SECURITY_HEADERS, failure, ok, pagingLinks, type SuccessBody } from './responses.ts';

/** What the chain's own middlewares keep per request (middy's request.internal). */
type ApiInternal = {
  startedAt?: number;
  deadline?: { controller: AbortController; timer: NodeJS.Timeout };
};

type ApiRequest<C extends Context> = Request<APIGatewayProxyEvent, APIGatewayProxyResult, Error, C, ApiInternal>;

export type ApiMiddleware<C extends Context = Context> = MiddlewareObj<
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  Error,
  C,
  ApiInternal
>;

/** What the Lambda runtime calls: it passes a plain Context, to which the chain adds what it learns. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

interface ExposedError {
  statusCode: number;
  message: string;
  expose: true;
  /** Every problem found, when there are several (a 400). */
  problems?: string[];
}

function isExposed(error: unknown): error is ExposedError {
  return error instanceof Error && 'expose' in error && error.expose === true && 'statusCode' in error;
}

/**
 * An exposed HTTP error keeps its status and messages; a dependency fault is a 503; anything else is logged and
 * becomes a 500. Only the error's name and its cause's name are logged with a 503: never a token.
 */
const errorEnvelope = (logger: Logger): ApiMiddleware => ({
  onError: (request) => {
    const { error } = request;
    if (isExposed(error)) {
      request.response = failure(error.statusCode, ...(error.problems ?? [error.message]));
    } else if (error instanceof DependencyUnavailableError) {
      logger.warn('Dependency unavailable', { reason: error.message, cause: (error.cause as Error | undefined)?.name });
      request.response = failure(503, UNAVAILABLE_MESSAGE);
    } else {
      logger.error('Unhandled error', error instanceof Error ? error : String(error));
      request.response = failure(500, INTERNAL_ERROR_MESSAGE);
    }
  },
});

/** The security headers on every answer, under the answer's own (the reference page's CSP). */
const securityHeaders = (): ApiMiddleware => {
  const add = ({ response }: ApiRequest<Context>): void => {
    if (response) response.headers = { ...SECURITY_HEADERS, ...response.headers };
  };
  return { after: add, onError: add };
};

/**
 * One line per request at DEBUG: route, method, status and latency (the request id comes from injectLambdaContext).
 * API Gateway's access log has a line per request in production; this one is for POWERTOOLS_LOG_LEVEL=DEBUG, or for
 * the share of requests POWERTOOLS_LOGGER_SAMPLE_RATE samples.
 */
const accessLog = (logger: Logger): ApiMiddleware => {
  const log = ({ event, response, internal }: ApiRequest<Context>): void => {
    logger.debug('request', {
      route: event.resource,
      method: event.httpMethod,
      status: response?.statusCode,
      latencyMs: Math.round(performance.now() - (internal.startedAt ?? performance.now())),
    });
  };
  return { before: ({ internal }) => void (internal.startedAt = performance.now()), after: log, onError: log };
};

export const onlyGet = (): ApiMiddleware => ({
  before: ({ event }) => {
    if (event.httpMethod !== 'GET') throw methodNotAllowed();
  },
});

/** Time kept from the function's remaining time to shape and send the answer once the deadline has passed. */
const ANSWER_MARGIN_MS = 250;

/**
 * One deadline for the whole request: every DynamoDB and Astakos call takes its signal, and a call cut short by it
 * is a 503. It never runs past the function's own remaining time, less the margin to answer. Its timer is cleared
 * with the answer (a timer left for every request would pile up in a busy container); an early answer (an error)
 * also cancels what is still being read.
 */
export const requestDeadline = (deadlineMs: number): ApiMiddleware<OwnerContext> => ({
  before: ({ context, internal }) => {
    const controller = new AbortController();
    const passed = () => controller.abort(new DOMException('The request deadline passed', 'TimeoutError'));
    const remainingMs = context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
    internal.deadline = { controller, timer: setTimeout(passed, Math.max(0, Math.min(deadlineMs, remainingMs))) };
    context.signal = controller.signal;
  },
  after: ({ internal }) => clearTimeout(internal.deadline?.timer),
  onError: ({ internal }) => {
    clearTimeout(internal.deadline?.timer);
    internal.deadline?.controller.abort();
  },
});

export interface OuterChainOptions {
  /** Where the request log and errors go (default: the functions' logger). */
  logger?: Logger;
  /** The exact origins whose browsers may call the API (CORS_ORIGINS; default: none). */
  corsOrigins?: readonly string[];
}

/**
 * The outer chain every function shares. onError and after run in the reverse order of use: the envelope is built
 * before CORS, the security headers and the log see it.
 */
export function outerChain<C extends Context>({ logger = sharedLogger, corsOrigins = [] }: OuterChainOptions) {
  // middy's own per-invocation timeout race is off: the request deadline bounds every API request, middlewares
  // included, and a second timer per request would be CPU for nothing.
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, C>({ timeoutEarlyInMillis: 0 })
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(accessLog(logger))
    .use(securityHeaders())
    .use(cors(new Set(corsOrigins)))
    .use(errorEnvelope(logger));
}

/** What the API's chain needs besides the handler: who verifies tokens (lib/dependencies.ts builds the deployed). */
export interface ApiOptions extends OuterChainOptions {
  verifier: CachingVerifier;
  /** What a request may spend waiting on DynamoDB and Astakos (REQUEST_DEADLINE_MS). */
  requestDeadlineMs: number;
}

/** What a route's handler reads of the event; the rest is in the context (owner, signal, what its middleware added). */
interface RouteRequest {
  query: Query;
  pathParameters: Readonly<Record<string, string | undefined>>;
}

export interface Route<C extends OwnerContext> {
  /** The route's own middlewares, before the token check: a read started here goes on beside it (the details'). */
  beforeTokenCheck?: ApiMiddleware<C>[];
  handle: (request: RouteRequest, context: C) => Promise<SuccessBody>;
  /** The error to answer when the answer is too large for one Lambda response. */
  tooLarge?: () => Error;
}

/** Lambda's limit on a response (6 MB), less room for its status and headers. */
const RESPONSE_BYTES = 6 * 1024 * 1024 - 16 * 1024;

/**
 * Whether Lambda can return this answer: its body travels as a JSON string, escapes included. A body of n UTF-16
 * units takes at most 3n bytes so (it is JSON text already: no control character); only a longer one is measured.
 */
const fitsOneResponse = ({ body }: APIGatewayProxyResult): boolean =>
  body.length * 3 < RESPONSE_BYTES || Buffer.byteLength(JSON.stringify(body)) < RESPONSE_BYTES;

export function withApi<C extends OwnerContext = OwnerContext>(
  { verifier, requestDeadlineMs, ...outer }: ApiOptions,
  { beforeTokenCheck = [], handle, tooLarge }: Route<C>,
): ApiHandler {
  const get = outerChain<C>(outer)
    .use(conditionalRequests())
    .use(onlyGet())
    .use(requestDeadline(requestDeadlineMs))
    .use(presentedToken())
    .use(beforeTokenCheck)
    .use(authenticatedOwner({ verifier }))
    .handler(async (event, context) => {
      const query = event.multiValueQueryStringParameters ?? {};
      const body = await handle({ query, pathParameters: event.pathParameters ?? {} }, context);
      const response = ok(body, body.pagination && { Link: pagingLinks(requestTarget(event), body.pagination) });
      if (tooLarge && !fitsOneResponse(response)) throw tooLarge();
      return response;
    });
  const origins = new Set(outer.corsOrigins);
  const options = outerChain<C>(outer).handler((event) => preflight(event, origins));

  return (event, context) => (event.httpMethod === 'OPTIONS' ? options : get)(event, context as C);
}
