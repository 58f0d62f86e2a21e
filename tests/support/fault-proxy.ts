// A TCP proxy on loopback in front of DynamoDB Local that injects real network faults: in `pass` mode it forwards
// bytes both ways; in `reset` mode every connection is cut at once (DynamoDB unreachable); in `stall` mode
// connections are accepted and never answered (DynamoDB too slow). Switching mode cuts the open connections, so
// the AWS SDK's kept-alive sockets see the new mode on their next request.
import { connect, createServer, type Socket } from 'node:net';

export type FaultMode = 'pass' | 'reset' | 'stall';

export interface FaultProxy {
  /** The endpoint to give the AWS SDK (AWS_ENDPOINT_URL_DYNAMODB). */
  endpoint: string;
  setMode(mode: FaultMode): void;
  close(): Promise<void>;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const open = new Set<Socket>();
  let mode: FaultMode = 'pass';

  const track = (socket: Socket): void => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server = createServer((client) => {
    track(client);
    if (mode === 'reset') {
      client.resetAndDestroy();
      return;
    }
    if (mode === 'stall') return; // accepted, read, never answered
    const server = connect(Number(target.port), target.hostname);
    track(server);
    client.pipe(server);
    server.pipe(client);
    client.once('close', () => server.destroy());
    server.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('fault proxy: no address');

  const cutAll = (): void => {
    for (const socket of open) socket.destroy();
  };

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    setMode(next) {
      mode = next;
      cutAll();
    },
    close: () =>
      new Promise<void>((resolve) => {
        cutAll();
        server.close(() => resolve());
      }),
  };
}
