// What npm start shows of serverless-offline's output: its start-up lines, warnings and errors as they come, but not
// its "Server ready" line (npm start's banner says it), nor its lines about the requests sent before the stack is
// ready: the warm-up's 1,000 requests made ~4,000 lines before the banner. The developer's requests are shown after.
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createInterface } from 'node:readline';

/** serverless-offline's lines about one request (`GET /api/docs (λ: docs)`, `(λ: docs) RequestId: …`), blank ones. */
const REQUEST_LINE = /^(?:[A-Z]+ \/\S* \(λ: [\w-]+\)|\(λ: [\w-]+\) RequestId: .*|)$/u;

/**
 * Which of serverless-offline's lines npm start shows, one line at a time: all but "Server ready", and after it none
 * about requests until `showRequests()`.
 */
export function offlineLines(): { shown: (line: string) => boolean; showRequests: () => void } {
  let phase: 'starting' | 'warming' | 'serving' = 'starting';
  return {
    shown: (line) => {
      if (!line.startsWith('Server ready')) return phase !== 'warming' || !REQUEST_LINE.test(line);
      if (phase === 'starting') phase = 'warming';
      return false;
    },
    showRequests: () => (phase = 'serving'),
  };
}

/** Passes on the child's lines that are shown, each to the stream it was written to. */
export function showOfflineOutput(child: ChildProcessByStdio<null, Readable, Readable>): { showRequests: () => void } {
  const lines = offlineLines();
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ] as const) {
    createInterface({ input: from }).on('line', (line) => lines.shown(line) && to.write(`${line}\n`));
  }
  return lines;
}
