import { describe, expect, it } from 'vitest';
import { parseFilter, parseInstanceId, parseListQuery, requestTarget, type Query } from '../../lib/requests.ts';
import { MESSAGE } from '../support/contract.ts';

const errorOf = (run: () => unknown): { statusCode: number; message: string; problems: string[] } | undefined => {
  try {
    run();
  } catch (error) {
    return error as { statusCode: number; message: string; problems: string[] };
  }
  return undefined;
};

const parsePagination = (query: Query) => parseListQuery(query).paging;

describe('pagination', () => {
  it('neither limit nor page: the whole list', () => {
    expect(parsePagination({})).toBeUndefined();
    expect(parsePagination({ other: ['1'] })).toBeUndefined();
  });

  it('both as positive integers: that page', () => {
    expect(parsePagination({ limit: ['2'], page: ['2'] })).toEqual({ limit: 2, page: 2 });
    expect(parsePagination({ limit: ['1000'], page: ['1'] })).toEqual({ limit: 1000, page: 1 });
    expect(parsePagination({ limit: ['007'], page: ['3'] })).toEqual({ limit: 7, page: 3 });
  });

  it('a parameter repeated with the same value counts once', () => {
    expect(parsePagination({ limit: ['2', '2'], page: ['1'] })).toEqual({ limit: 2, page: 1 });
  });

  const bad: [string, Query][] = [
    ['limit alone', { limit: ['2'] }],
    ['page alone', { page: ['2'] }],
    ['empty values', { limit: [''], page: [''] }],
    ['an empty limit', { limit: [''], page: ['1'] }],
    ['zero', { limit: ['0'], page: ['1'] }],
    ['a zero page', { limit: ['2'], page: ['0'] }],
    ['negative', { limit: ['-1'], page: ['1'] }],
    ['a fraction', { limit: ['2.5'], page: ['1'] }],
    ['letters', { limit: ['abc'], page: ['1'] }],
    ['exponent notation', { limit: ['1e3'], page: ['1'] }],
    ['a plus sign', { limit: ['+2'], page: ['1'] }],
    ['spaces', { limit: [' 2'], page: ['1'] }],
    ['a limit over 1000 without a page', { limit: ['1001'] }],
    ['a limit over 1000 with a zero page', { limit: ['1001'], page: ['0'] }],
    ['a limit repeated with different values', { limit: ['2', '3'], page: ['1'] }],
    ['a page repeated with different values', { limit: ['2'], page: ['1', '2'] }],
  ];
  it.each(bad)('%s is a 400 with the pagination message', (_, query) => {
    expect(errorOf(() => parsePagination(query))).toMatchObject({ statusCode: 400, problems: [MESSAGE.badPagination] });
  });
});

describe('a limit over 1000', () => {
  it.each([
    ['1001', '1'],
    ['1000000', '3'],
    ['99999999999999999999', '1'],
  ])('limit=%s with page=%s is a 400 that says limit must be at most 1000', (limit, page) => {
    expect(errorOf(() => parsePagination({ limit: [limit], page: [page] }))).toMatchObject({
      statusCode: 400,
      problems: [MESSAGE.limitTooLarge],
    });
  });
});

describe('status filter', () => {
  const statuses = (text: string) => [...(parseListQuery({ status: [text] }).statuses ?? [])].sort();

  it('absent: no filter', () => expect(parseListQuery({}).statuses).toBeUndefined());

  it('codes, and messages in any letter case', () => {
    expect(statuses('0,11')).toEqual(['0', '11']);
    expect(statuses('CLUSTER_FAILED,started')).toEqual(['0', '11']);
    expect(statuses('Destroyed')).toEqual(['6']);
  });

  it('failed, in any letter case, is every failure code; 9 alone is FAILED', () => {
    expect(statuses('failed')).toEqual(['11', '13', '15', '17', '19', '21', '23', '9']);
    expect(statuses('FAILED')).toEqual(statuses('failed'));
    expect(statuses('9')).toEqual(['9']);
  });

  it('a parameter repeated with the same value counts once', () => {
    expect([...(parseListQuery({ status: ['1', '1'] }).statuses ?? [])]).toEqual(['1']);
  });

  it.each([
    [['']],
    [['24']],
    [['07']],
    [['0,']],
    [[',0']],
    [['0,,1']],
    [[' 0']],
    [['running']],
    [['0', '1']],
    [['constructor']],
  ])('%j is a 400 with the status message', (values) => {
    expect(errorOf(() => parseListQuery({ status: values }))).toMatchObject({
      statusCode: 400,
      problems: [MESSAGE.badStatus],
    });
  });
});

describe('include', () => {
  it('include=status asks for each item’s status; absent, it does not', () => {
    expect(parseListQuery({ include: ['status'] }).withStatus).toBe(true);
    expect(parseListQuery({}).withStatus).toBe(false);
  });

  it.each([[['']], [['STATUS']], [['info']], [['status', 'info']]])(
    '%j is a 400 with the include message',
    (values) => {
      expect(errorOf(() => parseListQuery({ include: values }))).toMatchObject({
        statusCode: 400,
        problems: [MESSAGE.badInclude],
      });
    },
  );
});

describe('the list’s parameters together', () => {
  it('a 400 names every parameter that is wrong, one entry each, pagination first', () => {
    const error = errorOf(() => parseListQuery({ limit: ['0'], page: ['1'], status: ['x'], include: ['y'] }));
    expect(error?.problems).toEqual([MESSAGE.badPagination, MESSAGE.badStatus, MESSAGE.badInclude]);
  });

  it('a limit over 1000 beside a bad status: both problems, the limit’s first', () => {
    const error = errorOf(() => parseListQuery({ limit: ['1001'], page: ['1'], status: ['x'] }));
    expect(error?.problems).toEqual([MESSAGE.limitTooLarge, MESSAGE.badStatus]);
  });

  it('all three valid', () => {
    expect(parseListQuery({ limit: ['2'], page: ['1'], status: ['failed'], include: ['status'] })).toMatchObject({
      paging: { limit: 2, page: 1 },
      withStatus: true,
    });
  });
});

describe('request target', () => {
  it('keeps the stage prefix of API Gateway’s requestContext.path', () => {
    const event = {
      path: '/backend/lambda-instances/',
      requestContext: { path: '/prod/backend/lambda-instances/' },
      multiValueQueryStringParameters: { limit: ['2'] },
    };
    expect(requestTarget(event as unknown as Parameters<typeof requestTarget>[0])).toEqual({
      path: '/prod/backend/lambda-instances/',
      query: { limit: ['2'] },
    });
  });

  it('falls back to the path of an event without a request context', () => {
    const event = { path: '/api/lambda-instances', multiValueQueryStringParameters: null };
    expect(requestTarget(event as unknown as Parameters<typeof requestTarget>[0])).toEqual({
      path: '/api/lambda-instances',
      query: {},
    });
  });
});

describe('filter', () => {
  it('absent: every part', () => expect(parseFilter({})).toBe('all'));
  it('info and status select that part', () => {
    expect(parseFilter({ filter: ['info'] })).toBe('info');
    expect(parseFilter({ filter: ['status'] })).toBe('status');
  });
  it.each([[['']], [['INFO']], [['applications']], [['info', 'status']]])('%j is a 400', (values) => {
    expect(errorOf(() => parseFilter({ filter: values }))).toMatchObject({
      statusCode: 400,
      problems: [MESSAGE.badFilter],
    });
  });
});

describe('instance id', () => {
  it('a UUID, in canonical lower case', () => {
    expect(parseInstanceId('3f763964-d519-4fd2-916d-b5cfbe3b878b')).toBe('3f763964-d519-4fd2-916d-b5cfbe3b878b');
    expect(parseInstanceId('3F763964-D519-4FD2-916D-B5CFBE3B878B')).toBe('3f763964-d519-4fd2-916d-b5cfbe3b878b');
  });
  it.each(['8', '', '3f763964d5194fd2916db5cfbe3b878b', '3f763964-d519-4fd2-916d-b5cfbe3b878b0', '../etc', undefined])(
    '%j is not an instance id',
    (id) => expect(parseInstanceId(id)).toBeUndefined(),
  );
});
