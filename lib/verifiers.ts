// The token verifiers, one per source of truth, and the one this deployment uses.
import { createHash } from 'node:crypto';
import type { TokenVerifier } from './auth.ts';
import { tokens } from './data.ts';

/** Tokens are stored and looked up by this digest only, never in clear. */
export function digestToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The tokens table: unknown, revoked and expired tokens have no owner. */
export const dynamoDbVerifier: TokenVerifier = {
  async ownerOf(token) {
    const record = await tokens.find(digestToken(token));
    if (!record || record.revoked) return undefined;
    if (record.expiresAt !== undefined && record.expiresAt * 1000 <= Date.now()) return undefined;
    return record.owner;
  },
};

export const configuredVerifier: TokenVerifier = dynamoDbVerifier;
