import { describe, expect, it } from 'vitest';
import { entityTag, noneMatchHolds } from '../../lib/conditional.ts';

const BODY = '{"status":{"short_description":"Lambda instances","code":200},"data":[]}';
const tag = entityTag(BODY);

describe('entity tags', () => {
  it('are strong, quoted, and the same for the same bytes', () => {
    expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(entityTag(BODY)).toBe(tag);
  });

  it('differ when one byte differs', () => expect(entityTag(BODY.replace('[]', '[1]'))).not.toBe(tag));
});

describe('If-None-Match (weak comparison, RFC 9110 13.1.2)', () => {
  it.each([
    ['the tag itself', tag],
    ['the tag marked weak', `W/${tag}`],
    ['a list holding it', `"other", ${tag}, W/"third"`],
    ['a list without spaces', `"other",${tag}`],
    ['*', '*'],
    ['* with spaces', ' * '],
  ])('holds: %s', (_, value) => expect(noneMatchHolds(value, tag)).toBe(true));

  it.each([
    ['another tag', '"other"'],
    ['the tag unquoted', tag.slice(1, -1)],
    ['an empty value', ''],
    ['a prefix of the tag', `${tag.slice(0, -2)}"`],
    ['the tag inside another', `"x${tag.slice(1)}`],
    ['garbage', 'W/, ",,'],
  ])('does not hold: %s', (_, value) => expect(noneMatchHolds(value, tag)).toBe(false));
});
