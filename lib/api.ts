// The one middy chain the functions share. Outermost first: header normalisation, the request log, security headers,
// CORS, errors as envelopes, then for a GET conditional requests, GET only, the request's deadline, the route's
// prefetch and the token; a route's handler is then only parse -> fetch -> shape. An OPTIONS (a CORS preflight)
// takes the same outer chain to its own answer, which needs no token: middy skips every `after` of an answer
// returned early, so it cannot be a `before`.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj, type Request } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { digestToken, readToken, tokenVerifier, type CachingVerifier, type OwnerContext } from './auth.ts';
import { conditionalRequests } from './conditional.ts';
import { cors, preflight } from './cors.ts';
import { DependencyUnavailableError, INTERNAL_ERROR_MESSAGE, UNAVAILABLE_MESSAGE, methodNotAllowed } from './errors.ts';
import { logger as sharedLogger } from './logger.ts';
import { requestTarget, type Query } from './requests.ts';
import { SECURITY_HEADERS, failure, ok, pagingLinks, type SuccessBody } from './responses.ts';

export type PathParameters = Readonly<Record<string, string | undefined>>;

interface ApiRequest<P = never> {
  owner: string;
  query: Query;
  pathParameters: PathParameters;
  /** Aborts at the request's deadline: give it to every DynamoDB call. */
  signal: AbortSignal;
  /** What the route's prefetch started, when it started anything. */
  prefetched: Promise<P> | undefined;
}

export interface Route<P = never> {
  /**
   * A read the handler will need whoever asks (by key, from the path): started with the token check rather than
   * after it, so that a request whose token is not cached waits for one round trip, not two. Only for a request
   * that presents a token. Its failure reaches the handler when it awaits `prefetched`, after the 401 and 400 checks.
   */
  prefetch?: (request: { pathParameters: PathParameters; signal: AbortSignal }) => Promise<P> | undefined;
  handle: (request: ApiRequest<P>) => Promise<SuccessBody>;
}

interface RouteContext extends OwnerContext {
  prefetched?: Promise<unknown> | undefined;
}

type ApiMiddleware<C extends Context = Context> = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, C>;

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
  const add = ({ response }: Request<APIGatewayProxyEvent, APIGatewayProxyResult>): void => {
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
  const startedAt = new WeakMap<object, number>();
  const log = (request: Parameters<NonNullable<ApiMiddleware['after']>>[0]): void => {
    const { event, response } = request;
    logger.debug('request', {
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

export const onlyGet = (): ApiMiddleware => ({
  before: (request) => {
    if (request.event.httpMethod !== 'GET') throw methodNotAllowed();
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
const requestDeadline = (deadlineMs: number): ApiMiddleware<OwnerContext> => {
  const deadlines = new WeakMap<object, { controller: AbortController; timer: NodeJS.Timeout }>();
  return {
    before: (request) => {
      const controller = new AbortController();
      const remainingMs = request.context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS;
      const passed = () => controller.abort(new DOMException('The request deadline passed', 'TimeoutError'));
      deadlines.set(request, { controller, timer: setTimeout(passed, Math.max(0, Math.min(deadlineMs, remainingMs))) });
      request.context.signal = controller.signal;
    },
    after: (request) => clearTimeout(deadlines.get(request)?.timer),
    onError: (request) => {
      const deadline = deadlines.get(request);
      clearTimeout(deadline?.timer);
      deadline?.controller.abort();
    },
  };
};

/**
 * Starts the route's prefetch (see Route) for a request whose token must be read: one that the container already
 * knows (remembered, or refused moments ago) costs no read of its own, and a refused one no read at all.
 */
const prefetching = <P>(prefetch: Route<P>['prefetch'], verifier: CachingVerifier): ApiMiddleware<RouteContext> => ({
  before: (request) => {
    const token = readToken(request.event);
    if (token === undefined || verifier.recall(digestToken(token)) !== undefined) return;
    const { pathParameters } = request.event;
    const started = prefetch?.({ pathParameters: pathParameters ?? {}, signal: request.context.signal });
    // Awaited by the handler; when the request is refused first (401, 400), by nobody: not an unhandled rejection.
    started?.catch(() => undefined);
    request.context.prefetched = started;
  },
});

/** What the Lambda runtime calls: it passes a plain Context, to which tokenVerifier adds the owner. */
export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface AnsweringOptions {
  /** Where the request log and errors go (default: the functions' logger). */
  logger?: Logger;
  /** The exact origins whose browsers may call the API (CORS_ORIGINS; default: none). */
  corsOrigins?: readonly string[];
}

/**
 * The outer chain every function shares: header normalisation, the request log, security headers, CORS, errors as
 * envelopes. onError and after run in the reverse order of use: the envelope is built before CORS, the security
 * headers and the log see it.
 */
export function answering<C extends Context>({ logger = sharedLogger, corsOrigins = [] }: AnsweringOptions) {
  // middy's own per-invocation timeout race is off: lib/api.ts's request deadline bounds every request, middlewares
  // included, and a second timer per request would be CPU for nothing.
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, C>({ timeoutEarlyInMillis: 0 })
    .use(httpHeaderNormalizer())
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(accessLog(logger))
    .use(securityHeaders())
    .use(cors(new Set(corsOrigins)))
    .use(errorEnvelope(logger));
}

/** What the API's chain needs besides the handler: who verifies tokens (lib/dependencies.ts builds the deployed one). */
export interface ApiOptions extends AnsweringOptions {
  verifier: CachingVerifier;
  /** What a request may spend waiting on DynamoDB and Astakos (REQUEST_DEADLINE_MS). */
  requestDeadlineMs?: number;
}

export function withApi<P = never>(
  { verifier, requestDeadlineMs = 2500, ...outer }: ApiOptions,
  { prefetch, handle }: Route<P>,
): ApiHandler {
  const get = answering<RouteContext>(outer)
    .use(conditionalRequests())
    .use(onlyGet())
    .use(requestDeadline(requestDeadlineMs))
    .use(prefetching(prefetch, verifier))
    .use(tokenVerifier({ verifier }))
    .handler(async (event, { owner, signal, prefetched }) => {
      const query = event.multiValueQueryStringParameters ?? {};
      const pathParameters = event.pathParameters ?? {};
      const body = await handle({
        owner,
        query,
        pathParameters,
        signal,
        prefetched: prefetched as Promise<P> | undefined,
      });
      return ok(body, body.pagination && { Link: pagingLinks(requestTarget(event), body.pagination) });
    });
  const origins = new Set(outer.corsOrigins);
  const options = answering<RouteContext>(outer).handler((event) => preflight(event, origins));

  return (event, context) => (event.httpMethod === 'OPTIONS' ? options : get)(event, context as RouteContext);
}
