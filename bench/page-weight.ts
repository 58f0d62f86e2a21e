// The reference page's weight, as the docs function serves it: the page, every asset it names and the OpenAPI
// document, each raw and compressed. Prints one JSON line. Usage: node bench/page-weight.ts <docs bundle.mjs>
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { ApiHandler } from '../lib/api.ts';
import { apiEvent, lambdaContext } from '../tests/support/events.ts';

const [bundle] = process.argv.slice(2);
if (bundle === undefined) throw new Error('usage: page-weight.ts <docs bundle.mjs>');
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: ApiHandler };

async function fetchPath(path: string): Promise<{ path: string; contentType: string; body: string }> {
  const asset = /^\/api\/docs\/([^/]+)$/.exec(path)?.[1];
  const event: APIGatewayProxyEvent = asset
    ? { ...apiEvent({ resource: '/api/docs/{asset}', path }), pathParameters: { asset } }
    : apiEvent({ resource: path, path });
  const response = await handler(event, lambdaContext());
  if (response.statusCode !== 200) throw new Error(`${path}: status ${response.statusCode}`);
  return { path, contentType: String(response.headers?.['Content-Type'] ?? ''), body: response.body };
}

const page = await fetchPath('/api/docs');
const named = [...page.body.matchAll(/(?:href|src|data-openapi)="([^"]+)"/g)]
  .map((match) => match[1] ?? '')
  .filter((path) => path.startsWith('/api/'));
const files = [page, ...(await Promise.all(named.map(fetchPath)))].map(({ path, contentType, body }) => {
  const raw = Buffer.from(body);
  return {
    path: path.replace(/\.[\w-]{16}\.(js|css)$/, '.<hash>.$1'),
    contentType: contentType.split(';')[0],
    bytes: raw.length,
    gzipBytes: gzipSync(raw).length,
    brotliBytes: brotliCompressSync(raw).length,
  };
});
process.stdout.write(`${JSON.stringify(files)}\n`);
process.exit(0);
