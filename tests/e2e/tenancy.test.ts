// Owner B cannot list or read owner A's instances, and the other way round: every answer is the oracle's.
import { describe, expect, it } from 'vitest';
import { SAMPLE_INSTANCES, SAMPLE_TOKENS } from '../../local/sample-data.ts';
import { call } from '../support/http.ts';
import { expectedDetails, expectedList } from '../support/oracle.ts';

describe('tenancy', () => {
  for (const { token, owner } of SAMPLE_TOKENS) {
    const headers = { Authorization: `Token ${token}` };

    it(`owner ${owner} lists exactly its own listed instances`, async () => {
      const answer = await call('/api/lambda-instances', { headers });
      expect({ status: answer.status, body: answer.body }).toEqual(expectedList(SAMPLE_INSTANCES, owner));
    });

    it(`owner ${owner} reads each own instance and none of the others`, async () => {
      for (const { uuid } of SAMPLE_INSTANCES) {
        const answer = await call(`/api/lambda-instances/${uuid}`, { headers });
        expect({ status: answer.status, body: answer.body }).toEqual(expectedDetails(SAMPLE_INSTANCES, owner, uuid));
      }
    });
  }
});
