// The contract's fixed words (docs/contract.md section 5) and the sample data's names that the suites use, written
// once. The tests state them here on their own rather than import lib/errors.ts: a changed message must fail a test.
import {
  OWNER_ONE,
  OWNER_TWO,
  SAMPLE_INSTANCES,
  SAMPLE_TOKENS,
  SEED_DETAILS_INSTANCE,
} from '../../local/sample-data.ts';

export const MESSAGE = {
  unauthorized: 'Unauthorized. Request failed because user provided an invalid token.',
  instanceNotFound: "The specified lambda instance doesn't exist.",
  noInstances: 'No lambda instances found.',
  badPagination: 'limit and page must both be given as positive integers.',
  limitTooLarge: 'limit must be at most 1000.',
  badFilter: 'filter GET parameter can be used with values status or info.',
  badStatus: 'status GET parameter must be status codes or names, separated by commas.',
  badInclude: 'include GET parameter can be used with value status.',
  badDetailInclude: 'include GET parameter can be used with value history.',
  badChangedSince: 'changed_since GET parameter must be an RFC 3339 date-time.',
  methodNotAllowed: 'Method not allowed. This resource answers GET only.',
  listTooLong: 'The list is too long to send at once: use limit and page.',
  noSuchResource: 'No such resource.',
  noSuchPage: 'No such page.',
  unavailable: 'Service temporarily unavailable. Please retry.',
  internalError: 'Internal server error.',
} as const;

/** What a syncing client takes off the server's time of its last answer for its next changed_since (section 7.7). */
export const SYNC_MARGIN_MS = 10_000;

export const errorBody = (status: number, detail: string) => ({ errors: [{ status, detail }] });

/** The headers some error statuses carry besides the envelope. */
export const ERROR_HEADERS: Readonly<Record<number, readonly [string, string]>> = {
  401: ['WWW-Authenticate', 'Token'],
  405: ['Allow', 'GET'],
  503: ['Retry-After', '1'],
};

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The one origin the e2e stack lists in CORS_ORIGINS. */
export const E2E_ORIGIN = 'https://app.example.org';

/** How long the e2e stack's functions trust a verified token (TOKEN_CACHE_SECONDS). */
export const E2E_TOKEN_CACHE_SECONDS = 2;

/** The details seed's instance (owner one's id 8). */
export const DETAILS_UUID = SEED_DETAILS_INSTANCE.uuid;
/** The original service's example token (owner one's) and the second sample owner's. */
export const [TOKEN_ONE, TOKEN_TWO] = SAMPLE_TOKENS.map(({ token }) => token) as [string, string];
/** An instance of the second owner, which owner one must not see. */
export const OWNER_TWO_UUID = SAMPLE_INSTANCES.find(({ owner }) => owner === OWNER_TWO)!.uuid;
/** Owner one's DESTROYED instance: out of the list, its details still served. */
export const DESTROYED_UUID = SAMPLE_INSTANCES.find(({ owner, status }) => owner === OWNER_ONE && status === '6')!.uuid;
