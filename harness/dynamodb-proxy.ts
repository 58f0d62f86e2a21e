// A loopback HTTP proxy between a process's AWS SDK and DynamoDB Local, used by the tests and the bench. It counts
// the calls it forwards (operation, table or index, read units, items, bytes), and on demand it becomes the faults
// DynamoDB Local cannot produce: throttling, server errors, slowness (no answer, or a late one), reset connections,
// and a closed port.
// To learn the read units of reads that do not ask for them, it adds ReturnConsumedCapacity=TOTAL to every read it
// forwards: DynamoDB Local does not check SigV4 signatures, so the changed body still passes, and the SDK ignores
// the extra ConsumedCapacity in the answer.
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultMode = 'pass' | 'throttle' | 'throttling' | 'server-error' | 'slow' | 'lagging' | 'reset';

export interface CountedCall {
  /** The X-Amz-Target operation, e.g. GetItem. */
  operation: string;
  /** Table, or `table/index` for a Query on an index; empty for a call that was not forwarded. */
  target: string;
  readUnits: number;
  /** Items returned (Query and Scan), 1 or 0 for GetItem. */
  items: number;
  /** Bytes of the answer's body. */
  bytes: number;
  /** When the proxy received the call and when it answered it (performance.now(); NaN until answered). */
  receivedMs: number;
  answeredMs: number;
}

export interface DynamoDbProxy {
  endpoint: string;
  /** 'pass' forwards; 'lagging' forwards `lagMs` late; any other mode answers every request with that fault. */
  mode: FaultMode;
  lagMs: number;
  /** The calls since the last take(), forgotten once taken. */
  take(): CountedCall[];
  /** Closes the port: connections are refused from then on. */
  close(): Promise<void>;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);

interface ReadAnswer {
  ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[];
  Count?: number;
  Item?: unknown;
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function readUnitsOf(answer: ReadAnswer): number {
  const consumed = answer.ConsumedCapacity;
  const all = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  return all.reduce((sum, { CapacityUnits }) => sum + (CapacityUnits ?? 0), 0);
}

function awsError(response: ServerResponse, status: number, type: string): void {
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: `injected ${type}` }));
}

/** The table (or table/index) a request names, and its body with ReturnConsumedCapacity added to a read. */
function inspect(operation: string, body: Buffer): { target: string; body: Buffer } {
  if (body.length === 0) return { target: '', body };
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  let target =
    typeof parsed.TableName === 'string'
      ? parsed.TableName
      : Object.keys((parsed.RequestItems as object | undefined) ?? {}).join(',');
  if (typeof parsed.IndexName === 'string') target += `/${parsed.IndexName}`;
  if (!READS.has(operation) || parsed.ReturnConsumedCapacity !== undefined) return { target, body };
  return { target, body: Buffer.from(JSON.stringify({ ...parsed, ReturnConsumedCapacity: 'TOTAL' }), 'utf8') };
}

/** Starts the proxy in front of `upstream`; a 'slow' answer comes after `slowMs` as a reset connection. */
export async function startDynamoDbProxy(upstream: string, slowMs = 5000): Promise<DynamoDbProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  let calls: CountedCall[] = [];

  async function handle(incoming: IncomingMessage, outgoing: ServerResponse): Promise<void> {
    const operation = String(incoming.headers['x-amz-target'] ?? '')
      .split('.')
      .pop();
    const request = inspect(operation ?? '', await readBody(incoming));
    const call: CountedCall = {
      operation: operation ?? '',
      target: request.target,
      readUnits: 0,
      items: 0,
      bytes: 0,
      receivedMs: performance.now(),
      answeredMs: NaN,
    };
    if (operation) calls.push(call);
    switch (proxy.mode) {
      case 'throttle':
        return awsError(outgoing, 400, 'ProvisionedThroughputExceededException');
      case 'throttling':
        return awsError(outgoing, 400, 'ThrottlingException');
      case 'server-error':
        return awsError(outgoing, 500, 'InternalServerError');
      case 'reset':
        return void incoming.socket.destroy();
      case 'slow':
        return void setTimeout(() => incoming.socket.destroy(), slowMs).unref();
      case 'lagging':
        await new Promise((resolve) => setTimeout(resolve, proxy.lagMs));
        break;
      case 'pass':
        break;
    }
    const forwarded = forward(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host, 'content-length': String(request.body.length) },
      },
      (answer) => {
        void readBody(answer).then((answerBody) => {
          const parsed = answerBody.length > 0 ? (JSON.parse(answerBody.toString('utf8')) as ReadAnswer) : {};
          Object.assign(call, {
            readUnits: readUnitsOf(parsed),
            items: parsed.Count ?? (parsed.Item === undefined ? 0 : 1),
            bytes: answerBody.length,
            answeredMs: performance.now(),
          });
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(answerBody);
        });
      },
    );
    forwarded.on('error', () => incoming.socket.destroy());
    forwarded.end(request.body);
  }

  const server = createServer((incoming, outgoing) => {
    handle(incoming, outgoing).catch(() => incoming.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: DynamoDbProxy = {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mode: 'pass',
    lagMs: 500,
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
