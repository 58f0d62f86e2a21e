// Checks a real response against openapi.yaml: the documented status for the operation, the content type, the
// documented headers, and the body against the response's JSON Schema (OpenAPI 3.1 = JSON Schema 2020-12).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

interface ResponseObject {
  headers?: Record<string, { $ref: string }>;
  content: Record<string, { schema: { $ref: string } }>;
}

interface OpenApiDocument {
  paths: Record<string, { get: { responses: Record<string, { $ref: string }> } }>;
  components: {
    responses: Record<string, ResponseObject>;
    headers: Record<string, { schema: object }>;
  };
}

export const openApiDocument = parse(
  readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'),
) as OpenApiDocument;

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addSchema(openApiDocument, 'openapi');

const lastSegment = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

/** Returns the list of ways the response breaks the document; empty when it conforms. */
export function openApiViolations(
  pathTemplate: string,
  response: { status: number; headers: Headers; body: unknown },
): string[] {
  const responseRef = openApiDocument.paths[pathTemplate]?.get.responses[String(response.status)];
  if (!responseRef) return [`${pathTemplate}: status ${response.status} is not documented`];
  const documented = openApiDocument.components.responses[lastSegment(responseRef.$ref)];
  if (!documented) return [`${responseRef.$ref} is missing`];
  const violations: string[] = [];
  const contentType = response.headers.get('content-type') ?? '';
  const media = documented.content[contentType];
  if (!media) violations.push(`content type ${contentType} is not documented`);
  else {
    const validate = ajv.getSchema(`openapi${media.schema.$ref}`);
    if (!validate) violations.push(`${media.schema.$ref} does not compile`);
    else if (!validate(response.body))
      violations.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`));
  }
  for (const [name, { $ref }] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(name);
    const schema = openApiDocument.components.headers[lastSegment($ref)]?.schema ?? {};
    if (value === null) violations.push(`header ${name} is missing`);
    else if (!ajv.validate(schema, value)) violations.push(`header ${name}: ${ajv.errorsText()}`);
  }
  return violations;
}
