// An HTTP proxy on loopback in front of DynamoDB Local that can turn into the faults DynamoDB Local cannot produce
// on demand: throttling, server errors, slowness, reset connections, and a closed port.
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'pass' | 'throttle' | 'throttling' | 'server-error' | 'slow' | 'reset';

export interface FaultProxy {
  endpoint: string;
  mode: FaultMode;
  /** Requests seen, by X-Amz-Target operation (e.g. GetItem). */
  calls: string[];
  /** Closes the port: connections are refused from then on. */
  close: () => Promise<void>;
}

const awsError = (response: ServerResponse, status: number, type: string): void => {
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `injected ${type}` }));
};

export async function startFaultProxy(target: string, slowMs = 5000): Promise<FaultProxy> {
  const upstream = new URL(target);
  const sockets = new Set<Socket>();
  const proxy: FaultProxy = { endpoint: '', mode: 'pass', calls: [], close: () => Promise.resolve() };
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    proxy.calls.push(
      String(incoming.headers['x-amz-target'] ?? '')
        .split('.')
        .pop() ?? '',
    );
    switch (proxy.mode) {
      case 'throttle':
        return awsError(response, 400, 'ProvisionedThroughputExceededException');
      case 'throttling':
        return awsError(response, 400, 'ThrottlingException');
      case 'server-error':
        return awsError(response, 500, 'InternalServerError');
      case 'reset':
        return void incoming.socket.destroy();
      case 'slow':
        return void setTimeout(() => incoming.socket.destroy(), slowMs).unref();
      case 'pass': {
        const upstreamRequest = forward(
          {
            host: upstream.hostname,
            port: upstream.port,
            path: incoming.url,
            method: incoming.method,
            headers: incoming.headers,
          },
          (answer) => {
            response.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(response);
          },
        );
        upstreamRequest.on('error', () => incoming.socket.destroy());
        incoming.pipe(upstreamRequest);
      }
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
