// API Gateway (REST, payload 1.0) events and a Lambda context, as API Gateway would send them to the functions.
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { ApiHandler } from '../lib/api.ts';

export interface EventOptions {
  method?: string;
  headers?: Record<string, string | string[]>;
  query?: Record<string, string | string[]>;
  id?: string;
  /** The route's resource template (default: the list's, or the details' when id is given). */
  resource?: string;
  /** The request path as the client sent it (default: derived from the resource and id). */
  path?: string;
}

function singleAndMulti(values: Record<string, string | string[]>) {
  const multi = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, [value].flat()]));
  const single = Object.fromEntries(Object.entries(multi).map(([name, all]) => [name, all.at(-1) ?? '']));
  return { single, multi };
}

export function apiEvent({
  method = 'GET',
  headers = {},
  query,
  id,
  resource,
  path,
}: EventOptions = {}): APIGatewayProxyEvent {
  const header = singleAndMulti(headers);
  const parameters = query && singleAndMulti(query);
  const template = resource ?? (id === undefined ? '/backend/lambda-instances' : '/api/lambda-instances/{id}');
  return {
    httpMethod: method,
    resource: template,
    path: path ?? (id === undefined ? template : template.replace('{id}', id)),
    headers: header.single,
    multiValueHeaders: header.multi,
    queryStringParameters: parameters ? parameters.single : null,
    multiValueQueryStringParameters: parameters ? parameters.multi : null,
    pathParameters: id === undefined ? null : { id },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: {} as APIGatewayProxyEvent['requestContext'],
  };
}

export function lambdaContext(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:test',
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: '/aws/lambda/test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 6000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Invokes a function's handler and parses its JSON body (a 204 or 304 has none: `json` is then empty). */
export async function invoke(handler: ApiHandler, options: EventOptions = {}) {
  const response = await handler(apiEvent(options), lambdaContext());
  return { ...response, json: (response.body === '' ? {} : JSON.parse(response.body)) as Record<string, unknown> };
}

/** A function's answer headers as HTTP would carry them: names in any case. */
export const headersOf = ({ headers = {} }: APIGatewayProxyResult): Headers =>
  new Headers(Object.entries(headers).map(([name, value]) => [name, String(value)]));
