// `npm start`: DynamoDB Local with the sample data, and the API on serverless-offline, until Ctrl-C.
import {
  createTables,
  localAwsEnvironment,
  localClient,
  stageEnvironment,
  startDynamoDbLocal,
  startServerlessOffline,
  type RunningProcess,
} from './local-stack.ts';
import { loadSampleData, SAMPLE_TOKENS } from './sample-data.ts';

const STAGE = 'local';
const port = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const httpPort = port('PORT', 3000);
const running: RunningProcess[] = [];

async function stopAll(code: number): Promise<never> {
  await Promise.allSettled(running.map(({ stop }) => stop()));
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll(0));

try {
  const dynamoDb = await startDynamoDbLocal(port('DYNAMODB_PORT', 8000));
  running.push(dynamoDb);
  // The SDK's own variables point both this process and the functions at DynamoDB Local; the table names are
  // serverless.yml's provider.environment for the stage.
  Object.assign(process.env, localAwsEnvironment(dynamoDb.endpoint), stageEnvironment(STAGE));
  await createTables(localClient(dynamoDb.endpoint), STAGE);
  await loadSampleData();
  const offline = await startServerlessOffline({
    stage: STAGE,
    env: {},
    httpPort,
    lambdaPort: port('LAMBDA_PORT', 3002),
    websocketPort: port('WEBSOCKET_PORT', 3001),
    stdio: 'inherit',
  });
  running.push(offline);
  offline.process.once('exit', (code) => void stopAll(code ?? 1));
  const base = `http://localhost:${httpPort}`;
  const [devToken] = SAMPLE_TOKENS;
  console.log(`
lambda-instances-api is running at ${base} (DynamoDB Local at ${dynamoDb.endpoint}). Ctrl-C stops both.
Dev tokens:
${SAMPLE_TOKENS.map(({ token, owner }) => `  ${token}  (owner ${owner})`).join('\n')}
Try:
  curl -H "Authorization: Token ${devToken?.token}" ${base}/backend/lambda-instances/
  curl -H "Authorization: Token ${devToken?.token}" ${base}/api/lambda-instances/3f763964-d519-4fd2-916d-b5cfbe3b878b/
`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  await stopAll(1);
}
