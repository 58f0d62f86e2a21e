import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { conditionalRequests, entityTag, noneMatchHolds } from '../../lib/conditional.ts';
import { apiEvent, lambdaContext } from '../../harness/events.ts';

const BODY = '{"status":{"short_description":"Lambda instances","code":200},"data":[]}';
const tag = entityTag(BODY);

describe('entity tags', () => {
  it('are strong, quoted, 32 characters of the body’s SHA-256, and the same for the same bytes', () => {
    expect(tag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
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
    ['a list with empty elements', `, "other", ,${tag},`],
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
    ['the tag followed by garbage (unparsable: no tag)', `${tag} garbage`],
    ['the tag after garbage', `garbage, ${tag}`],
    ['* in a list', `*, ${tag}`],
  ])('does not hold: %s', (_, value) => expect(noneMatchHolds(value, tag)).toBe(false));
});

describe('conditional requests on an answer', () => {
  const OK = {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'private, no-cache', Vary: 'X' },
    body: BODY,
  };
  /** What the chain answers to this event when the route answers this. */
  const answer = (route: APIGatewayProxyResult, event: APIGatewayProxyEvent) =>
    middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
      .use(conditionalRequests())
      .handler(() => Promise.resolve(structuredClone(route)))(event, lambdaContext());
  const withHeaders = (headers: Record<string, string | string[]>) => apiEvent({ headers });

  it('a 200 carries a strong ETag derived from its body, the body unchanged', async () => {
    expect(await answer(OK, withHeaders({}))).toEqual({ ...OK, headers: { ...OK.headers, ETag: tag } });
  });

  it('a 200 keeps the ETag its route gave it, and is revalidated by that tag', async () => {
    const tagged = { ...OK, headers: { ...OK.headers, ETag: '"route"' } };
    expect((await answer(tagged, withHeaders({}))).headers?.ETag).toBe('"route"');
    expect((await answer(tagged, withHeaders({ 'if-none-match': '"route"' }))).statusCode).toBe(304);
  });

  it('If-None-Match holding the ETag: 304 with no body and the same ETag, Cache-Control and Vary', async () => {
    expect(await answer(OK, withHeaders({ 'if-none-match': tag }))).toEqual({
      statusCode: 304,
      headers: { 'Cache-Control': 'private, no-cache', Vary: 'X', ETag: tag },
      body: '',
    });
  });

  it('If-None-Match not holding it: the 200 with its body and ETag', async () => {
    const response = await answer(OK, withHeaders({ 'if-none-match': '"other"' }));
    expect([response.statusCode, response.body, response.headers?.ETag]).toEqual([200, BODY, tag]);
  });

  it('If-None-Match sent on several lines is one list', async () => {
    const response = await answer(OK, withHeaders({ 'if-none-match': [tag, '"other"'] }));
    expect(response.statusCode).toBe(304);
  });

  it('If-None-Match in an event without multi-value headers (a hand-made one) counts too', async () => {
    const { multiValueHeaders: _, ...event } = withHeaders({ 'if-none-match': tag });
    expect((await answer(OK, event as APIGatewayProxyEvent)).statusCode).toBe(304);
  });

  it('a request without any header, to a route answering without headers: the 200 with its ETag', async () => {
    const event = { ...apiEvent(), headers: null, multiValueHeaders: null } as unknown as APIGatewayProxyEvent;
    expect(await answer({ statusCode: 200, body: BODY }, event)).toEqual({
      statusCode: 200,
      headers: { ETag: tag },
      body: BODY,
    });
  });

  it('errors are left as they are: no ETag, never a 304', async () => {
    const notFound = { statusCode: 404, headers: { 'Cache-Control': 'no-store' }, body: '{"errors":[]}' };
    expect(await answer(notFound, withHeaders({ 'if-none-match': '*' }))).toEqual(notFound);
  });
});
