// The cold-start floor, in a fresh process: import only the DynamoDB document client (bench/floor.ts, bundled or
// not) and do one GetItem of an instance, strongly consistent as the details read it. Prints the same timings as
// cold-start.ts.
// Usage: node bench/cold-start-floor.ts <floor.mjs or floor.ts> <table> <key JSON>
import './support/lambda-runtime.ts';
import { pathToFileURL } from 'node:url';
import type * as Floor from './floor.ts';

const started = performance.now();
const [floor, table, keyJson] = process.argv.slice(2);
if (floor === undefined || table === undefined || keyJson === undefined) {
  throw new Error('usage: cold-start-floor.ts <floor module> <table> <key JSON>');
}
const { getItem } = (await import(pathToFileURL(floor).href)) as typeof Floor;
const imported = performance.now();
const item = await getItem(table, JSON.parse(keyJson) as Record<string, string>, true);
const done = performance.now();
process.stdout.write(JSON.stringify({ started, imported, done, statusCode: item === undefined ? 404 : 200 }));
process.exit(0);
