// Before each integration test file: new tables, created from serverless.yml under a stage of their own, and the
// environment that the functions' config reads pointed at them.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { createTables, localAwsEnvironment, localClient, stageEnvironment } from '../../scripts/local-stack.ts';

const endpoint = inject('dynamoDbEndpoint');
const stage = `test${randomUUID().slice(0, 8)}`;
Object.assign(process.env, localAwsEnvironment(endpoint), stageEnvironment(stage));
const client = localClient(endpoint);
await createTables(client, stage);
client.destroy();
