// `npm start`: DynamoDB Local with the sample data, and the API on serverless-offline, until Ctrl-C (or SIGTERM, or
// SIGHUP, or the end of the process that started it).
import { readAll } from '../lib/config.ts';
import { LOCAL_PORTS } from '../infra/local-ports.ts';
import { SAMPLE_TOKENS, SEED_DETAILS_INSTANCE } from '../local/sample-data.ts';
import { startLocalStack, type LocalStack, type UnexpectedExit } from '../local/stack.ts';
import { whenParentGone } from '../local/tied.ts';

const LOCAL_FRONT_END = 'http://localhost:5173';
let stack: LocalStack | undefined;
let stopping: Promise<never> | undefined;

/** The first reason to stop wins (Ctrl-C also reaches serverless-offline, whose exit would be a second one). */
function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    await stack?.stop();
    process.exit(code);
  })();
  return stopping;
}

/** One half of the stack is no use without the other: say which stopped and why, then stop the rest. */
function onUnexpectedExit({ name, code, signal, lastLines }: UnexpectedExit): Promise<never> {
  const how = signal === null ? `with code ${code}` : `on ${signal}`;
  const others = name === 'DynamoDB Local' ? 'serverless-offline' : 'DynamoDB Local';
  console.error(`\n${name} exited ${how}; its last lines:\n${lastLines.replace(/^/gm, '  ')}\nStopping ${others}.`);
  return stop(1);
}

// Every way a developer's tools stop a process: a terminal's Ctrl-C (which npm forwards as well: the handler stays for
// the second one), a process manager's or IDE's SIGTERM, a closed terminal's SIGHUP. npm forwards no SIGHUP and dies
// of it: the end of the parent is the same request.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
whenParentGone(() => void stop(0));

try {
  const ports = readAll(LOCAL_PORTS, process.env);
  stack = await startLocalStack({
    stage: 'local',
    sampleData: true,
    warmUp: true,
    dynamoDbPort: ports.dynamoDb,
    api: {
      httpPort: ports.api,
      lambdaPort: ports.lambda,
      websocketPort: ports.websocket,
      stdio: 'inherit',
      // A front-end dev server's usual origin may call the local API; CORS_ORIGINS= (empty) lists none.
      env: { CORS_ORIGINS: process.env.CORS_ORIGINS ?? LOCAL_FRONT_END },
    },
  });
  void stack.exited.then(onUnexpectedExit);
  const base = `http://localhost:${ports.api}`;
  const pushes = `ws://localhost:${ports.websocket}`;
  const [devToken] = SAMPLE_TOKENS;
  console.log(`
lambda-instances-api is running at ${base} (DynamoDB Local at ${stack.dynamoDbEndpoint}). Ctrl-C stops both.
Dev tokens:
${SAMPLE_TOKENS.map(({ token, owner }) => `  ${token}  (owner ${owner})`).join('\n')}
API reference (try it out with a token above): ${base}/api/docs
Told at once (WebSocket): ${pushes}/?token=<token>
Try:
  curl -H "Authorization: Token ${devToken?.token}" ${base}/backend/lambda-instances/
  curl -H "Authorization: Token ${devToken?.token}" ${base}/api/lambda-instances/${SEED_DETAILS_INSTANCE.uuid}/
Requests are logged below.
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
