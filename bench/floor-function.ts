// The floors as a function would hold them, bundled for the cold starts: the client, its timeout and the tables from
// the environment, as the functions take theirs (lib/dependencies.ts).
import { createDocumentClient } from '../lib/dynamodb.ts';
import { createFloors } from './floor.ts';

const requestTimeoutMs = Number(process.env.DYNAMODB_REQUEST_TIMEOUT_MS);
export const { detail, list } = createFloors(createDocumentClient({ requestTimeoutMs }), {
  instances: process.env.INSTANCES_TABLE ?? '',
  tokens: process.env.TOKENS_TABLE ?? '',
});
