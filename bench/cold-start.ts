// One cold start, in a fresh process: import a function's bundle and serve one request (or, without an event, only
// import it). Prints milliseconds since the process started (performance.now()): when the bundle was imported and
// when the answer was ready. Usage: node bench/cold-start.ts <bundle.mjs> [<event JSON>]
import './support/lambda-runtime.ts';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

const started = performance.now();
const [bundle, eventJson] = process.argv.slice(2);
if (bundle === undefined) throw new Error('usage: cold-start.ts <bundle.mjs> [<event JSON>]');
const { handler } = (await import(pathToFileURL(bundle).href)) as {
  handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
};
const imported = performance.now();
let statusCode: number | undefined;
if (eventJson !== undefined) {
  // Its own context literal (not tests/support/events.ts): this child loads nothing but what it measures.
  const context: Context = {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-central-1:000000000000:function:bench',
    memoryLimitInMB: '256',
    awsRequestId: 'bench-cold-start',
    logGroupName: '/aws/lambda/bench',
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 6000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  ({ statusCode } = await handler(JSON.parse(eventJson) as APIGatewayProxyEvent, context));
}
const done = performance.now();
process.stdout.write(JSON.stringify({ started, imported, done, statusCode }));
process.exit(0);
