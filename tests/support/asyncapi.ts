// Checks a message the push sent against asyncapi.yaml (its item schema is openapi.yaml's), as JSON Schema 2020-12
// like tests/support/openapi.ts checks answers against openapi.yaml.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';

/** The kinds of message the service sends (asyncapi.yaml's components.schemas, by their `type`). */
const SCHEMA_OF_TYPE: Record<string, string> = { changed: 'Changed', pong: 'Pong', error: 'Error' };

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajvFormats.default(ajv);
const documentAt = (file: string) => parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as object;
// Absolute ids, so that asyncapi.yaml's ./openapi.yaml references resolve as they do beside each other on disk.
ajv.addSchema(documentAt('openapi.yaml'), 'file:///project/openapi.yaml');
ajv.addSchema(documentAt('asyncapi.yaml'), 'file:///project/asyncapi.yaml');

/** What is wrong with a message the service sent, by asyncapi.yaml; nothing when it conforms. */
export function asyncApiViolations(text: string): string[] {
  let message: { type?: unknown };
  try {
    message = JSON.parse(text) as { type?: unknown };
  } catch {
    return [`not JSON: ${text.slice(0, 80)}`];
  }
  const schema = SCHEMA_OF_TYPE[String(message.type)];
  if (schema === undefined) return [`no message of type ${JSON.stringify(message.type)}`];
  const validate = ajv.getSchema(`file:///project/asyncapi.yaml#/components/schemas/${schema}`)!;
  return validate(message)
    ? []
    : (validate.errors ?? []).map((error) => `${schema}${error.instancePath} ${error.message}`);
}
