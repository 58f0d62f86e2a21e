// Every setting the functions take from their environment, and the one set of rules that checks them: a deployed
// function reads its settings once when its container starts (lib/dependencies.ts), and `serverless package` and
// `deploy` check the same rules before anything is built (plugins/check-settings.cjs). Each setting is declared once
// below with its default: serverless.yml passes the deploying shell's value or nothing, README's table states these
// defaults (tests/unit/config.test.ts checks it). A bad value is reported with its variable's name. The DynamoDB
// endpoint is not here: the AWS SDK reads AWS_ENDPOINT_URL_DYNAMODB itself, which is how DynamoDB Local is reached.

export type Environment = Readonly<Record<string, string | undefined>>;

/** One variable: its name, its value when unset or empty (none: it must be set), and the rule a set value follows. */
export interface Setting<T> {
  readonly name: string;
  readonly fallback?: T;
  /** What a valid value looks like, for the message that refuses another. */
  readonly expected: string;
  /** The value a text stands for, or undefined when it breaks the rule. */
  readonly parse: (text: string) => T | undefined;
}

const integer =
  (max: number) =>
  (text: string): number | undefined => {
    const number = Number(text);
    return /^[0-9]+$/.test(text) && number >= 1 && number <= max ? number : undefined;
  };

const positiveInteger = (name: string, fallback: number): Setting<number> => ({
  name,
  fallback,
  expected: 'a positive integer',
  parse: integer(Number.MAX_SAFE_INTEGER),
});

export const port = (name: string, fallback: number): Setting<number> => ({
  name,
  fallback,
  expected: 'a port number, 1 to 65535',
  parse: integer(65_535),
});

const required = (name: string): Setting<string> => ({ name, expected: 'set', parse: (value) => value });

const oneOf = <const T extends string>(name: string, allowed: readonly T[], fallback: T): Setting<T> => ({
  name,
  fallback,
  expected: `one of ${allowed.join(', ')}`,
  parse: (value) => allowed.find((one) => one === value),
});

const httpUrl = (name: string): Setting<string> => ({
  name,
  fallback: '',
  expected: 'an http(s) URL',
  parse: (value) =>
    URL.canParse(value) && /^https?:$/.test(new URL(value).protocol) ? value.replace(/\/+$/, '') : undefined,
});

const origins = (name: string): Setting<string[]> => ({
  name,
  fallback: [],
  expected: 'origins such as https://app.example.org, comma-separated',
  parse: (value) => {
    const list = value.split(',');
    return list.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin) ? list : undefined;
  },
});

/** The functions' settings, in the order their problems are reported. */
export const FUNCTION_SETTINGS = {
  instancesTable: required('INSTANCES_TABLE'),
  tokensTable: required('TOKENS_TABLE'),
  /** Where verified tokens come from: the tokens table alone, or ~okeanos Astakos remembered in the tokens table. */
  tokenVerifier: oneOf('TOKEN_VERIFIER', ['dynamodb', 'astakos'], 'dynamodb'),
  /** Astakos's identity API base, e.g. https://accounts.okeanos.grnet.gr/identity/v2.0 (POST {url}/tokens). */
  identityUrl: httpUrl('IDENTITY_URL'),
  identityTimeoutMs: positiveInteger('IDENTITY_TIMEOUT_MS', 2000),
  /** How long a token that Astakos accepted is remembered in the tokens table. */
  identityRememberSeconds: positiveInteger('IDENTITY_REMEMBER_SECONDS', 300),
  /** How long a warm container trusts a verified token without asking again, and how many it keeps. */
  tokenCacheSeconds: positiveInteger('TOKEN_CACHE_SECONDS', 60),
  tokenCacheSize: positiveInteger('TOKEN_CACHE_SIZE', 1000),
  /** Per attempt, of at most 2: bounds each DynamoDB call (lib/dynamodb.ts says how). */
  dynamoDbRequestTimeoutMs: positiveInteger('DYNAMODB_REQUEST_TIMEOUT_MS', 600),
  /** What a request may spend on DynamoDB and Astakos in all, never past the function's remaining time. */
  requestDeadlineMs: positiveInteger('REQUEST_DEADLINE_MS', 2500),
  /** The exact origins (scheme://host[:port]) whose browsers may call the API; none by default. */
  corsOrigins: origins('CORS_ORIGINS'),
};

/** The push's functions' own settings, which the stack gives them (serverless.yml), not the deploying shell. */
export const PUSH_SETTINGS = {
  connectionsTable: required('CONNECTIONS_TABLE'),
  /** The management endpoint of this stack's WebSocket API (the push function's only). */
  connectionsUrl: ((): Setting<string> => {
    const { fallback: _optional, ...rule } = httpUrl('CONNECTIONS_URL');
    return rule;
  })(),
};

type Values<S> = { -readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export interface Tables {
  instances: string;
  tokens: string;
}

export type Settings = Omit<Values<typeof FUNCTION_SETTINGS>, 'instancesTable' | 'tokensTable'> & { tables: Tables };

class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Each setting's value and the problems found: an empty variable is an unset one. */
function readEach<S extends Record<string, Setting<unknown>>>(settings: S, env: Environment) {
  const problems: string[] = [];
  const values = Object.fromEntries(
    Object.entries(settings).map(([key, { name, fallback, expected, parse }]) => {
      const value = env[name];
      if (value === undefined || value === '') {
        if (fallback === undefined) problems.push(`${name} is not set`);
        return [key, fallback];
      }
      const parsed = parse(value);
      if (parsed === undefined) problems.push(`${name} must be ${expected} (got ${JSON.stringify(value)})`);
      return [key, parsed ?? fallback];
    }),
  ) as Values<S>;
  return { values, problems };
}

const refuse = (problems: readonly string[]) => {
  if (problems.length > 0) throw new SettingsError(`Invalid settings: ${problems.join('; ')}`);
};

/** The settings of an environment, or a SettingsError naming every variable that is missing or malformed. */
export function readSettings(env: Environment): Settings {
  const { values, problems } = readEach(FUNCTION_SETTINGS, env);
  const { instancesTable, tokensTable, ...settings } = values;
  if (settings.tokenVerifier === 'astakos' && !env.IDENTITY_URL)
    problems.push('IDENTITY_URL is not set (TOKEN_VERIFIER=astakos needs it)');
  refuse(problems);
  return { tables: { instances: instancesTable, tokens: tokensTable }, ...settings };
}

/** Reads a group of settings (e.g. the local stack's ports) by the same rules: every problem in one SettingsError. */
export function readAll<S extends Record<string, Setting<unknown>>>(settings: S, env: Environment): Values<S> {
  const { values, problems } = readEach(settings, env);
  refuse(problems);
  return values;
}
