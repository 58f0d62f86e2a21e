// The WebSocket API's two small routes on in-memory connections: $disconnect forgets the connection (and a failure to
// is only a warning: API Gateway ignores the answer), and a client's message is answered in the route's response.
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyWebsocketEventV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { clientMessagesRoute } from '../../../lib/push/client-messages.ts';
import type { ConnectionStore } from '../../../lib/push/connections.ts';
import { disconnectRoute } from '../../../lib/push/disconnect.ts';
import { lambdaContext } from '../../../harness/events.ts';

const event = (body?: string) =>
  ({
    requestContext: { connectionId: 'Zx1-connection=', eventType: body === undefined ? 'DISCONNECT' : 'MESSAGE' },
    ...(body !== undefined && { body }),
  }) as unknown as APIGatewayProxyWebsocketEventV2;

function disconnect(forgetById: ConnectionStore['forgetById']) {
  const logger = new Logger({ serviceName: 'lambda-instances-api', logLevel: 'SILENT' });
  const warnings = vi.spyOn(logger, 'warn');
  const connections = { forgetById } as ConnectionStore;
  return { warnings, handler: disconnectRoute({ connections, logger }) };
}

describe('$disconnect', () => {
  it('forgets the connection by its id', async () => {
    const forgotten: string[] = [];
    const { handler } = disconnect((id) => Promise.resolve(void forgotten.push(id)));
    expect(await handler(event(), lambdaContext())).toEqual({ statusCode: 200, body: '' });
    expect(forgotten).toEqual(['Zx1-connection=']);
  });

  it('answers all the same when the connection cannot be forgotten now, and says so', async () => {
    const { handler, warnings } = disconnect(() =>
      Promise.reject(Object.assign(new Error('down'), { name: 'DependencyUnavailableError' })),
    );
    expect(await handler(event(), lambdaContext())).toEqual({ statusCode: 200, body: '' });
    expect(warnings.mock.calls).toEqual([
      ['Could not forget a connection', { connectionId: 'Zx1-connection=', error: 'DependencyUnavailableError' }],
    ]);
  });
});

describe('a client’s message', () => {
  it('is answered in the route’s response: pong to a ping, the error to anything else', async () => {
    const handler = clientMessagesRoute();
    expect(await handler(event('{"action":"ping"}'), lambdaContext())).toEqual({
      statusCode: 200,
      body: '{"type":"pong"}',
    });
    const answer = (await handler(event('hello'), lambdaContext())) as { body: string };
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'error', errors: [{ status: 400 }] });
  });
});
