// Runs a bench child script in a fresh Node process (the Node that runs the bench: Node 24 under `npm run`).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ChildRun {
  stdout: string;
  stderr: string;
  /** Milliseconds from spawn to exit, as the parent sees them. */
  wallMs: number;
}

export async function runChild(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
): Promise<ChildRun> {
  const path = fileURLToPath(new URL(`../${script}`, import.meta.url));
  const start = performance.now();
  const child = spawn(process.execPath, [path, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const wallMs = performance.now() - start;
  if (code !== 0) throw new Error(`${script} ${args.join(' ').slice(0, 200)} exited with ${code}:\n${stderr}`);
  return { stdout, stderr, wallMs };
}

/** The JSON that a child printed last on its standard output. */
export function lastJson<T>(run: ChildRun): T {
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? 'null') as T;
}
