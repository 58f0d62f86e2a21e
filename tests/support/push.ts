// A push client for the end-to-end suite (docs/contract.md section 7.8): a real WebSocket (ws) to serverless-offline,
// which keeps every message it receives and checks each against asyncapi.yaml (its item schema is openapi.yaml's).
import { inject } from 'vitest';
import WebSocket from 'ws';
import { asyncApiViolations } from './asyncapi.ts';

const websocketUrl = inject('websocketUrl');

export interface ChangedItem {
  uuid: string;
  name: string;
  id: number;
  status: { message: string; code: string; details: string; failure_message?: string };
  updated_at: string;
}

type PushMessage =
  | { type: 'changed'; data: ChangedItem[] }
  | { type: 'pong' }
  | { type: 'error'; errors: { status: number; detail: string }[] };

export interface PushClient {
  /** Every message received, in order, and its size in bytes. */
  messages: PushMessage[];
  sizes: number[];
  /** Every way a received message broke asyncapi.yaml. */
  violations: string[];
  /** Every item of every `changed` message, in order. */
  items: () => ChangedItem[];
  send: (text: string) => void;
  /** Resolves when the predicate holds over what was received (checked at each message), or fails after timeoutMs. */
  until: (holds: () => boolean, timeoutMs?: number) => Promise<void>;
  /** Settles with the close code when the service (or the client) closes the connection. */
  closed: Promise<number>;
  isOpen: () => boolean;
  close: () => Promise<void>;
}

export interface HandshakeOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

/** The handshake's URL and headers. */
const target = ({ query = {}, headers = {} }: HandshakeOptions) => {
  const url = new URL(websocketUrl);
  for (const [name, value] of Object.entries(query)) url.searchParams.append(name, value);
  return { url: url.href, headers };
};

/** Opens a connection; rejects with the status of a refused handshake (`refused: 401`). */
export function connect(options: HandshakeOptions = {}): Promise<PushClient> {
  const { url, headers } = target(options);
  const socket = new WebSocket(url, { headers });
  const messages: PushMessage[] = [];
  const sizes: number[] = [];
  const violations: string[] = [];
  const waiting = new Set<() => void>();
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  // A text frame, never binary: Buffer.toString() is its UTF-8.
  socket.on('message', (data: Buffer) => {
    const text = data.toString('utf8');
    violations.push(...asyncApiViolations(text));
    sizes.push(Buffer.byteLength(text));
    messages.push(JSON.parse(text) as PushMessage);
    for (const check of waiting) check();
  });
  const client: PushClient = {
    messages,
    sizes,
    violations,
    items: () => messages.flatMap((message) => (message.type === 'changed' ? message.data : [])),
    send: (text) => socket.send(text),
    until: (holds, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!holds()) return;
          waiting.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiting.delete(check);
          reject(new Error(`not told within ${timeoutMs} ms; ${messages.length} messages so far`));
        }, timeoutMs);
        waiting.add(check);
        check();
      }),
    closed,
    isOpen: () => socket.readyState === WebSocket.OPEN,
    close: async () => {
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (_, response) => {
      reject(Object.assign(new Error(`handshake refused: ${response.statusCode}`), { refused: response.statusCode }));
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
  });
}

/** The status a handshake is refused with, or 'open' when it is accepted (the connection is then closed). */
export async function handshakeStatus(options: HandshakeOptions): Promise<number | 'open'> {
  try {
    await (await connect(options)).close();
    return 'open';
  } catch (error) {
    const { refused } = error as { refused?: number };
    if (refused === undefined) throw error;
    return refused;
  }
}
