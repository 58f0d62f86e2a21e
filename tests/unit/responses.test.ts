import { describe, expect, it } from 'vitest';
import type { StoredInstance } from '../../lib/items.ts';
import { detailBody, failure, JSON_CONTENT_TYPE, listBody, pagingLinks } from '../../lib/responses.ts';
import { describeStatus, isStatusCode } from '../../lib/statuses.ts';
import { MESSAGE, errorBody } from '../support/contract.ts';

const summaries = [1, 3, 4, 5, 7].map((id) => ({
  uuid: `00000000-0000-4000-8000-00000000000${id}`,
  name: `Instance ${id}`,
  id,
  status: '0' as const,
  failureMessage: '',
}));
const items = summaries.map(({ uuid, name, id }) => ({ uuid, name, id }));

const instance: StoredInstance = {
  uuid: '3f763964-d519-4fd2-916d-b5cfbe3b878b',
  id: 8,
  name: 'My first Lambda Instance',
  owner: 'b1f5c3d2-0000-4000-8000-000000000001',
  instanceInfo: { project_name: 'lambda.grnet.gr', slaves: 2 },
  status: '11',
  failureMessage: 'Cyclades VMs out of limit\n',
  applications: [{ id: 'eb9b1cda-1c81-4850-92f3-897b01d4685c', name: 'project.jar', type: 'BATCH', started: true }],
  createdAt: '2026-11-30T01:00:00.000Z',
  updatedAt: '2026-11-30T01:05:00.250Z',
  statusHistory: [
    { code: '11', at: '2026-11-30T01:05:00.250Z', failureMessage: 'Cyclades VMs out of limit\n' },
    { code: '2', at: '2026-11-30T01:00:00.000Z', failureMessage: '' },
  ],
};
const all = { view: 'all', withHistory: false } as const;

describe('list body', () => {
  it('without paging: every instance shown as uuid, name, id and no pagination block', () => {
    const body = listBody(summaries, { withStatus: false });
    expect(body.status).toEqual({ short_description: 'Lambda instances', code: 200 });
    expect(body.data).toEqual(items);
    expect(body).not.toHaveProperty('pagination');
  });

  it('a page: the instances shown, with the pagination block counting every page', () => {
    const body = listBody(summaries.slice(2, 4), { paged: { page: 2, limit: 2, count: 5 }, withStatus: false });
    expect(body.data.map((item) => (item as { id: number }).id)).toEqual([4, 5]);
    expect(body.pagination).toEqual({ page: 2, limit: 2, count: 5, pages: 3 });
  });

  it('include=status: each item with the status block of the details', () => {
    const failed = { ...summaries[0]!, status: '11' as const, failureMessage: 'Cyclades VMs out of limit\n' };
    expect(listBody([failed, summaries[1]!], { withStatus: true }).data).toEqual([
      {
        ...items[0],
        status: {
          message: 'CLUSTER_FAILED',
          code: '11',
          details: '~okeanos cluster build has failed.',
          failure_message: 'Cyclades VMs out of limit\n',
        },
      },
      { ...items[1], status: { message: 'STARTED', code: '0', details: 'Lambda instance has been started.' } },
    ]);
  });
});

describe('list body of changes (changed_since)', () => {
  it('each item read with its time shows its status block and updated_at', () => {
    const changed = { ...summaries[0]!, status: '6' as const, updatedAt: '2026-11-30T01:02:03.456Z' };
    expect(listBody([changed], { withStatus: true }).data).toEqual([
      {
        ...items[0],
        status: { message: 'DESTROYED', code: '6', details: 'Lambda instance has been destroyed.' },
        updated_at: '2026-11-30T01:02:03.456Z',
      },
    ]);
  });
});

describe('paging links', () => {
  const target = { path: '/prod/backend/lambda-instances/', query: { status: ['failed'], limit: ['2'], page: ['2'] } };

  it('first, prev, next and last, each the request with only page changed', () => {
    expect(pagingLinks(target, { page: 2, limit: 2, count: 6, pages: 3 })).toBe(
      '</prod/backend/lambda-instances/?status=failed&limit=2&page=1>; rel="first", ' +
        '</prod/backend/lambda-instances/?status=failed&limit=2&page=1>; rel="prev", ' +
        '</prod/backend/lambda-instances/?status=failed&limit=2&page=3>; rel="next", ' +
        '</prod/backend/lambda-instances/?status=failed&limit=2&page=3>; rel="last"',
    );
  });

  it('no prev on the first page, no next on the last; values stay encoded', () => {
    const links = pagingLinks(
      { path: '/api/lambda-instances', query: { page: ['1'], limit: ['5'], status: ['0,11'] } },
      { page: 1, limit: 5, count: 5, pages: 1 },
    );
    expect(links).toBe(
      '</api/lambda-instances?page=1&limit=5&status=0%2C11>; rel="first", </api/lambda-instances?page=1&limit=5&status=0%2C11>; rel="last"',
    );
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
    expect(detailBody(instance, all)).toEqual({
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

  it('filter=info: the info only', () =>
    expect(detailBody(instance, { ...all, view: 'info' }).data).toEqual([{ info }]));

  it('filter=status: the status with the id and name', () =>
    expect(detailBody(instance, { ...all, view: 'status' }).data).toEqual([
      { status, id: instance.uuid, name: instance.name },
    ]));

  it('failure_message appears only when non-empty', () => {
    const [details] = detailBody({ ...instance, failureMessage: '' }, { ...all, view: 'status' }).data;
    expect((details as { status: object }).status).not.toHaveProperty('failure_message');
  });

  const timeline = {
    created_at: '2026-11-30T01:00:00.000Z',
    updated_at: '2026-11-30T01:05:00.250Z',
    status_history: [
      {
        code: '11',
        message: 'CLUSTER_FAILED',
        details: '~okeanos cluster build has failed.',
        at: '2026-11-30T01:05:00.250Z',
        failure_message: 'Cyclades VMs out of limit\n',
      },
      {
        code: '2',
        message: 'PENDING',
        details: 'Lambda instance installation is pending.',
        at: '2026-11-30T01:00:00.000Z',
      },
    ],
  };

  it.each(['all', 'info', 'status'] as const)(
    'include=history adds the timeline, newest first, beside what filter %s shows',
    (view) => {
      const [plain] = detailBody(instance, { view, withHistory: false }).data;
      expect(detailBody(instance, { view, withHistory: true }).data).toEqual([{ ...plain, timeline }]);
    },
  );

  it('an instance stored before times were kept: null times and an empty history, never invented', () => {
    const untimed = { ...instance, createdAt: null, updatedAt: null, statusHistory: [] };
    expect(detailBody(untimed, { view: 'info', withHistory: true }).data).toEqual([
      { info, timeline: { created_at: null, updated_at: null, status_history: [] } },
    ]);
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
