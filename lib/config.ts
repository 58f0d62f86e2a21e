// Every setting the functions take from their environment, and the one set of rules that checks them: a deployed
// function reads its settings once when its container starts (lib/dependencies.ts), and `serverless package` and
// `deploy` check the same rules before anything is built (plugins/check-settings.cjs). A bad value is reported with
// its variable's name. The DynamoDB endpoint is not here: the AWS SDK reads AWS_ENDPOINT_URL_DYNAMODB itself, which
// is how DynamoDB Local is reached.

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Tables {
  instances: string;
  tokens: string;
}

export interface Settings {
  tables: Tables;
  /** Where verified tokens come from: the tokens table alone, or ~okeanos Astakos remembered in the tokens table. */
  tokenVerifier: 'dynamodb' | 'astakos';
  /** Astakos's identity API base, e.g. https://accounts.okeanos.grnet.gr/identity/v2.0 (POST {url}/tokens). */
  identityUrl: string;
  identityTimeoutMs: number;
  /** How long a token that Astakos accepted is remembered in the tokens table. */
  identityRememberSeconds: number;
  /** How long a warm container trusts a verified token without asking again, and how many it keeps. */
  tokenCacheSeconds: number;
  tokenCacheSize: number;
  /** Per attempt, of at most 2: bounds each DynamoDB call (lib/dynamodb.ts says how). */
  dynamoDbRequestTimeoutMs: number;
  /** What a request may spend on DynamoDB and Astakos in all, never past the function's remaining time. */
  requestDeadlineMs: number;
  /** The exact origins (scheme://host[:port]) whose browsers may call the API; none by default. */
  corsOrigins: string[];
}

class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** The settings of an environment, or a SettingsError naming every variable that is missing or malformed. */
export function readSettings(env: Environment): Settings {
  const problems: string[] = [];
  const text = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

  const required = (name: string): string => {
    const value = text(name);
    if (value === undefined) problems.push(`${name} is not set`);
    return value ?? '';
  };
  const positiveInteger = (name: string, fallback: number): number => {
    const value = text(name);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (/^[0-9]+$/.test(value) && Number.isSafeInteger(number) && number >= 1) return number;
    problems.push(`${name} must be a positive integer (got ${JSON.stringify(value)})`);
    return fallback;
  };
  const oneOf = <const T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const value = text(name) ?? fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problems.push(`${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
    return fallback;
  };
  const httpUrl = (name: string): string => {
    const value = required(name);
    if (value === '') return value;
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      problems.push(`${name} must be an http(s) URL (got ${JSON.stringify(value)})`);
    }
    return value.replace(/\/+$/, '');
  };

  const origins = (name: string): string[] => {
    const list = text(name)?.split(',') ?? [];
    const malformed = list.filter((origin) => !URL.canParse(origin) || new URL(origin).origin !== origin);
    if (malformed.length > 0) {
      problems.push(
        `${name} must be origins such as https://app.example.org, comma-separated (got ${JSON.stringify(malformed.join(','))})`,
      );
    }
    return list;
  };

  const tokenVerifier = oneOf('TOKEN_VERIFIER', ['dynamodb', 'astakos'], 'dynamodb');
  const settings: Settings = {
    tables: { instances: required('INSTANCES_TABLE'), tokens: required('TOKENS_TABLE') },
    tokenVerifier,
    identityUrl: tokenVerifier === 'astakos' ? httpUrl('IDENTITY_URL') : '',
    identityTimeoutMs: positiveInteger('IDENTITY_TIMEOUT_MS', 2000),
    identityRememberSeconds: positiveInteger('IDENTITY_REMEMBER_SECONDS', 300),
    tokenCacheSeconds: positiveInteger('TOKEN_CACHE_SECONDS', 60),
    tokenCacheSize: positiveInteger('TOKEN_CACHE_SIZE', 1000),
    dynamoDbRequestTimeoutMs: positiveInteger('DYNAMODB_REQUEST_TIMEOUT_MS', 600),
    requestDeadlineMs: positiveInteger('REQUEST_DEADLINE_MS', 2500),
    corsOrigins: origins('CORS_ORIGINS'),
  };
  if (problems.length > 0) throw new SettingsError(`Invalid settings: ${problems.join('; ')}`);
  return settings;
}
