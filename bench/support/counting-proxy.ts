// A loopback HTTP proxy between a process's AWS SDK and DynamoDB Local that counts the DynamoDB calls by operation
// (X-Amz-Target) and table or index, and adds up their read units. To learn the read units of calls that do not ask
// for them, it adds ReturnConsumedCapacity=TOTAL to every read request it forwards: DynamoDB Local does not check
// SigV4 signatures, so the changed body still passes. The SDK ignores the extra ConsumedCapacity in the answer.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem']);

export interface CountedCall {
  operation: string;
  /** Table, or `table/index` for a Query on an index. */
  target: string;
  readUnits: number;
  /** Items returned (Query and Scan), 1 or 0 for GetItem. */
  items: number;
  /** Bytes of the answer's body. */
  bytes: number;
}

export interface CountingProxy {
  endpoint: string;
  /** The calls since the last take(), and forgets them. */
  take(): CountedCall[];
  close(): Promise<void>;
}

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

export async function startCountingProxy(upstream: string): Promise<CountingProxy> {
  const target = new URL(upstream);
  let calls: CountedCall[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    void (async () => {
      const operation =
        String(incoming.headers['x-amz-target'] ?? '')
          .split('.')
          .pop() ?? '';
      let body = await readBody(incoming);
      let table = '';
      if (body.length > 0) {
        const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        table =
          typeof parsed.TableName === 'string'
            ? parsed.TableName
            : Object.keys((parsed.RequestItems as object | undefined) ?? {}).join(',');
        if (typeof parsed.IndexName === 'string') table += `/${parsed.IndexName}`;
        if (READS.has(operation) && parsed.ReturnConsumedCapacity === undefined) {
          parsed.ReturnConsumedCapacity = 'TOTAL';
          body = Buffer.from(JSON.stringify(parsed), 'utf8');
        }
      }
      const forwarded = request(
        {
          host: target.hostname,
          port: target.port,
          method: incoming.method,
          path: incoming.url,
          headers: { ...incoming.headers, host: target.host, 'content-length': String(body.length) },
        },
        (answer) => {
          void readBody(answer).then((answerBody) => {
            if (operation !== '') {
              const parsed = answerBody.length > 0 ? (JSON.parse(answerBody.toString('utf8')) as ReadAnswer) : {};
              calls.push({
                operation,
                target: table,
                readUnits: readUnitsOf(parsed),
                items: parsed.Count ?? (parsed.Item === undefined ? 0 : 1),
                bytes: answerBody.length,
              });
            }
            outgoing.writeHead(answer.statusCode ?? 500, answer.headers);
            outgoing.end(answerBody);
          });
        },
      );
      forwarded.on('error', (error) => outgoing.destroy(error));
      forwarded.end(body);
    })().catch((error: unknown) => outgoing.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    take() {
      const taken = calls;
      calls = [];
      return taken;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
