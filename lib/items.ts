// The domain types, and how they are stored: the items of the two tables and the one mapping between the two, used
// by the request path (lib/store.ts) and the operators' writes (operators/store.ts) alike.
import { DESTROYED, type StatusCode } from './statuses.ts';

export interface Application {
  id: string;
  name: string;
  type: 'BATCH' | 'STREAMING';
  started: boolean;
}

export interface LambdaInstance {
  uuid: string;
  id: number;
  name: string;
  owner: string;
  instanceInfo: Record<string, unknown>;
  status: StatusCode;
  failureMessage: string;
  applications: Application[];
}

/** What the list reads of an instance: its owner index entry (serverless.yml projects these into the index). */
export type InstanceSummary = Pick<LambdaInstance, 'uuid' | 'name' | 'id' | 'status' | 'failureMessage'>;

export interface TokenRecord {
  /** SHA-256 of the token, hex: the token itself is never stored. */
  digest: string;
  owner: string;
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds; also the table's TTL attribute, so DynamoDB deletes expired tokens eventually. */
  expiresAt?: number;
  revoked: boolean;
  label?: string;
}

/** The item of the instances table, as stored. */
export interface InstanceItem {
  uuid: string;
  id: number;
  name?: string;
  owner: string;
  /** Set only on instances the list shows: the sparse key of the listed-by-owner index. */
  listed_owner?: string;
  instance_info?: Record<string, unknown>;
  status: StatusCode;
  failure_message?: string;
  applications?: Application[];
  /** Counts operator writes, for their read-modify-write conditions (operators/store.ts); the API ignores it. */
  version?: number;
}

export interface TokenItem {
  digest: string;
  owner: string;
  created_at: number;
  expires_at?: number;
  revoked?: boolean;
  label?: string;
}

/** The sparse index of listed instances: HASH listed_owner, RANGE id (serverless.yml declares it). */
export const LISTED_BY_OWNER = 'listed-by-owner';
export const DEFAULT_NAME = 'Lambda Instance';

/** Whether the list shows an instance of this status: then, and only then, its item carries listed_owner. */
export const isListed = (status: StatusCode): boolean => status !== DESTROYED;

export function toInstanceItem(instance: LambdaInstance): InstanceItem {
  return {
    uuid: instance.uuid,
    id: instance.id,
    name: instance.name,
    owner: instance.owner,
    ...(isListed(instance.status) && { listed_owner: instance.owner }),
    instance_info: instance.instanceInfo,
    status: instance.status,
    failure_message: instance.failureMessage,
    applications: instance.applications,
  };
}

export function fromInstanceItem(item: InstanceItem): LambdaInstance {
  return {
    uuid: item.uuid,
    id: item.id,
    name: item.name ?? DEFAULT_NAME,
    owner: item.owner,
    instanceInfo: item.instance_info ?? {},
    status: item.status,
    failureMessage: item.failure_message ?? '',
    applications: item.applications ?? [],
  };
}

export function toTokenItem(record: TokenRecord): TokenItem {
  return {
    digest: record.digest,
    owner: record.owner,
    created_at: record.createdAt,
    revoked: record.revoked,
    ...(record.expiresAt !== undefined && { expires_at: record.expiresAt }),
    ...(record.label !== undefined && { label: record.label }),
  };
}

export function fromTokenItem(item: TokenItem): TokenRecord {
  return {
    digest: item.digest,
    owner: item.owner,
    createdAt: item.created_at,
    revoked: item.revoked === true,
    ...(item.expires_at !== undefined && { expiresAt: item.expires_at }),
    ...(item.label !== undefined && { label: item.label }),
  };
}
