import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { serverlessYml } from '../../local/serverless-yml.ts';
import { openApiDocument } from '../support/openapi.ts';

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
