// Token administration: tokens made by operators, revocations (of stored tokens, and of ~okeanos tokens never seen
// here, which the verifiers then refuse without asking Astakos), and the stored tokens as `tokens list` shows them,
// whatever an item holds.
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import { toTokenItem, type TokenRecord } from '../lib/items.ts';
import type { StoreParts } from './store.ts';

/** How much of a digest operators see (`tokens list`): enough to tell apart, and to give to `tokens revoke`. */
const DIGEST_SHOWN = 12;

export const shortDigest = (digest: string): string => digest.slice(0, DIGEST_SHOWN);

/** A stored token item read without trusting it: what makes sense, and what does not (`odd`). */
export interface StoredToken {
  digest: string;
  /** None for a token blocked before it was ever seen. */
  owner?: string;
  label?: string;
  /** Epoch seconds. */
  createdAt?: number;
  expiresAt?: number;
  revoked: boolean;
  /** The item's attributes that make no sense, with their stored values (a time out of range, a wrong type). */
  odd: Record<string, unknown>;
}

export interface TokenAdmin {
  put(record: TokenRecord): Promise<void>;
  /** Writes many token records at once (fixtures and the bench). */
  putAll(records: readonly TokenRecord[]): Promise<void>;
  /**
   * Marks a digest revoked, for good, whether a token of it is stored or not: a never seen ~okeanos token is blocked
   * before its first use. Its expiry goes, because the table's TTL deleting the record would let Astakos approve the
   * token again. Returns the token as it was stored, undefined when it was never seen.
   */
  revoke(digest: string): Promise<StoredToken | undefined>;
  /** Stored tokens (of one owner, or whose digest starts with a prefix), oldest first; odd items too, as such. */
  all(filter?: { owner?: string; digestPrefix?: string }): Promise<StoredToken[]>;
}

/** Epoch seconds that a Date can hold (a time in ±270,000 years). */
const isEpochSeconds = (value: unknown): value is number =>
  Number.isSafeInteger(value) && !Number.isNaN(new Date((value as number) * 1000).getTime());

/** Reads a stored item field by field, keeping what makes sense and naming what does not. */
function readStoredToken(item: Record<string, unknown>): StoredToken {
  const odd: Record<string, unknown> = {};
  const field = <T>(name: string, valid: (value: unknown) => value is T): T | undefined => {
    const value = item[name];
    if (value === undefined || valid(value)) return value;
    odd[name] = value;
    return undefined;
  };
  const isString = (value: unknown): value is string => typeof value === 'string';
  const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
  const owner = field('owner', isString);
  const label = field('label', isString);
  const createdAt = field('created_at', isEpochSeconds);
  const expiresAt = field('expires_at', isEpochSeconds);
  const revoked = field('revoked', isBoolean);
  return {
    digest: String(item.digest),
    ...(owner !== undefined && { owner }),
    ...(label !== undefined && { label }),
    ...(createdAt !== undefined && { createdAt }),
    ...(expiresAt !== undefined && { expiresAt }),
    revoked: revoked === true,
    odd,
  };
}

export function createTokenAdmin({ client, tables, batches }: StoreParts): TokenAdmin {
  const table = tables.tokens;
  return {
    async put(record) {
      await faultsAsUnavailable(() => client.send(new PutCommand({ TableName: table, Item: toTokenItem(record) })));
    },

    async putAll(records) {
      await batches.put(table, records.map(toTokenItem), ({ digest }) => shortDigest(digest));
    },

    async revoke(digest) {
      const { Attributes } = await faultsAsUnavailable(() =>
        client.send(
          new UpdateCommand({
            TableName: table,
            Key: { digest },
            UpdateExpression: 'SET revoked = :revoked, created_at = if_not_exists(created_at, :now) REMOVE expires_at',
            ExpressionAttributeValues: { ':revoked': true, ':now': Math.floor(Date.now() / 1000) },
            ReturnValues: 'ALL_OLD',
          }),
        ),
      );
      return Attributes && readStoredToken(Attributes);
    },

    async all({ owner, digestPrefix } = {}) {
      const conditions: string[] = [];
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = {};
      if (owner !== undefined) {
        conditions.push('#owner = :owner');
        names['#owner'] = 'owner';
        values[':owner'] = owner;
      }
      if (digestPrefix !== undefined) {
        conditions.push('begins_with(#digest, :prefix)');
        names['#digest'] = 'digest';
        values[':prefix'] = digestPrefix;
      }
      const items = await batches.scan(
        table,
        conditions.length === 0 ? undefined : { expression: conditions.join(' AND '), names, values },
      );
      // Odd items (no creation time) last.
      const age = (token: StoredToken) => token.createdAt ?? Number.MAX_VALUE;
      return items.map(readStoredToken).sort((a, b) => age(a) - age(b));
    },
  };
}
