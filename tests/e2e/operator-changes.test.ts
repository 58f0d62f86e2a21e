// An operator's change is visible at once (docs/contract.md section 7.6): the functions cache tokens, never instance
// data. Changes go through the operators' store straight into the e2e stack's tables; the next request through
// serverless-offline shows them, with a new ETag, so a polling client's If-None-Match gets the new body.
import { describe, expect, inject, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';
import { stageTables } from '../../infra/serverless-yml.ts';
import { call } from '../support/http.ts';

// An owner of its own, so that the sample owners' lists, which other e2e files count, stay as they are.
const operator = createOperatorStore({
  client: localDocumentClient(inject('dynamoDbEndpoint')),
  tables: stageTables('e2e'),
});
const owner = crypto.randomUUID();
const token = `operator-e2e-token-${owner}`;
const instance = { ...SEED_DETAILS_INSTANCE, uuid: crypto.randomUUID(), id: 500_000, owner };
await operator.tokens.put({
  digest: digestToken(token),
  owner,
  createdAt: Math.floor(Date.now() / 1000),
  revoked: false,
});
await operator.instances.put([instance]);

const headers = { Authorization: `Token ${token}` };
const DETAILS = `/api/lambda-instances/${instance.uuid}/`;

/** A poll as a client makes it: with the ETag it holds, if any. */
async function poll(path: string, etag?: string | null) {
  return call(path, { headers: { ...headers, ...(etag && { 'If-None-Match': etag }) } });
}

describe('an operator’s change is visible at once', () => {
  it.each([
    [
      'set-status with a failure message',
      () => operator.instances.setStatus(instance.uuid, '13', 'Ansible playbook failed'),
    ],
    ['rename', () => operator.instances.rename(instance.uuid, 'Renamed by an operator')],
    ['app stop', () => operator.instances.setApplicationStarted(instance.uuid, instance.applications[0]!.id, false)],
  ])('%s: the next poll is a 200 with the new body (and a new ETag)', async (_, change) => {
    const before = await poll(DETAILS);
    expect((await poll(DETAILS, before.headers.get('etag'))).status).toBe(304);
    await change();
    const after = await poll(DETAILS, before.headers.get('etag'));
    expect(after.status).toBe(200);
    expect(after.body).not.toEqual(before.body);
    if (before.headers.has('etag')) expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
  });

  it('destroy: the list no longer shows it, its details still do', async () => {
    expect((await poll('/backend/lambda-instances')).status).toBe(200);
    await operator.instances.setStatus(instance.uuid, '6');
    expect((await poll('/backend/lambda-instances')).status).toBe(404);
    const details = await poll(`${DETAILS}?filter=status`);
    expect((details.body as { data: { status: { message: string } }[] }).data[0]?.status.message).toBe('DESTROYED');
  });
});
