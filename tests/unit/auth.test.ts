import { describe, expect, it } from 'vitest';
import { readToken as readTokenOf } from '../../lib/auth.ts';
import { TOKEN_ONE } from '../support/contract.ts';

/**
 * As API Gateway sends them after http-header-normalizer: the last value in headers, every value in
 * multiValueHeaders.
 */
const readToken = (given: Record<string, string | string[]>) =>
  readTokenOf({
    headers: Object.fromEntries(Object.entries(given).map(([name, value]) => [name, [value].flat().at(-1)])),
    multiValueHeaders: Object.fromEntries(Object.entries(given).map(([name, value]) => [name, [value].flat()])),
  });

const TOKEN = TOKEN_ONE;

describe('reading the token', () => {
  it.each([
    ['Authorization: Token', { authorization: `Token ${TOKEN}` }],
    ['the scheme word in any case', { authorization: `tOkEn ${TOKEN}` }],
    ['Bearer as a synonym', { authorization: `Bearer ${TOKEN}` }],
    ['Authentication: Token (the original service’s curl examples)', { authentication: `Token ${TOKEN}` }],
    ['X-Api-Key (the original list documentation)', { 'x-api-key': TOKEN }],
    ['X-Auth-Token (~okeanos’s services and kamaki)', { 'x-auth-token': TOKEN }],
    ['a scheme word followed by several spaces (RFC 9110: 1*SP)', { authorization: `Token  ${TOKEN}` }],
    ['a value with trailing spaces', { authentication: `Token ${TOKEN}  ` }],
  ])('from %s', (_, headers) => expect(readToken(headers)).toBe(TOKEN));

  it('a header repeated with the same value counts once', () => {
    expect(readToken({ authorization: [`Token ${TOKEN}`, `Token ${TOKEN}`] })).toBe(TOKEN);
  });

  it('no headers at all (headers: null, as API Gateway’s console sends) is no token, not a crash', () => {
    expect(
      readTokenOf({
        headers: null as unknown as Record<string, string>,
        multiValueHeaders: null as unknown as Record<string, string[]>,
      }),
    ).toBeUndefined();
  });

  it('Authorization first, then Authentication, then X-Api-Key, then X-Auth-Token', () => {
    const all = { authorization: 'Token first', authentication: 'Token second', 'x-api-key': 'third' };
    expect(readToken({ ...all, 'x-auth-token': 'fourth' })).toBe('first');
    expect(readToken({ authentication: 'Token second', 'x-api-key': 'third', 'x-auth-token': 'fourth' })).toBe(
      'second',
    );
    expect(readToken({ 'x-api-key': 'third', 'x-auth-token': 'fourth' })).toBe('third');
  });

  it.each([
    ['no header', {}],
    ['an empty header', { authorization: '' }],
    ['a scheme without token', { authorization: 'Token ' }],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
    ['another scheme before the scheme word', { authorization: `Basic token ${TOKEN}` }],
    ['the scheme word glued to the token', { authorization: `Token${TOKEN}` }],
    ['no scheme', { authorization: TOKEN }],
    ['two tokens', { authorization: `Token ${TOKEN} ${TOKEN}` }],
    ['an empty X-Api-Key', { 'x-api-key': '' }],
    ['a scheme word in X-Auth-Token, which carries the bare token', { 'x-auth-token': `Token ${TOKEN}` }],
    ['a non-ASCII token', { 'x-api-key': 'tökén' }],
    ['a token too long to be real', { 'x-api-key': 'a'.repeat(513) }],
    [
      'a present but malformed Authorization, even beside a good X-Api-Key',
      { authorization: 'Basic x', 'x-api-key': TOKEN },
    ],
    ['Authorization repeated with different tokens', { authorization: [`Token ${TOKEN}`, 'Token other'] }],
    ['X-Api-Key repeated with different tokens', { 'x-api-key': [TOKEN, 'other'] }],
    ['Authorization repeated, a bad value first', { authorization: ['Basic x', `Token ${TOKEN}`] }],
  ])('none from %s', (_, headers) => expect(readToken(headers)).toBeUndefined());
});
