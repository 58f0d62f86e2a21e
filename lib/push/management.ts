// API Gateway's @connections management API, as the push uses it: post a message to a connection, close one. A
// connection that is gone is an answer, not a failure: API Gateway names it GoneException; serverless-offline answers
// the same 410 under the name Unknown.
import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  PostToConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';

export interface ConnectionsApi {
  /** Posts one message; 'gone' when the connection no longer exists. */
  send(connectionId: string, message: string): Promise<'sent' | 'gone'>;
  /** Closes the connection (API Gateway then calls $disconnect); one already gone is closed too. */
  close(connectionId: string): Promise<void>;
}

/** A 410, whatever the error is named. */
const isGone = (error: unknown): boolean =>
  (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode === 410;

/** Runs a call; true when the connection was gone, false when the call succeeded; anything else is rethrown. */
async function wasGone(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    if (isGone(error)) return true;
    throw error;
  }
}

/**
 * The management API at `endpoint` (https://{api}.execute-api.{region}.amazonaws.com/{stage}, from the stack): at most
 * 2 attempts each, 2 s to answer once connected.
 */
export function connectionsApi(endpoint: string): ConnectionsApi {
  const client = new ApiGatewayManagementApiClient({
    endpoint,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 500, requestTimeout: 2000, throwOnRequestTimeout: true },
  });
  return {
    async send(connectionId, message) {
      const gone = await wasGone(() =>
        client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: message })),
      );
      return gone ? 'gone' : 'sent';
    },
    async close(connectionId) {
      await wasGone(() => client.send(new DeleteConnectionCommand({ ConnectionId: connectionId })));
    },
  };
}
