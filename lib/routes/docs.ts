// GET /api/docs[/] (the API reference page: Swagger UI), /api/docs/{asset} (its scripts and styles), /api/openapi.json
// (openapi.yaml, as JSON) and /api/asyncapi.json (the push's asyncapi.yaml, as JSON, which the page links):
// everything the page needs comes from the API itself, read into the bundle when it is built. No token; any other
// method is the API's 405.
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import swaggerUiScript from 'swagger-ui-dist/swagger-ui-bundle.js?raw';
import swaggerUiStyles from 'swagger-ui-dist/swagger-ui.css?raw';
import asyncApiDocument from '../../asyncapi.yaml';
import openApiDocument from '../../openapi.yaml';
import { outerChain, onlyGet, type OuterChainOptions, type ApiHandler } from '../api.ts';
import { conditionalRequests } from '../conditional.ts';
import { pageNotFound } from '../errors.ts';
import { requestTarget } from '../requests.ts';

/**
 * What a page needs besides the API's headers: it runs its own scripts and styles and calls its own origin, nothing
 * else; it sends no Referer and shares no window with another origin.
 */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; script-src 'self'; " +
    "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'",
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Starts Swagger UI on the page's element, with the document whose URL the element names. */
const INIT_SCRIPT = `window.addEventListener('load', () => {
  const element = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({ url: element.dataset.openapi, domNode: element, tryItOutEnabled: true });
});
`;

interface Asset {
  name: string;
  contentType: string;
  body: string;
  etag: string;
}

/** An asset under a name that carries its content's hash: it never changes, so any cache may keep it for a year. */
function asset(base: string, extension: string, contentType: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  return { name: `${base}.${hash}.${extension}`, contentType, body, etag: `"${hash}"` };
}

const ASSETS = {
  script: asset('swagger-ui-bundle', 'js', 'text/javascript; charset=utf-8', swaggerUiScript),
  styles: asset('swagger-ui', 'css', 'text/css; charset=utf-8', swaggerUiStyles),
  init: asset('init', 'js', 'text/javascript; charset=utf-8', INIT_SCRIPT),
};
const ASSET_BY_NAME = new Map(Object.values(ASSETS).map((each) => [each.name, each]));

/** The push's document, its references to openapi.yaml's schemas made to the served openapi.json beside it. */
const ASYNC_API_JSON = JSON.stringify(asyncApiDocument).replaceAll('"./openapi.yaml#', '"openapi.json#');

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);

/** The part of the request's path before this route's own: the stage prefix when deployed ('/prod'), or nothing. */
function basePath(event: APIGatewayProxyEvent, route: string): string {
  const { path } = requestTarget(event);
  return path.slice(0, Math.max(0, path.replace(/\/+$/, '').length - route.length));
}

function page(base: string): string {
  const href = (each: Asset) => escapeHtml(`${base}/api/docs/${each.name}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lambda-instances-api: API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${href(ASSETS.styles)}">
</head>
<body>
<p>Told at once, over a WebSocket: <a href="${escapeHtml(`${base}/api/asyncapi.json`)}">the push's AsyncAPI document</a>.</p>
<div id="swagger-ui" data-openapi="${escapeHtml(`${base}/api/openapi.json`)}"></div>
<script src="${href(ASSETS.script)}"></script>
<script src="${href(ASSETS.init)}"></script>
</body>
</html>
`;
}

const answer = (contentType: string, body: string, headers: Record<string, string>): APIGatewayProxyResult => ({
  statusCode: 200,
  headers: { 'Content-Type': contentType, ...headers },
  body,
});

/** The same for everyone, but it may change with a deployment: revalidate (its ETag) before each use. */
const REVALIDATE = { 'Cache-Control': 'public, no-cache' };

function respond(event: APIGatewayProxyEvent): APIGatewayProxyResult {
  switch (event.resource) {
    case '/api/docs':
      return answer('text/html; charset=utf-8', page(basePath(event, '/api/docs')), { ...REVALIDATE, ...PAGE_HEADERS });
    case '/api/openapi.json': {
      // The document's own servers are npm start's; try-it calls the API that served the page.
      const servers = [{ url: basePath(event, '/api/openapi.json') || '/', description: 'this API' }];
      const document = { ...(openApiDocument as object), servers };
      return answer('application/json; charset=utf-8', JSON.stringify(document), REVALIDATE);
    }
    case '/api/asyncapi.json':
      return answer('application/json; charset=utf-8', ASYNC_API_JSON, REVALIDATE);
    default: {
      const found = ASSET_BY_NAME.get(event.pathParameters?.asset ?? '');
      if (!found) throw pageNotFound();
      return answer(found.contentType, found.body, {
        'Cache-Control': 'public, max-age=31536000, immutable',
        ETag: found.etag,
      });
    }
  }
}

export const docsRoute = (options: OuterChainOptions = {}): ApiHandler =>
  outerChain<Context>(options)
    .use(conditionalRequests())
    .use(onlyGet())
    .handler((event) => respond(event));
