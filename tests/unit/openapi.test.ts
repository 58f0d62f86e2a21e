import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { serverlessYml } from '../../infra/serverless-yml.ts';
import { openApiDocument } from '../support/openapi.ts';

/** API Gateway's greedy resource: the 404 of any path that is none of the API's (docs/contract.md section 1). */
const CATCH_ALL = '{proxy+}';

describe('openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(openApiDocument as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
  });

  it('documents exactly the routes serverless.yml declares, not the catch-all of every other path', () => {
    const routed = Object.values(serverlessYml.functions).flatMap(({ events }) => [
      ...new Set(events.flatMap(({ http }) => (http && http.path !== CATCH_ALL ? [`/${http.path}`] : []))),
    ]);
    expect(Object.keys(openApiDocument.paths).sort()).toEqual(routed.sort());
  });
});
