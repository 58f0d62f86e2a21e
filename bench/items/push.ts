// The push, locally, end to end (docs/contract.md section 7.8): serverless-offline with the push function on DynamoDB
// Local's stream, as npm start runs it, and real WebSocket clients. From an operator's write (its call started) to a
// client's message: the latency of single changes, and a change's fan-out to many open connections of one owner
// (until the last one has it). A stack of its own, started after the other items so that its stream consumer's
// polling does not touch their figures; the smoke run uses the e2e suite's instead.
import WebSocket from 'ws';
import { digestToken } from '../../lib/auth.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { stageTables } from '../../infra/serverless-yml.ts';
import { startLocalStack } from '../../local/stack.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { median, valueRow, type Row } from '../rows.ts';
import type { Setup } from '../setup.ts';

const OWNER = 'be0c0000-0000-4000-8000-0000000000f1';
const TOKEN = 'bench-push-token-000000000000000000001';
const P95_TARGET_MS = 1000;
const FAN_OUT_TARGET_MS = 5000;
/** Connections opened at a time (each is a $connect: a token check and a write). */
const OPENING = 50;

/** Where a running stack serves the push: its stage's tables on DynamoDB Local, and its WebSocket API. */
export interface PushStack {
  stage: string;
  dynamoDbEndpoint: string;
  websocketUrl: string;
}

export interface PushSizes {
  /** Single changes timed one after the other. */
  changes: number;
  /** Open connections of one owner that one change reaches, and how many such changes are timed. */
  connections: number;
  fanOuts: number;
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client that notes when each `changed` message arrives. */
function client(url: string): Promise<{ arrivals: number[]; socket: WebSocket }> {
  const socket = new WebSocket(`${url}?token=${TOKEN}`);
  const arrivals: number[] = [];
  socket.on('message', () => arrivals.push(performance.now()));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ arrivals, socket }));
    socket.once('error', reject);
  });
}

/** Resolves when the check holds (looked at every 5 ms), or fails after 30 s. */
async function until(holds: () => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!holds()) {
    if (performance.now() > deadline) throw new Error('a change did not reach every connection within 30 s');
    await sleep(5);
  }
}

/** The given stack, or one of the push's own (stopped when done). */
async function stackFor(given: PushStack | undefined): Promise<PushStack & { stop: () => Promise<void> }> {
  if (given) return { ...given, stop: () => Promise.resolve() };
  const stage = 'benchpush';
  const started = await startLocalStack({ stage, api: {} });
  return { stage, dynamoDbEndpoint: started.dynamoDbEndpoint, websocketUrl: started.websocketUrl!, stop: started.stop };
}

export async function push({ sizes: { push: sizes }, pushStack }: Setup): Promise<Row[]> {
  const stack = await stackFor(pushStack);
  const clients: { arrivals: number[]; socket: WebSocket }[] = [];
  try {
    const operator = createOperatorStore({
      client: localDocumentClient(stack.dynamoDbEndpoint),
      tables: stageTables(stack.stage),
    });
    await operator.tokens.put({ digest: digestToken(TOKEN), owner: OWNER, createdAt: 0, revoked: false });
    const [instance] = await operator.instances.create([
      { ...SEED_DETAILS_INSTANCE, uuid: crypto.randomUUID(), owner: OWNER },
    ]);
    let status = 0;
    /** One change of the instance; resolves with when its call started. */
    const change = async () => {
      const startedAt = performance.now();
      status = (status + 1) % 2;
      await operator.instances.setStatus(instance!.uuid, status === 1 ? '1' : '0');
      return startedAt;
    };

    const watcher = await client(stack.websocketUrl);
    clients.push(watcher);
    // A first change warms the push function (its first run loads it), untimed.
    await change();
    await until(() => watcher.arrivals.length === 1);
    const latencies: number[] = [];
    for (let n = 0; n < sizes.changes; n += 1) {
      // At a random moment of the stream's polling period.
      await sleep(Math.random() * 300);
      const startedAt = await change();
      await until(() => watcher.arrivals.length === n + 2);
      latencies.push(watcher.arrivals.at(-1)! - startedAt);
    }

    while (clients.length < sizes.connections)
      clients.push(
        ...(await Promise.all(
          Array.from({ length: Math.min(OPENING, sizes.connections - clients.length) }, () =>
            client(stack.websocketUrl),
          ),
        )),
      );
    const fanOuts: number[] = [];
    for (let n = 0; n < sizes.fanOuts; n += 1) {
      const before = clients.map(({ arrivals }) => arrivals.length);
      const startedAt = await change();
      await until(() => clients.every(({ arrivals }, index) => arrivals.length > before[index]!));
      fanOuts.push(Math.max(...clients.map(({ arrivals }) => arrivals.at(-1)!)) - startedAt);
      await sleep(500);
    }
    return [
      valueRow('push: change to message, median', median(latencies), 'ms'),
      valueRow('push: change to message, p95', percentile(latencies, 95), 'ms', P95_TARGET_MS),
      valueRow(
        `push: one change to ${sizes.connections} open connections of one owner, until the last has it`,
        median(fanOuts),
        'ms',
        FAN_OUT_TARGET_MS,
      ),
    ];
  } finally {
    for (const { socket } of clients) socket.terminate();
    await stack.stop();
  }
}
