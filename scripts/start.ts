// `npm start`: DynamoDB Local with the sample data, and the API on serverless-offline, until Ctrl-C.
import { startLocalStack, type LocalStack, type UnexpectedExit } from '../local/stack.ts';
import { SAMPLE_TOKENS, SEED_DETAILS_INSTANCE } from '../local/sample-data.ts';

const LOCAL_FRONT_END = 'http://localhost:5173';
const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
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

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop(0));

try {
  stack = await startLocalStack({
    stage: 'local',
    sampleData: true,
    warmUp: true,
    dynamoDbPort: port('DYNAMODB_PORT', 8000),
    api: {
      httpPort: port('PORT', 3000),
      lambdaPort: port('LAMBDA_PORT', 3002),
      websocketPort: port('WEBSOCKET_PORT', 3001),
      stdio: 'inherit',
      // A front-end dev server's usual origin may call the local API; CORS_ORIGINS= (empty) lists none.
      env: { CORS_ORIGINS: process.env.CORS_ORIGINS ?? LOCAL_FRONT_END },
    },
  });
  void stack.exited.then(onUnexpectedExit);
  const base = `http://localhost:${port('PORT', 3000)}`;
  const pushes = `ws://localhost:${port('WEBSOCKET_PORT', 3001)}`;
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
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stop(1);
}
