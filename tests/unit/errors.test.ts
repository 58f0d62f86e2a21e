import { describe, expect, it } from 'vitest';
import {
  badRequest,
  DependencyUnavailableError,
  instanceNotFound,
  methodNotAllowed,
  noInstancesFound,
  pageNotFound,
  unauthorized,
} from '../../lib/errors.ts';
import { MESSAGE } from '../support/contract.ts';

describe('the errors a client sees', () => {
  it.each([
    ['a missing or bad token', unauthorized, 401, MESSAGE.unauthorized],
    ['no such instance of the caller', instanceNotFound, 404, MESSAGE.instanceNotFound],
    ['no instances to list, or a page past the last', noInstancesFound, 404, MESSAGE.noInstances],
    ['a page under /api/docs that is none of its assets', pageNotFound, 404, MESSAGE.noSuchPage],
    ['a method other than GET', methodNotAllowed, 405, MESSAGE.methodNotAllowed],
  ])('%s: %i with its message, shown to the client', (_, error, status, message) => {
    expect(error()).toMatchObject({ statusCode: status, message, expose: true });
  });

  it('a 400 carries one entry per parameter that is wrong', () => {
    expect(badRequest(MESSAGE.badPagination, MESSAGE.badStatus)).toMatchObject({
      statusCode: 400,
      message: `${MESSAGE.badPagination} ${MESSAGE.badStatus}`,
      expose: true,
      problems: [MESSAGE.badPagination, MESSAGE.badStatus],
    });
  });

  it('a dependency failure names itself in logs and traces', () => {
    expect(String(new DependencyUnavailableError('DynamoDB timed out'))).toBe(
      'DependencyUnavailableError: DynamoDB timed out',
    );
  });
});
