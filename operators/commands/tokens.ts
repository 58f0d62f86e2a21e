// `admin tokens create|revoke|list`: tokens made by operators, revocations (stored tokens by the start of their
// digest, and tokens read from standard input, which blocks ~okeanos tokens never seen here), and the stored tokens
// as a plain table or JSON, whatever an item holds, their text escaped for the terminal.
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import Table from 'cli-table3';
import { InvalidArgumentError, type Command } from 'commander';
import ms from 'ms';
import { digestToken, isToken } from '../../lib/auth.ts';
import { shortDigest, type StoredToken, type TokenAdmin } from '../tokens.ts';
import { CommandFailed, uuid, type CommandContext } from './context.ts';
import { escapedText, terminalJson } from './terminal-text.ts';

/** The longest lifetime `tokens create --expires-in` gives a token. */
const MAX_LIFETIME = '366d';

/** 256 bits from the OS's secure generator, never starting with '-' (it would read as an option on a command line). */
function newToken(): string {
  for (;;) {
    const token = randomBytes(32).toString('base64url');
    if (!token.startsWith('-')) return token;
  }
}

function lifetimeSeconds(text: string): number {
  // A bare number would be milliseconds to `ms`: a unit is required.
  const millis = /[a-z]\s*$/i.test(text) ? ms(text as ms.StringValue) : undefined;
  if (millis === undefined || !(millis >= 1000 && millis <= ms(MAX_LIFETIME))) {
    throw new InvalidArgumentError(`give a duration from 1s to ${MAX_LIFETIME}, such as 3600s, 45m, 12h, 30d or 2w.`);
  }
  return Math.round(millis / 1000);
}

/** The start of a digest as operators give it: 8 to 64 hex digits. */
const DIGEST_PREFIX = /^[0-9a-f]{8,64}$/i;
/** `tokens revoke -`: the token is read from standard input. */
const FROM_INPUT = '-';

/** What `tokens revoke` takes: the start of a stored token's digest (in lower case, as stored), or `-`. */
function revokeTarget(text: string): string {
  if (text !== FROM_INPUT && !DIGEST_PREFIX.test(text))
    throw new InvalidArgumentError('give the start of a digest (8 to 64 hex digits), or - to read a token.');
  return text.toLowerCase();
}

const isoTime = (seconds: number): string => new Date(seconds * 1000).toISOString();

/** `tokens list`'s columns for a stored token; what makes no sense is shown as `?` and named in `odd`. */
function tokenColumns({ digest, owner, label, createdAt, expiresAt, revoked, odd }: StoredToken) {
  const shown = (value: string | undefined, attribute: string, otherwise: string) =>
    value ?? (attribute in odd ? '?' : otherwise);
  return {
    digest: shortDigest(digest),
    owner: shown(owner, 'owner', '-'),
    label: shown(label, 'label', ''),
    created: shown(createdAt === undefined ? undefined : isoTime(createdAt), 'created_at', '?'),
    expires: shown(expiresAt === undefined ? undefined : isoTime(expiresAt), 'expires_at', 'never'),
    revoked: revoked ? 'yes' : 'no',
    odd: Object.entries(odd)
      .map(([attribute, value]) => `${attribute} ${terminalJson(value)}`)
      .join('; '),
  };
}

/** cli-table3 without its borders: columns two spaces apart. */
const NO_BORDERS = Object.fromEntries(
  ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right']
    .concat(['left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid'])
    .map((part) => [part, '']),
);

/** An aligned plain table: a header line, then one line per row, whatever its cells hold (escaped). */
function plainTable(rows: readonly Record<string, string>[]): string {
  const [first] = rows;
  if (!first) return '';
  const table = new Table({
    head: Object.keys(first),
    chars: { ...NO_BORDERS, middle: '  ' },
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0, compact: true },
  });
  table.push(...rows.map((row) => Object.values(row).map(escapedText)));
  const lines = table.toString().split('\n');
  return `${lines.map((line) => line.trimEnd()).join('\n')}\n`;
}

/** The first line of standard input, without surrounding blanks. */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  for await (const line of createInterface({ input, crlfDelay: Infinity })) return String(line).trim();
  return '';
}

/** The one stored digest starting with `prefix`, or a refusal. */
async function storedDigestStarting(tokens: TokenAdmin, prefix: string): Promise<string> {
  const matches = await tokens.all({ digestPrefix: prefix });
  const [match] = matches;
  if (!match) throw new CommandFailed(`No stored token has a digest starting with ${prefix}.`);
  if (matches.length > 1)
    throw new CommandFailed(`${matches.length} tokens have a digest starting with ${prefix}: give more digits.`);
  return match.digest;
}

/** The digest of the token on standard input, or a refusal of what cannot be one. */
async function digestOfTokenFrom(input: NodeJS.ReadableStream): Promise<string> {
  const token = await firstLine(input);
  if (token === '') throw new CommandFailed('Standard input holds no token.');
  if (!isToken(token))
    throw new CommandFailed('Standard input holds no token: one is 1 to 512 printable ASCII characters, no spaces.');
  return digestToken(token);
}

export function addTokenCommands(program: Command, { io, data }: CommandContext): void {
  const tokensCommand = program.command('tokens').description('create, revoke and list API tokens');

  tokensCommand
    .command('create')
    .description('generate a token for an owner; the token is printed once and only its SHA-256 digest is stored')
    .requiredOption('--owner <uuid>', 'the ~okeanos user the token belongs to', uuid)
    .option(
      '--expires-in <duration>',
      `lifetime, 1s to ${MAX_LIFETIME}, e.g. 30d, 12h, 45m (default: no expiry)`,
      lifetimeSeconds,
    )
    .option('--label <text>', 'a note to recognise the token by')
    .action(async (options: { owner: string; expiresIn?: number; label?: string }) => {
      const { tokens } = data();
      const token = newToken();
      const digest = digestToken(token);
      const createdAt = Math.floor(Date.now() / 1000);
      const expiresAt = options.expiresIn === undefined ? undefined : createdAt + options.expiresIn;
      const expires = expiresAt === undefined ? 'never' : isoTime(expiresAt);
      const summary = `Token ${shortDigest(digest)} for ${options.owner}, expires ${expires}. It is not shown again.\n`;
      await tokens.put({
        digest,
        owner: options.owner,
        createdAt,
        revoked: false,
        ...(expiresAt !== undefined && { expiresAt }),
        ...(options.label !== undefined && { label: options.label }),
      });
      try {
        await io.out(`${token}\n`);
      } catch (error) {
        // Nobody has the token: it must not stay a working credential.
        await tokens.revoke(digest);
        throw new CommandFailed(`${(error as Error).message}; the token was not shown, and is revoked.`);
      }
      io.err(summary);
    });

  tokensCommand
    .command('revoke')
    .description(
      'revoke a token for good: a stored one by the start of its digest, as `tokens list` shows it; or, with -, ' +
        'the token read from standard input (never from the command line, where the shell keeps it), which also ' +
        'blocks an ~okeanos token never seen here: refused from then on without asking Astakos',
    )
    .argument('<digest-prefix|->', 'the start of a stored token’s digest, or - to read the token', revokeTarget)
    .action(async (target: string) => {
      const { tokens } = data();
      const digest =
        target === FROM_INPUT ? await digestOfTokenFrom(io.stdin) : await storedDigestStarting(tokens, target);
      const before = await tokens.revoke(digest);
      await io.out(
        before === undefined
          ? `blocked ${shortDigest(digest)}: a token never seen here, refused from now on\n`
          : `revoked ${shortDigest(digest)} (owner ${before.owner ?? 'unknown'})` +
              `${before.revoked ? ', as it already was' : ''}\n`,
      );
    });

  tokensCommand
    .command('list')
    .description(
      'list tokens (digest prefix, owner, label, dates, revoked); never a token. Owner "-" is a token blocked ' +
        'before it was ever seen (`tokens revoke`); "?" and the odd column show what a stored item holds that makes no sense',
    )
    .option('--owner <uuid>', 'only this owner’s tokens', uuid)
    .option('--json', 'a JSON array instead of a table')
    .action(async (options: { owner?: string; json?: boolean }) => {
      const { tokens } = data();
      const stored = await tokens.all(options.owner === undefined ? {} : { owner: options.owner });
      if (options.json) {
        const listed = stored.map((token) => ({
          digest: shortDigest(token.digest),
          owner: token.owner ?? null,
          label: token.label ?? null,
          created_at: token.createdAt === undefined ? null : isoTime(token.createdAt),
          expires_at: token.expiresAt === undefined ? null : isoTime(token.expiresAt),
          revoked: token.revoked,
          odd: token.odd,
        }));
        return io.out(`${terminalJson(listed, 2)}\n`);
      }
      if (stored.length === 0) return io.err('No tokens.\n');
      // The odd column only when some item has one.
      const rows = stored.map(tokenColumns);
      const anyOdd = rows.some(({ odd }) => odd !== '');
      await io.out(plainTable(rows.map(({ odd, ...row }) => (anyOdd ? { ...row, odd } : row))));
    });
}
