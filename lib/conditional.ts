// Conditional requests (docs/contract.md section 7.1), for clients that poll: every 200 carries a strong ETag of its
// body (or the one its route gave it) and may be revalidated; an If-None-Match that holds it gets a 304 without the
// body, with the 200's caching headers. Errors are untouched: the 401, 400 and 404 checks have already answered before
// a 200 exists.
import { createHash } from 'node:crypto';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/** An entity-tag: optionally weak, its opaque part quoted, of etagc characters (RFC 9110 section 8.8.3). */
const ENTITY_TAG = /(?:W\/)?"([\x21\x23-\x7e\x80-\xff]*)"/g;
/**
 * A whole If-None-Match list of entity-tags: elements separated by commas with optional white space around them,
 * empty elements allowed (RFC 9110 section 5.6.1). Anything else is unparsable and holds no tag.
 */
const TAG_LIST = new RegExp(
  String.raw`^[ \t]*(?:${ENTITY_TAG.source}[ \t]*)?(?:,[ \t]*(?:${ENTITY_TAG.source}[ \t]*)?)*$`,
);

/** A strong entity-tag of the body's bytes. */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/**
 * Whether an If-None-Match value holds the tag: `*`, or a list of tags of which one has the same opaque part
 * (RFC 9110 section 13.1.2's weak comparison: W/ is ignored).
 */
export function noneMatchHolds(ifNoneMatch: string, tag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  if (!TAG_LIST.test(ifNoneMatch)) return false;
  const opaque = tag.slice(1, -1);
  for (const [, candidate] of ifNoneMatch.matchAll(ENTITY_TAG)) if (candidate === opaque) return true;
  return false;
}

/** Every If-None-Match line a client sent, as one list (repeated list headers combine, RFC 9110 section 5.3). */
function ifNoneMatchOf({ headers, multiValueHeaders }: APIGatewayProxyEvent): string | undefined {
  return multiValueHeaders?.['if-none-match']?.join(', ') ?? headers?.['if-none-match'];
}

export const conditionalRequests = (): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> => ({
  after: (request) => {
    const { response, event } = request;
    if (response?.statusCode !== 200) return;
    const given = response.headers?.ETag;
    const tag = typeof given === 'string' ? given : entityTag(response.body);
    const headers: NonNullable<APIGatewayProxyResult['headers']> = { ...response.headers, ETag: tag };
    const ifNoneMatch = ifNoneMatchOf(event);
    if (ifNoneMatch === undefined || !noneMatchHolds(ifNoneMatch, tag)) {
      request.response = { ...response, headers };
      return;
    }
    // The client's copy is current: the same caching headers, no body and so no representation metadata.
    const { 'Content-Type': _, ...notModified } = headers;
    request.response = { statusCode: 304, headers: notModified, body: '' };
  },
});
