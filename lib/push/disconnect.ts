// WebSocket $disconnect: the connection is forgotten. API Gateway ignores the answer; a connection that could not be
// forgotten now is forgotten when a push finds it gone, or by the connections table's TTL.
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyWebsocketEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { logger as sharedLogger } from '../logger.ts';
import type { ConnectionStore } from './connections.ts';

export const disconnectRoute = ({
  connections,
  logger = sharedLogger,
}: {
  connections: ConnectionStore;
  logger?: Logger;
}) =>
  middy<APIGatewayProxyWebsocketEventV2, APIGatewayProxyResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async ({ requestContext: { connectionId } }) => {
      try {
        await connections.forgetById(connectionId);
      } catch (error) {
        logger.warn('Could not forget a connection', { connectionId, error: (error as Error).name });
      }
      return { statusCode: 200, body: '' };
    });
