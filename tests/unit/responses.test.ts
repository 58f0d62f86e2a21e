import { describe, expect, it } from 'vitest';
import type { LambdaInstance } from '../../lib/items.ts';
import { detailBody, failure, JSON_CONTENT_TYPE, listBody } from '../../lib/responses.ts';
import { describeStatus, isStatusCode } from '../../lib/statuses.ts';
import { MESSAGE, errorBody } from '../support/contract.ts';

const summaries = [1, 3, 4, 5, 7].map((id) => ({
  uuid: `00000000-0000-4000-8000-00000000000${id}`,
  name: `Instance ${id}`,
  id,
}));

const instance: LambdaInstance = {
  uuid: '3f763964-d519-4fd2-916d-b5cfbe3b878b',
  id: 8,
  name: 'My first Lambda Instance',
  owner: 'b1f5c3d2-0000-4000-8000-000000000001',
  instanceInfo: { project_name: 'lambda.grnet.gr', slaves: 2 },
  status: '11',
  failureMessage: 'Cyclades VMs out of limit\n',
  applications: [{ id: 'eb9b1cda-1c81-4850-92f3-897b01d4685c', name: 'project.jar', type: 'BATCH', started: true }],
};

describe('list body', () => {
  it('without paging: every instance shown as uuid, name, id and no pagination block', () => {
    const body = listBody(summaries);
    expect(body.status).toEqual({ short_description: 'Lambda instances', code: 200 });
    expect(body.data).toEqual(summaries);
    expect(body).not.toHaveProperty('pagination');
  });

  it('a page: the instances shown, with the pagination block counting every page', () => {
    const body = listBody(summaries.slice(2, 4), { page: 2, limit: 2, count: 5 });
    expect(body.data.map((item) => (item as { id: number }).id)).toEqual([4, 5]);
    expect(body.pagination).toEqual({ page: 2, limit: 2, count: 5, pages: 3 });
  });
});

describe('details body', () => {
  const status = {
    message: 'CLUSTER_FAILED',
    code: '11',
    details: '~okeanos cluster build has failed.',
    failure_message: 'Cyclades VMs out of limit\n',
  };
  const info = { instance_info: instance.instanceInfo, id: instance.uuid, name: instance.name };

  it('no filter: info, status and applications', () => {
    expect(detailBody(instance, 'all')).toEqual({
      status: { short_description: 'Lambda instance details', code: 200 },
      data: [
        {
          info,
          status,
          applications: [{ name: 'project.jar', started: true, type: 'BATCH', id: instance.applications[0]?.id }],
        },
      ],
    });
  });

  it('filter=info: the info only', () => expect(detailBody(instance, 'info').data).toEqual([{ info }]));

  it('filter=status: the status with the id and name', () =>
    expect(detailBody(instance, 'status').data).toEqual([{ status, id: instance.uuid, name: instance.name }]));

  it('failure_message appears only when non-empty', () => {
    const [details] = detailBody({ ...instance, failureMessage: '' }, 'status').data;
    expect((details as { status: object }).status).not.toHaveProperty('failure_message');
  });
});

describe('error responses', () => {
  it('carry the envelope and the JSON content type', () => {
    const response = failure(404, MESSAGE.noInstances);
    expect(response.statusCode).toBe(404);
    expect(response.headers?.['Content-Type']).toBe(JSON_CONTENT_TYPE);
    expect(JSON.parse(response.body)).toEqual(errorBody(404, MESSAGE.noInstances));
  });

  it('401 asks for a token, 405 names GET, 503 says when to retry', () => {
    expect(failure(401, 'x').headers).toMatchObject({ 'WWW-Authenticate': 'Token' });
    expect(failure(405, 'x').headers).toMatchObject({ Allow: 'GET' });
    expect(failure(503, 'x').headers).toMatchObject({ 'Retry-After': '1' });
  });
});

describe('status codes', () => {
  it('the 24 codes 0..23 are known, nothing else', () => {
    const codes = Array.from({ length: 30 }, (_, code) => String(code)).filter(isStatusCode);
    expect(codes).toEqual(Array.from({ length: 24 }, (_, code) => String(code)));
    expect(isStatusCode('constructor')).toBe(false);
  });

  it.each([
    ['0', 'STARTED', 'Lambda instance has been started.'],
    ['6', 'DESTROYED', 'Lambda instance has been destroyed.'],
    ['11', 'CLUSTER_FAILED', '~okeanos cluster build has failed.'],
    ['23', 'FLUME_FAILED', 'Apache Flume installation and configuration have failed.'],
  ] as const)('code %s is %s', (code, message, details) => expect(describeStatus(code)).toEqual({ message, details }));
});
