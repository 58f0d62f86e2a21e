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

/** One status change: the code it went to, when, and the failure message it came with ('' for none). */
export interface StatusChange {
  code: StatusCode;
  /** RFC 3339 UTC with milliseconds, from the writer's clock. */
  at: string;
  failureMessage: string;
}

/**
 * When an instance was stored and last changed, and its last status changes (docs/contract.md section 7.7). An
 * instance stored before times were kept has none until its next change: null, null and [].
 */
export interface Timeline {
  createdAt: string | null;
  updatedAt: string | null;
  /** Newest first, the last STATUS_HISTORY_LENGTH: the creation's status is the oldest until 20 changes follow it. */
  statusHistory: StatusChange[];
}

/** An instance as it is stored: its contents and their timeline. */
export type StoredInstance = LambdaInstance & Timeline;

/**
 * What the list reads of an instance: an owner index entry (serverless.yml projects these into the indexes). The
 * index of changes also carries `updatedAt`.
 */
export type InstanceSummary = Pick<LambdaInstance, 'uuid' | 'name' | 'id' | 'status' | 'failureMessage'> & {
  updatedAt?: string;
};

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
  /** Set only on instances the list shows, with listed_owner: the sparse key of listed-by-status (listedStatusKey). */
  listed_status?: string;
  instance_info?: Record<string, unknown>;
  status: StatusCode;
  failure_message?: string;
  applications?: Application[];
  /** RFC 3339 UTC with milliseconds; absent on items stored before times were kept. */
  created_at?: string;
  /** The RANGE key of the changed-by-owner index: absent, the item is not in it. */
  updated_at?: string;
  /** Newest first, at most STATUS_HISTORY_LENGTH entries. */
  status_history?: StatusChangeItem[];
  /** Counts operator writes, for their read-modify-write conditions (operators/store.ts); the API ignores it. */
  version?: number;
}

export interface StatusChangeItem {
  code: StatusCode;
  at: string;
  /** Absent when empty. */
  failure_message?: string;
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
/** The sparse index of listed instances by status: HASH listed_status, RANGE id (serverless.yml). */
export const LISTED_BY_STATUS = 'listed-by-status';
/** Status changes an instance keeps (docs/contract.md section 7.7). */
export const STATUS_HISTORY_LENGTH = 20;
/** The sparse index of instances with a time, DESTROYED included: HASH owner, RANGE updated_at (serverless.yml). */
export const CHANGED_BY_OWNER = 'changed-by-owner';
/** Every instance with an owner, DESTROYED included: HASH owner, RANGE id (serverless.yml). */
export const OWNED_BY_OWNER = 'owned-by-owner';
export const DEFAULT_NAME = 'Lambda Instance';

/** Whether the list shows an instance of this status: then, and only then, its item carries the listed keys. */
export const isListed = (status: StatusCode): boolean => status !== DESTROYED;

/** The owner's partition of one status in listed-by-status. */
export const listedStatusKey = (owner: string, status: StatusCode): string => `${owner}#${status}`;

/** The sparse keys of the list's indexes that an instance of this owner and status carries: none when DESTROYED. */
export const listedKeys = (owner: string, status: StatusCode): Pick<InstanceItem, 'listed_owner' | 'listed_status'> =>
  isListed(status) ? { listed_owner: owner, listed_status: listedStatusKey(owner, status) } : {};

export const toStatusChangeItem = ({ code, at, failureMessage }: StatusChange): StatusChangeItem => ({
  code,
  at,
  ...(failureMessage !== '' && { failure_message: failureMessage }),
});

const fromStatusChangeItem = ({ code, at, failure_message }: StatusChangeItem): StatusChange => ({
  code,
  at,
  failureMessage: failure_message ?? '',
});

/** The item of an instance; its times and history when it has them (null times are not stored). */
export function toInstanceItem(instance: LambdaInstance & Partial<Timeline>): InstanceItem {
  return {
    uuid: instance.uuid,
    id: instance.id,
    name: instance.name,
    owner: instance.owner,
    ...listedKeys(instance.owner, instance.status),
    instance_info: instance.instanceInfo,
    status: instance.status,
    failure_message: instance.failureMessage,
    applications: instance.applications,
    ...(instance.createdAt != null && { created_at: instance.createdAt }),
    ...(instance.updatedAt != null && { updated_at: instance.updatedAt }),
    ...(instance.statusHistory && { status_history: instance.statusHistory.map(toStatusChangeItem) }),
  };
}

export function fromInstanceItem(item: InstanceItem): StoredInstance {
  return {
    uuid: item.uuid,
    id: item.id,
    name: item.name ?? DEFAULT_NAME,
    owner: item.owner,
    instanceInfo: item.instance_info ?? {},
    status: item.status,
    failureMessage: item.failure_message ?? '',
    applications: item.applications ?? [],
    createdAt: item.created_at ?? null,
    updatedAt: item.updated_at ?? null,
    statusHistory: (item.status_history ?? []).map(fromStatusChangeItem),
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
