import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openApiDocument } from '../support/openapi.ts';

interface HttpEvent {
  http: { path: string; method: string };
}

const serverlessYml = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8')) as {
  functions: Record<string, { events: HttpEvent[] }>;
};

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(openApiDocument as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('documents exactly the routes serverless.yml declares', () => {
    const routed = Object.values(serverlessYml.functions).flatMap(({ events }) => [
      ...new Set(events.map(({ http }) => `/${http.path}`)),
    ]);
    expect(Object.keys(openApiDocument.paths).sort()).toEqual(routed.sort());
  });
});
