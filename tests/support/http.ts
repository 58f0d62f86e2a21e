// Calls the running API (serverless offline, started by the e2e global setup) over HTTP.
import { inject } from 'vitest';

export const baseUrl = inject('apiBaseUrl');

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  /** Bytes of the body as sent (before any compression a gateway may add). */
  bytes: number;
}

export async function call(
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
    bytes: Buffer.byteLength(text),
  };
}
