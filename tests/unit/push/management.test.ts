// The @connections management API as the push calls it, against a loopback stand-in: a connection that is gone is an
// answer ('gone'), however the 410 is named (API Gateway's GoneException, serverless-offline's bare 410); anything
// else is an error to retry.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectionsApi } from '../../../lib/push/management.ts';

const answers: Record<string, [number, Record<string, string>, string]> = {
  open: [200, {}, ''],
  goneAws: [410, { 'x-amzn-errortype': 'GoneException' }, '{"message":"GoneException"}'],
  goneOffline: [410, {}, ''],
  throttled: [429, { 'x-amzn-errortype': 'LimitExceededException' }, '{"message":"slow down"}'],
};
const received: string[] = [];
let server: Server;
let api: ReturnType<typeof connectionsApi>;

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    const [status, headers, body] = answers[decodeURIComponent(request.url!.split('/').at(-1)!)] ?? [404, {}, ''];
    response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // A deployed function's credentials and region come from its environment (lib/env-credentials.ts).
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_REGION', 'eu-central-1');
  api = connectionsApi(`http://127.0.0.1:${(server.address() as AddressInfo).port}/prod`);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the management API', () => {
  it('posts to the stage’s @connections path', async () => {
    expect(await api.send('open', '{"type":"changed","data":[]}')).toBe('sent');
    expect(received.at(-1)).toBe('POST /prod/@connections/open');
  });

  it.each(['goneAws', 'goneOffline'])('a 410 (%s) is a gone connection, not an error', async (id) => {
    expect(await api.send(id, '{}')).toBe('gone');
    await expect(api.close(id)).resolves.toBeUndefined();
  });

  it('closes a connection by deleting it on the same path', async () => {
    await expect(api.close('open')).resolves.toBeUndefined();
    expect(received.at(-1)).toBe('DELETE /prod/@connections/open');
  });

  it('anything else is an error', async () => {
    await expect(api.send('throttled', '{}')).rejects.toThrow();
    await expect(api.close('throttled')).rejects.toThrow();
  });
});
