// Checks a real response against openapi.yaml: the documented status for the operation, the content type (none for
// a response documented without content), the headers it documents as required (and the schema of any documented
// header present), and the body against the response's JSON Schema (OpenAPI 3.1 = JSON Schema 2020-12).
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';

interface HeaderObject {
  required?: boolean;
  schema: object;
}

interface ResponseObject {
  headers?: Record<string, { $ref: string } | HeaderObject>;
  content?: Record<string, { schema: { $ref: string } | object }>;
}

type Operation = { responses: Record<string, { $ref: string }> };

interface OpenApiDocument {
  paths: Record<string, Partial<Record<'get' | 'options', Operation>>>;
  components: {
    responses: Record<string, ResponseObject>;
    headers: Record<string, HeaderObject>;
  };
}

export const openApiDocument = parse(
  readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8'),
) as OpenApiDocument;

const ajv = new Ajv2020({ strict: false, allErrors: true });
// The formats the document names (uuid, uri, int32, int64) are checked, not ignored; ajv-formats is CommonJS, whose
// plugin NodeNext sees as its default export's `default`.
ajvFormats.default(ajv);
ajv.addSchema(openApiDocument, 'openapi');

const lastSegment = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

function headerObject(header: { $ref: string } | HeaderObject): HeaderObject | undefined {
  return '$ref' in header ? openApiDocument.components.headers[lastSegment(header.$ref)] : header;
}

/** Returns the list of ways the response breaks the document; empty when it conforms. */
export function openApiViolations(
  pathTemplate: string,
  response: { status: number; headers: Headers; body: unknown },
  method: 'get' | 'options' = 'get',
): string[] {
  const responseRef = openApiDocument.paths[pathTemplate]?.[method]?.responses[String(response.status)];
  if (!responseRef) return [`${method} ${pathTemplate}: status ${response.status} is not documented`];
  const documented = openApiDocument.components.responses[lastSegment(responseRef.$ref)];
  if (!documented) return [`${responseRef.$ref} is missing`];
  const violations: string[] = [];
  const contentType = response.headers.get('content-type');
  if (!documented.content) {
    // API Gateway (and serverless-offline) may add a default Content-Type to an answer that has none.
    if (response.body !== undefined && response.body !== '') violations.push('a body on a response without content');
  } else {
    const media = documented.content[contentType ?? ''];
    if (!media) violations.push(`content type ${contentType} is not documented`);
    else {
      const validate =
        '$ref' in media.schema ? ajv.getSchema(`openapi${media.schema.$ref}`) : ajv.compile(media.schema);
      if (!validate) violations.push(`${JSON.stringify(media.schema)} does not compile`);
      else if (!validate(response.body))
        violations.push(...(validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message}`));
    }
  }
  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(name);
    const { required = false, schema = {} } = headerObject(header) ?? {};
    if (value === null) {
      if (required) violations.push(`header ${name} is missing`);
    } else if (!ajv.validate(schema, value)) violations.push(`header ${name}: ${ajv.errorsText()}`);
  }
  return violations;
}
