// Every environment variable the functions read, validated once when the container starts: a bad value fails at
// load with its name. The DynamoDB endpoint is not here: the AWS SDK reads AWS_ENDPOINT_URL_DYNAMODB itself, which
// is how DynamoDB Local is reached.

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`Environment variable ${name} must be a positive integer`);
  return value;
}

function oneOf<const T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = process.env[name] || fallback;
  if (!allowed.includes(value as T)) throw new Error(`Environment variable ${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

const tokenVerifier = oneOf('TOKEN_VERIFIER', ['dynamodb', 'astakos'], 'dynamodb');

export const config = {
  instancesTable: required('INSTANCES_TABLE'),
  tokensTable: required('TOKENS_TABLE'),
  /** Where verified tokens come from: the tokens table alone, or ~okeanos Astakos remembered in the tokens table. */
  tokenVerifier,
  /** Astakos's identity API base, e.g. https://accounts.okeanos.grnet.gr/identity/v2.0 (POST {url}/tokens). */
  identityUrl: tokenVerifier === 'astakos' ? required('IDENTITY_URL').replace(/\/+$/, '') : '',
  identityTimeoutMs: positiveInteger('IDENTITY_TIMEOUT_MS', 2000),
  /** How long a token that Astakos accepted is remembered in the tokens table. */
  identityRememberSeconds: positiveInteger('IDENTITY_REMEMBER_SECONDS', 300),
  /** How long a warm container trusts a verified token without asking again, and how many it keeps. */
  tokenCacheSeconds: positiveInteger('TOKEN_CACHE_SECONDS', 60),
  tokenCacheSize: positiveInteger('TOKEN_CACHE_SIZE', 1000),
  /** Per attempt, of at most 2: bounds each DynamoDB call (lib/data.ts says how). */
  dynamoDbRequestTimeoutMs: positiveInteger('DYNAMODB_REQUEST_TIMEOUT_MS', 600),
} as const;
