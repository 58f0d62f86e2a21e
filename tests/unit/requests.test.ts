import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseDateTime,
  parseDetailQuery,
  parseInstanceId,
  parseListQuery,
  requestTarget,
  type Query,
} from '../../lib/requests.ts';
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

describe('changed_since (7.7)', () => {
  const since = (value: string) => parseListQuery({ changed_since: [value] }).changedSince;

  it('absent: no such filter', () => expect(parseListQuery({}).changedSince).toBeUndefined());

  it('an RFC 3339 date-time, as the stored times are written: UTC with milliseconds', () => {
    expect(since('2026-11-30T01:02:03.456Z')).toBe('2026-11-30T01:02:03.456Z');
    expect(since('2026-11-30T01:02:03Z')).toBe('2026-11-30T01:02:03.000Z');
    expect(since('2026-11-30t01:02:03.4z')).toBe('2026-11-30T01:02:03.400Z');
  });

  it('an offset is converted to UTC, across a day, a month and a year', () => {
    expect(since('2026-11-30T03:02:03.456+02:00')).toBe('2026-11-30T01:02:03.456Z');
    expect(since('2026-12-31T23:30:00-01:00')).toBe('2027-01-01T00:30:00.000Z');
    expect(since('2026-03-01T00:15:00+00:30')).toBe('2026-02-28T23:45:00.000Z');
  });

  it('digits past the millisecond round up: "at or after" stays exact for times stored in milliseconds', () => {
    expect(since('2026-11-30T01:02:03.456000Z')).toBe('2026-11-30T01:02:03.456Z');
    expect(since('2026-11-30T01:02:03.4561Z')).toBe('2026-11-30T01:02:03.457Z');
    expect(since('2026-11-30T23:59:59.9999999Z')).toBe('2026-12-01T00:00:00.000Z');
  });

  it('a leap second is the next second’s start; 29 February only in a leap year', () => {
    expect(since('2016-12-31T23:59:60Z')).toBe('2017-01-01T00:00:00.000Z');
    expect(since('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    expect(since('2000-02-29T00:00:00Z')).toBe('2000-02-29T00:00:00.000Z');
  });

  it('years 0000 to 9999, as long as their UTC form is one', () => {
    expect(since('0000-01-01T00:00:00Z')).toBe('0000-01-01T00:00:00.000Z');
    expect(since('0099-06-01T12:00:00Z')).toBe('0099-06-01T12:00:00.000Z');
    expect(since('9999-12-31T23:59:59.999Z')).toBe('9999-12-31T23:59:59.999Z');
  });

  it('repeated with the same value counts once', () => {
    expect(parseListQuery({ changed_since: ['2026-11-30T00:00:00Z', '2026-11-30T00:00:00Z'] }).changedSince).toBe(
      '2026-11-30T00:00:00.000Z',
    );
  });

  it.each([
    ['empty', ['']],
    ['a date alone', ['2026-11-30']],
    ['no time zone', ['2026-11-30T01:02:03']],
    ['a space for T', ['2026-11-30 01:02:03Z']],
    ['a space for + (an unencoded plus)', ['2026-11-30T01:02:03 02:00']],
    ['an offset without a colon', ['2026-11-30T01:02:03+0200']],
    ['a fraction without digits', ['2026-11-30T01:02:03.Z']],
    ['epoch seconds', ['1796000000']],
    ['30 February', ['2026-02-30T00:00:00Z']],
    ['29 February of a common year', ['2026-02-29T00:00:00Z']],
    ['29 February of 1900', ['1900-02-29T00:00:00Z']],
    ['month 13', ['2026-13-01T00:00:00Z']],
    ['month 00', ['2026-00-01T00:00:00Z']],
    ['day 32', ['2026-01-32T00:00:00Z']],
    ['day 0', ['2026-11-00T00:00:00Z']],
    ['hour 24', ['2026-11-30T24:00:00Z']],
    ['minute 60', ['2026-11-30T23:60:00Z']],
    ['second 61', ['2026-11-30T23:59:61Z']],
    ['an offset of 24 hours', ['2026-11-30T00:00:00+24:00']],
    ['an offset of 60 minutes', ['2026-11-30T00:00:00+01:60']],
    ['a year before 0000 in UTC', ['0000-01-01T00:00:00+01:00']],
    ['a year after 9999 in UTC', ['9999-12-31T23:30:00-01:00']],
    ['five-digit years', ['10000-01-01T00:00:00Z']],
    ['other digits', ['２０２６-11-30T00:00:00Z']],
    ['repeated with different values', ['2026-11-30T00:00:00Z', '2026-11-30T00:00:01Z']],
  ])('%s is a 400 with the changed_since message', (_, values) => {
    expect(errorOf(() => parseListQuery({ changed_since: values }))).toMatchObject({
      statusCode: 400,
      problems: [MESSAGE.badChangedSince],
    });
  });

  it('any instant, written with any offset, reads back as that instant in the stored format', () => {
    const offsetText = (minutes: number) =>
      `${minutes < 0 ? '-' : '+'}${String(Math.trunc(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('0001-01-01T00:00:00Z'), max: Date.parse('9998-12-31T00:00:00Z') }),
        fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 }),
        (instant, offset) => {
          const local = new Date(instant + offset * 60_000).toISOString().slice(0, -1);
          expect(parseDateTime(`${local}${offsetText(offset)}`)).toBe(new Date(instant).toISOString());
        },
      ),
    );
  });

  it('beside other wrong parameters: one entry each, changed_since last', () => {
    const error = errorOf(() => parseListQuery({ limit: ['0'], page: ['1'], include: ['x'], changed_since: ['x'] }));
    expect(error?.problems).toEqual([MESSAGE.badPagination, MESSAGE.badInclude, MESSAGE.badChangedSince]);
  });
});

describe('details: filter and include', () => {
  it('absent: every part, no history', () => expect(parseDetailQuery({})).toEqual({ view: 'all', withHistory: false }));

  it('info and status select that part; include=history adds the timeline to any of them', () => {
    expect(parseDetailQuery({ filter: ['info'] }).view).toBe('info');
    expect(parseDetailQuery({ filter: ['status'] }).view).toBe('status');
    expect(parseDetailQuery({ filter: ['status'], include: ['history'] })).toEqual({
      view: 'status',
      withHistory: true,
    });
  });

  it.each([[['']], [['INFO']], [['applications']], [['info', 'status']]])('filter %j is a 400', (values) => {
    expect(errorOf(() => parseDetailQuery({ filter: values }))).toMatchObject({
      statusCode: 400,
      problems: [MESSAGE.badFilter],
    });
  });

  it.each([[['']], [['status']], [['HISTORY']], [['history', 'status']]])(
    'include %j is a 400 with the details’ include message',
    (values) => {
      expect(errorOf(() => parseDetailQuery({ include: values }))).toMatchObject({
        statusCode: 400,
        problems: [MESSAGE.badDetailInclude],
      });
    },
  );

  it('a bad filter and a bad include: both, the filter’s first', () => {
    expect(errorOf(() => parseDetailQuery({ filter: ['x'], include: ['x'] }))?.problems).toEqual([
      MESSAGE.badFilter,
      MESSAGE.badDetailInclude,
    ]);
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
