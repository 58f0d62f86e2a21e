// One cold start, in a fresh process: import a bundle and answer one request with one of its exports. Prints the
// status and the milliseconds from the start of this script to the answer (the import and the first request).
// Usage: node bench/cold-start.ts <bundle.mjs> <export> <event JSON>
// AWS Lambda's Node.js runtime has loaded node:http before it imports a handler (its Runtime API client needs it):
// loaded here first, so that neither a function nor its floor is charged for it.
import 'node:http';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { lambdaContext } from '../harness/events.ts';

type Handler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const started = performance.now();
const [bundle = '', name = 'handler', event = '{}'] = process.argv.slice(2);
const handler = ((await import(pathToFileURL(bundle).href)) as Record<string, Handler>)[name]!;
const { statusCode } = await handler(JSON.parse(event) as APIGatewayProxyEvent, lambdaContext());
process.stdout.write(JSON.stringify({ statusCode, ms: performance.now() - started }));
process.exit(0);
