import { describe, expect, it } from 'vitest';
import { parseFilter, parseInstanceId, parsePagination, type Query } from '../../lib/requests.ts';
import { MESSAGE } from '../support/contract.ts';

const errorOf = (run: () => unknown): { statusCode: number; message: string } | undefined => {
  try {
    run();
  } catch (error) {
    return error as { statusCode: number; message: string };
  }
  return undefined;
};

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
    ['a limit over 1000', { limit: ['1001'], page: ['1'] }],
    ['a limit repeated with different values', { limit: ['2', '3'], page: ['1'] }],
    ['a page repeated with different values', { limit: ['2'], page: ['1', '2'] }],
  ];
  it.each(bad)('%s is a 400 with the pagination message', (_, query) => {
    expect(errorOf(() => parsePagination(query))).toMatchObject({
      statusCode: 400,
      message: MESSAGE.badPagination,
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
      message: MESSAGE.badFilter,
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
