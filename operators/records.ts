// The file format of `admin instances import|export`: a JSON array of lambda instances in the shape of the
// contract (SPEC section 4), without ids (the importer assigns them). Validation reports every problem of every
// record with its position, so that a file is fixed in one go.
import { randomUUID } from 'node:crypto';
import type { Application, LambdaInstance } from '../lib/items.ts';
import { parseInstanceId } from '../lib/requests.ts';
import { isStatusCode } from '../lib/statuses.ts';
import type { NewInstance } from './instances.ts';

export interface InstanceRecord {
  uuid: string;
  owner: string;
  name: string;
  instance_info: Record<string, unknown>;
  status: string;
  failure_message: string;
  applications: Application[];
}

const FIELDS = new Set(['uuid', 'owner', 'name', 'instance_info', 'status', 'failure_message', 'applications']);
const COUNT_FIELDS = [
  'vcpus_master',
  'vcpus_slave',
  'ram_master',
  'ram_slave',
  'disk_master',
  'disk_slave',
  'slaves',
  'network_request',
  'master_node_id',
];
const TEXT_FIELDS = ['project_name', 'master_name', 'ip_allocation'];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** A UUID written in lower case, as the tables keep them. */
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && parseInstanceId(value) === value;

function applicationProblems(value: unknown, at: string): string[] {
  if (!isObject(value)) return [`${at} must be an object`];
  const problems: string[] = [];
  if (!isUuid(value.id)) problems.push(`${at}.id must be a lower-case UUID`);
  if (typeof value.name !== 'string' || value.name === '') problems.push(`${at}.name must be a non-empty string`);
  if (value.type !== 'BATCH' && value.type !== 'STREAMING') problems.push(`${at}.type must be BATCH or STREAMING`);
  if (typeof value.started !== 'boolean') problems.push(`${at}.started must be true or false`);
  const unknown = Object.keys(value).filter((key) => !['id', 'name', 'type', 'started'].includes(key));
  if (unknown.length > 0) problems.push(`${at} has unknown fields: ${unknown.join(', ')}`);
  return problems;
}

function recordProblems(record: unknown, owner: string | undefined): string[] {
  if (!isObject(record)) return ['must be an object'];
  const problems: string[] = [];
  const unknown = Object.keys(record).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) problems.push(`unknown fields: ${unknown.join(', ')}`);
  if (record.uuid !== undefined && !isUuid(record.uuid)) problems.push('uuid must be a lower-case UUID');
  if (record.owner === undefined && owner === undefined) problems.push('owner is missing (or give --owner)');
  if (record.owner !== undefined && !isUuid(record.owner)) problems.push('owner must be a lower-case UUID');
  if (record.owner !== undefined && owner !== undefined && record.owner !== owner)
    problems.push(`owner differs from --owner ${owner}`);
  if (record.name !== undefined && (typeof record.name !== 'string' || record.name === ''))
    problems.push('name must be a non-empty string');
  if (!isObject(record.instance_info)) problems.push('instance_info must be an object');
  else {
    for (const field of COUNT_FIELDS) {
      const value = record.instance_info[field];
      if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= 0))
        problems.push(`instance_info.${field} must be a whole number >= 0`);
    }
    for (const field of TEXT_FIELDS) {
      if (record.instance_info[field] !== undefined && typeof record.instance_info[field] !== 'string')
        problems.push(`instance_info.${field} must be a string`);
    }
  }
  if (typeof record.status !== 'string' || !isStatusCode(record.status))
    problems.push('status must be one of the codes "0" to "23"');
  if (record.failure_message !== undefined && typeof record.failure_message !== 'string')
    problems.push('failure_message must be a string');
  if (record.applications !== undefined) {
    if (!Array.isArray(record.applications)) problems.push('applications must be an array');
    else
      record.applications.forEach((application, index) =>
        problems.push(...applicationProblems(application, `applications[${index}]`)),
      );
  }
  return problems;
}

/** The instances of a parsed import file, or every problem found, each with the record's position (from 1). */
export function parseRecords(input: unknown, owner?: string): { instances: NewInstance[] } | { problems: string[] } {
  if (!Array.isArray(input)) return { problems: ['the file must hold a JSON array of lambda instances'] };
  const problems = input.flatMap((record, index) =>
    recordProblems(record, owner).map((problem) => `record ${index + 1}: ${problem}`),
  );
  const seen = new Map<string, number>();
  input.forEach((record: unknown, index) => {
    if (!isObject(record) || !isUuid(record.uuid)) return;
    const first = seen.get(record.uuid);
    if (first !== undefined) problems.push(`record ${index + 1}: uuid ${record.uuid} repeats record ${first}`);
    else seen.set(record.uuid, index + 1);
  });
  if (problems.length > 0) return { problems };
  const records = input as Partial<InstanceRecord>[];
  return {
    instances: records.map((record) => ({
      uuid: record.uuid ?? randomUUID(),
      owner: record.owner ?? owner!,
      name: record.name ?? 'Lambda Instance',
      instanceInfo: record.instance_info!,
      status: record.status as LambdaInstance['status'],
      failureMessage: record.failure_message ?? '',
      applications: record.applications ?? [],
    })),
  };
}

/** The inverse of parseRecords: what `instances export` writes. */
export function toRecord(instance: LambdaInstance): InstanceRecord {
  return {
    uuid: instance.uuid,
    owner: instance.owner,
    name: instance.name,
    instance_info: instance.instanceInfo,
    status: instance.status,
    failure_message: instance.failureMessage,
    applications: instance.applications,
  };
}
