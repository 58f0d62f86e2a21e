// What keeps the local stack from outliving the process that started it, on real processes (Linux).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { describe, expect, inject, it } from 'vitest';
import { ownDynamoDbLocalOn } from '../../local/dynamodb-local.ts';
import { freePort, isRunning } from '../../local/stack.ts';

const TIED = new URL('../../local/tied.ts', import.meta.url).href;

async function gone(pid: number, withinMs: number): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < withinMs;) {
    if (!isRunning(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isRunning(pid);
}

/** Runs `script` (an ES module) in a Node.js process of its own under `sh`; resolves to sh and the first line printed. */
async function underShell(script: string) {
  const shell = spawn('sh', ['-c', '"$0" --input-type=module -e "$1" & wait', process.execPath, script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: shell.stdout }), 'line')) as [string];
  return { shell, line };
}

describe('the local stack’s processes', () => {
  it('a child spawned tied dies with its parent, even of a kill -9', { timeout: 20_000 }, async () => {
    const { shell, line } = await underShell(`
      import { spawnTied } from '${TIED}';
      const child = spawnTied('sleep', ['60'], { stdio: ['ignore', 'pipe', 'pipe'] });
      console.log(child.pid, process.pid);
      setInterval(() => {}, 1000);`);
    const [child, parent] = line.split(' ').map(Number) as [number, number];
    expect(isRunning(child)).toBe(true);

    process.kill(parent, 'SIGKILL');
    expect(await gone(child, 2000)).toBe(true);
    shell.kill();
  });

  it(
    'a process watching its parent hears of its end (npm dies of a SIGHUP without forwarding it)',
    { timeout: 20_000 },
    async () => {
      const { shell, line } = await underShell(`
      import { whenParentGone } from '${TIED}';
      whenParentGone(() => process.exit(0));
      console.log(process.pid);
      setInterval(() => {}, 1000);`);
      const watcher = Number(line);

      shell.kill('SIGKILL');
      expect(await gone(watcher, 5000)).toBe(true);
    },
  );

  it('a DynamoDB Local of this project on a port is found, and one whose starter runs is no leftover', async () => {
    const port = Number(new URL(inject('dynamoDbEndpoint')).port);
    expect(ownDynamoDbLocalOn(port)).toMatchObject({ parent: process.ppid, leftover: false });
    expect(ownDynamoDbLocalOn(await freePort())).toBeUndefined();
  });
});
