// The failures of the contract (docs/contract.md section 5), as HTTP errors that the API's error handler turns into
// envelopes. Errors below 500 are exposed with their message; anything else becomes the generic 500.
import { createError, type HttpError } from '@middy/util';

export const unauthorized = (): HttpError =>
  createError(401, 'Unauthorized. Request failed because user provided an invalid token.');

/** The 400s' messages, one per query parameter that can be wrong. */
export const BAD_PARAMETER = {
  pagination: 'limit and page must both be given as positive integers.',
  limitTooLarge: 'limit must be at most 1000.',
  filter: 'filter GET parameter can be used with values status or info.',
  status: 'status GET parameter must be status codes or names, separated by commas.',
  include: 'include GET parameter can be used with value status.',
  detailInclude: 'include GET parameter can be used with value history.',
  changedSince: 'changed_since GET parameter must be an RFC 3339 date-time.',
} as const;

/** A 400 with one entry per problem found (docs/contract.md section 5). */
export const badRequest = (...problems: string[]): HttpError & { problems: string[] } =>
  Object.assign(createError(400, problems.join(' ')), { problems });

export const instanceNotFound = (): HttpError => createError(404, "The specified lambda instance doesn't exist.");

export const noInstancesFound = (): HttpError => createError(404, 'No lambda instances found.');

/** An answer that one response cannot carry (docs/contract.md section 5.1): never a 503 to retry forever. */
export const listTooLong = (): HttpError =>
  createError(400, 'The list is too long to send at once: use limit and page.');

/** Any path that is none of the API's (docs/contract.md section 1), whatever the method. */
export const noSuchResource = (): HttpError => createError(404, 'No such resource.');

/** A path under /api/docs that is not one of the reference page's assets. */
export const pageNotFound = (): HttpError => createError(404, 'No such page.');

export const methodNotAllowed = (): HttpError =>
  createError(405, 'Method not allowed. This resource answers GET only.');

export const INTERNAL_ERROR_MESSAGE = 'Internal server error.';
export const UNAVAILABLE_MESSAGE = 'Service temporarily unavailable. Please retry.';

/** A dependency (DynamoDB, the identity service) failed, throttled or was too slow: the client may retry (503). */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
}
