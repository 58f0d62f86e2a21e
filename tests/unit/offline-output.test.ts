import { describe, expect, it } from 'vitest';
import { offlineLines } from '../../local/offline-output.ts';

/** serverless-offline's output as npm start gets it: start-up, "Server ready", a request, then more. */
const START_UP = [
  'Starting Offline at stage local (eu-central-1)',
  '',
  'Offline [http for lambda] listening on http://localhost:3002',
  '   * list: lambda-instances-api-local-list',
];
const REQUEST = [
  '',
  '',
  'ANY /api/lambda-instances/3f763964-d519-4fd2-916d-b5cfbe3b878b (λ: detail)',
  '(λ: detail) RequestId: 687a9780-3b0b-4aa4-b1be-19183cc57b80  Duration: 20.19 ms  Billed Duration: 21 ms',
];
const ERROR = "✖ Unhandled exception in handler 'list'.";

describe('what npm start shows of serverless-offline’s output', () => {
  it('its start-up lines, not "Server ready" (the banner says it), no request until the stack is ready, errors always', () => {
    const lines = offlineLines();
    const shown = (output: string[]) => output.filter((line) => lines.shown(line));

    expect(shown(START_UP)).toEqual(START_UP);
    expect(shown(['Server ready: http://localhost:3000 🚀'])).toEqual([]);
    expect(shown([...REQUEST, ERROR, ...REQUEST])).toEqual([ERROR]);
    lines.showRequests();
    expect(shown(REQUEST)).toEqual(REQUEST);
  });
});
