// Owner B cannot list or read owner A's instances, and the other way round.
import { describe, expect, it } from 'vitest';
import { SAMPLE_INSTANCES, SAMPLE_TOKENS } from '../../scripts/sample-data.ts';
import { call } from '../support/http.ts';

describe('tenancy', () => {
  for (const { token, owner } of SAMPLE_TOKENS) {
    const headers = { Authorization: `Token ${token}` };
    const own = SAMPLE_INSTANCES.filter((instance) => instance.owner === owner);
    const foreign = SAMPLE_INSTANCES.filter((instance) => instance.owner !== owner);

    it(`owner ${owner} lists exactly its own listed instances`, async () => {
      const answer = await call('/api/lambda-instances', { headers });
      const listed = (answer.body as { data: { uuid: string }[] }).data.map(({ uuid }) => uuid);
      expect(listed).toEqual(own.filter(({ status }) => status !== '6').map(({ uuid }) => uuid));
    });

    it(`owner ${owner} reads each own instance and none of the others`, async () => {
      for (const { uuid } of own) expect((await call(`/api/lambda-instances/${uuid}`, { headers })).status).toBe(200);
      for (const { uuid } of foreign) {
        const answer = await call(`/api/lambda-instances/${uuid}`, { headers });
        expect(answer.status).toBe(404);
        expect(answer.body).toEqual({
          errors: [{ status: 404, detail: "The specified lambda instance doesn't exist." }],
        });
      }
    });
  }
});
