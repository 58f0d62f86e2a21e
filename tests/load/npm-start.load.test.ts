// `npm start` as a process, through npm as a terminal or an IDE runs it: it frees its port of the DynamoDB Local that
// an earlier npm start left behind, its banner comes before any line of its warm-up's 1,000 requests (the
// developer's requests are logged after it), and a SIGTERM to npm (a process manager's, an IDE's stop) stops the
// whole stack and frees every port.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoDbLocalCommand, ownDynamoDbLocalOn } from '../../local/dynamodb-local.ts';
import { freePort, isRunning } from '../../local/stack.ts';
import { npmStart, type NpmStart } from '../support/npm-start.ts';

let stack: NpmStart;
let leftover: number;
let dynamoDbPort: number;

/** Whether something accepts connections on the port. */
const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
      .once('connect', () => {
        socket.destroy();
        resolve(true);
      })
      .once('error', () => resolve(false));
  });

/**
 * A DynamoDB Local on the port whose starter is gone, as a kill -9 of npm start left one before its children were
 * tied to it: started in the background of a shell that exits at once. Resolves to its pid once it serves the port.
 */
async function leftoverDynamoDbLocal(port: number): Promise<number> {
  const { command, args, cwd } = dynamoDbLocalCommand(port);
  const shell = spawn('sh', ['-c', '"$@" >/dev/null 2>&1 & echo $!', 'sh', command, ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [pid] = (await once(createInterface({ input: shell.stdout }), 'line')) as [string];
  while (!(await answers(port))) await new Promise((resolve) => setTimeout(resolve, 200));
  return Number(pid);
}

beforeAll(async () => {
  dynamoDbPort = await freePort();
  leftover = await leftoverDynamoDbLocal(dynamoDbPort);
  expect(ownDynamoDbLocalOn(dynamoDbPort)).toMatchObject({ pid: leftover, leftover: true });
  stack = await npmStart(240_000, { viaNpm: true, dynamoDbPort });
});

afterAll(async () => {
  await stack?.stop();
  if (isRunning(leftover)) process.kill(leftover, 'SIGKILL');
});

describe('npm start, through npm', () => {
  it('stops the DynamoDB Local that an earlier npm start left on its port, and says so', () => {
    expect(stack.output()).toContain(
      `Stopped DynamoDB Local (pid ${leftover}) that an earlier npm start left running on port ${dynamoDbPort}.`,
    );
    expect(isRunning(leftover)).toBe(false);
  });

  it('shows serverless-offline’s start-up, then its banner before any line about a request', () => {
    const beforeBanner = stack.output().slice(0, stack.output().indexOf('is running at'));
    expect(beforeBanner).toContain('Starting Offline at stage local');
    // A request's lines are `GET /api/docs (λ: docs)` and `(λ: docs) RequestId: …`; the WebSocket's routes are
    // listed at start-up as `route '$connect (λ: connect)'`.
    expect(beforeBanner).toContain("route '$connect (λ: connect)'");
    expect(beforeBanner).not.toMatch(/^(?:[A-Z]+ \/\S* \(λ: |\(λ: [\w-]+\) RequestId)|Server ready/m);
  });

  it('logs the developer’s requests after its banner', async () => {
    await fetch(`${stack.url}/api/docs`);
    await expect.poll(() => stack.output(), { timeout: 5000 }).toContain('/api/docs (λ: docs)');
  });

  it('stops the whole stack on a SIGTERM to npm, and frees every port', async () => {
    const processes = [
      stack.childPid('scripts/start.ts'),
      stack.childPid('DynamoDBLocal.jar'),
      stack.childPid('serverless'),
    ];
    process.kill(stack.pid, 'SIGTERM');

    await expect(stack.exited).resolves.toBe(0);
    await expect.poll(() => processes.filter((pid) => isRunning(pid)), { timeout: 10_000 }).toEqual([]);
    for (const port of stack.ports) expect(await answers(port), `port ${port}`).toBe(false);
  });
});
