// The floors as a function would hold them, bundled for the cold starts: the client and the tables from the
// environment, as the functions take theirs (lib/dependencies.ts).
import { createDocumentClient } from '../lib/dynamodb.ts';
import { createFloors } from './floor.ts';

export const { detail, list } = createFloors(createDocumentClient({ requestTimeoutMs: 600 }), {
  instances: process.env.INSTANCES_TABLE ?? '',
  tokens: process.env.TOKENS_TABLE ?? '',
});
