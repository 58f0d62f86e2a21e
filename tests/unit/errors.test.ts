import { describe, expect, it } from 'vitest';
import {
  BAD_PARAMETER,
  badRequest,
  DependencyUnavailableError,
  INTERNAL_ERROR_MESSAGE,
  instanceNotFound,
  methodNotAllowed,
  noInstancesFound,
  pageNotFound,
  unauthorized,
  UNAVAILABLE_MESSAGE,
} from '../../lib/errors.ts';
import { MESSAGE } from '../support/contract.ts';

describe('the errors a client sees', () => {
  it.each([
    ['a missing or bad token', unauthorized, 401, MESSAGE.unauthorized],
    ['no such instance of the caller', instanceNotFound, 404, MESSAGE.instanceNotFound],
    ['no instances to list, or a page past the last', noInstancesFound, 404, MESSAGE.noInstances],
    ['a page under /api/docs that is none of its assets', pageNotFound, 404, 'No such page.'],
    ['a method other than GET', methodNotAllowed, 405, MESSAGE.methodNotAllowed],
  ])('%s: %i with its message, shown to the client', (_, error, status, message) => {
    expect(error()).toMatchObject({ statusCode: status, message, expose: true });
  });

  it('a 400 carries one entry per parameter that is wrong, each in the contract’s words', () => {
    expect(BAD_PARAMETER).toMatchObject({
      pagination: MESSAGE.badPagination,
      filter: MESSAGE.badFilter,
      status: MESSAGE.badStatus,
      include: MESSAGE.badInclude,
    });
    expect(badRequest(BAD_PARAMETER.pagination, BAD_PARAMETER.status)).toMatchObject({
      statusCode: 400,
      expose: true,
      problems: [MESSAGE.badPagination, MESSAGE.badStatus],
    });
  });

  it('a 500 and a 503 say only the contract’s words', () => {
    expect(INTERNAL_ERROR_MESSAGE).toBe(MESSAGE.internalError);
    expect(UNAVAILABLE_MESSAGE).toBe(MESSAGE.unavailable);
  });

  it('a dependency failure names itself in logs and traces', () => {
    expect(String(new DependencyUnavailableError('DynamoDB timed out'))).toBe(
      'DependencyUnavailableError: DynamoDB timed out',
    );
  });
});
