// A client's messages (the WebSocket API's $default route): a ping is answered pong, anything else an error, and
// the connection stays open either way. API Gateway sends the answer's body to the client.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyWebsocketEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { logger as sharedLogger } from '../logger.ts';
import { answerTo } from './messages.ts';

export const clientMessagesRoute = ({ logger = sharedLogger }: { logger?: Logger } = {}) =>
  middy<APIGatewayProxyWebsocketEventV2, APIGatewayProxyResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(({ body }) => ({ statusCode: 200, body: JSON.stringify(answerTo(body)) }));
