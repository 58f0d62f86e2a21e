// The file format of `admin instances import|export`: a JSON array of lambda instances in the shape of the contract
// (docs/contract.md section 4), without ids (the importer assigns them), with the times and status history of section
// 7.7 where the instance has them (an import keeps created_at and the history). A record is validated by ajv against
// openapi.yaml's own schemas of what the API serves (a UUID, a status code, an application, instance_info), then by
// the rules a schema cannot say: of the file here (one owner, no uuid twice, times that exist, an item DynamoDB can
// store), of each record in operators/record-rules.ts (a timeline that holds together, application ids unique within
// the instance). Every problem of every record is reported with its position, so that a file is fixed in one go.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import {
  DEFAULT_NAME,
  STATUS_HISTORY_LENGTH,
  toInstanceItem,
  toStatusChangeItem,
  type Application,
  type StatusChangeItem,
  type StoredInstance,
} from '../lib/items.ts';
import type { StatusCode } from '../lib/statuses.ts';
import type { NewInstance } from './imports.ts';
import { tooLarge } from './item-size.ts';
import { recordProblems } from './record-rules.ts';
import { createdTimeline } from './timeline.ts';

export interface InstanceRecord {
  uuid: string;
  owner: string;
  name: string;
  instance_info: Record<string, unknown>;
  status: string;
  failure_message: string;
  applications: Application[];
  /** Absent for an instance stored before times were kept. */
  created_at?: string;
  /** Exported for the record; an import sets its own (docs/contract.md section 7.7). */
  updated_at?: string;
  status_history?: StatusChangeItem[];
}

const OPENAPI = 'openapi.yaml';
const schema = (name: string) => ({ $ref: `${OPENAPI}#/components/schemas/${name}` });
const count = { type: 'integer', minimum: 0 };
const text = { type: 'string' };

/** One import record: openapi.yaml's schemas, and the types of the instance_info fields the contract names. */
const RECORD_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['instance_info', 'status'],
    additionalProperties: false,
    properties: {
      uuid: schema('Uuid'),
      owner: schema('Uuid'),
      name: { ...schema('Info/properties/name'), minLength: 1 },
      instance_info: {
        ...schema('Info/properties/instance_info'),
        properties: {
          ...Object.fromEntries(
            ['vcpus_master', 'vcpus_slave', 'ram_master', 'ram_slave', 'disk_master', 'disk_slave', 'slaves'].map(
              (field) => [field, count],
            ),
          ),
          network_request: count,
          master_node_id: count,
          project_name: text,
          master_name: text,
          ip_allocation: text,
        },
      },
      status: schema('Status/properties/code'),
      failure_message: text,
      applications: { type: 'array', items: schema('Application') },
      created_at: schema('Time'),
      updated_at: schema('Time'),
      status_history: {
        type: 'array',
        minItems: 1,
        maxItems: STATUS_HISTORY_LENGTH,
        items: {
          type: 'object',
          required: ['code', 'at'],
          additionalProperties: false,
          properties: {
            code: schema('Status/properties/code'),
            at: schema('Time'),
            failure_message: { type: 'string', minLength: 1 },
          },
        },
      },
    },
  },
};

/** ajv's words for a pattern are the pattern: say what it stands for. */
const PATTERN_MEANS: Record<string, string> = {
  Uuid: 'must be a UUID',
  'Status/properties/code': 'must be one of the codes "0" to "23"',
  Time: 'must be a UTC time with milliseconds, as exported (2026-11-30T01:02:03.456Z)',
};

// The whole document is added, so that its own references resolve; its OpenAPI keywords are not JSON Schema's, and
// its formats are documentation (Time says its format with a pattern too, and fileProblems checks the date exists).
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
ajv.addSchema(parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as object, OPENAPI);
const validateRecords = ajv.compile<Partial<InstanceRecord>[]>(RECORD_SCHEMA);

const validateUuid = ajv.getSchema(`${OPENAPI}#/components/schemas/Uuid`)!;
const validateTime = ajv.getSchema(`${OPENAPI}#/components/schemas/Time`)!;

/**
 * A UUID in any letter case (UUIDs match case-insensitively, as the API's ids do) as the tables keep it, in lower
 * case; undefined when it is none.
 */
export function asUuid(value: unknown): string | undefined {
  const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
  return validateUuid(lower) === true ? lower : undefined;
}

interface Problem {
  /** The record's position, from 1. */
  record: number;
  text: string;
}

/** ajv's error, at `/3/applications/0/id`, as record 4's `applications[0].id ...`. */
function problem({ instancePath, keyword, message = 'is not valid', params, schemaPath }: ErrorObject): Problem {
  const [index = '0', ...path] = instancePath.split('/').slice(1);
  const field = path
    .map((key) => (/^\d+$/.test(key) ? `[${key}]` : `.${key}`))
    .join('')
    .replace(/^\./, '');
  const pattern = Object.entries(PATTERN_MEANS).find(([name]) => schemaPath.endsWith(`/schemas/${name}/pattern`));
  const said =
    keyword === 'additionalProperties'
      ? `has an unknown field ${String((params as { additionalProperty: string }).additionalProperty)}`
      : keyword === 'enum'
        ? `must be one of ${(params as { allowedValues: unknown[] }).allowedValues.join(', ')}`
        : (pattern?.[1] ?? message);
  return { record: Number(index) + 1, text: field === '' ? said : `${field} ${said}` };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const lowerCase = (value: unknown): unknown => (typeof value === 'string' ? value.toLowerCase() : value);

/** A record with its UUIDs (uuid, owner, application ids) in lower case, as the tables keep them. */
function withLowerCaseUuids(value: unknown): unknown {
  if (!isObject(value)) return value;
  const { uuid, owner, applications } = value;
  return {
    ...value,
    ...(uuid !== undefined && { uuid: lowerCase(uuid) }),
    ...(owner !== undefined && { owner: lowerCase(owner) }),
    ...(Array.isArray(applications) && {
      applications: applications.map((app: unknown) => (isObject(app) ? { ...app, id: lowerCase(app.id) } : app)),
    }),
  };
}

/** A time in the stored format that names no instant (the pattern lets 2026-02-30 through): it does not read back. */
function isImpossibleTime(time: unknown): boolean {
  if (!validateTime(time)) return false; // the schema's problem
  const instant = Date.parse(time as string);
  return Number.isNaN(instant) || new Date(instant).toISOString() !== time;
}

/** What the schema cannot say of the file: an owner for each record, --owner agreeing, no uuid twice, real times. */
function fileProblems(input: readonly unknown[], owner: string | undefined): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  input.forEach((value, index) => {
    if (!isObject(value)) return;
    const record = value as Partial<InstanceRecord>;
    const at = (text: string) => problems.push({ record: index + 1, text });
    if (record.owner === undefined && owner === undefined) at('owner is missing (or give --owner)');
    if (record.owner !== undefined && owner !== undefined && record.owner !== owner)
      at(`owner differs from --owner ${owner}`);
    const times: [string, unknown][] = [
      ['created_at', record.created_at],
      ['updated_at', record.updated_at],
      ...(Array.isArray(record.status_history) ? record.status_history : []).map((change, n): [string, unknown] => [
        `status_history[${n}].at`,
        (change as { at?: unknown } | null)?.at,
      ]),
    ];
    for (const [field, time] of times) if (isImpossibleTime(time)) at(`${field} names a time that does not exist`);
    if (typeof record.uuid !== 'string') return;
    const first = seen.get(record.uuid);
    if (first !== undefined) at(`uuid ${record.uuid} repeats record ${first}`);
    else seen.set(record.uuid, index + 1);
  });
  return problems;
}

/** The instance a valid record stands for; created_at, when only the history says, is its oldest entry's time. */
function toNewInstance(record: Partial<InstanceRecord>, owner: string | undefined): NewInstance {
  const createdAt = record.created_at ?? record.status_history?.at(-1)?.at;
  return {
    uuid: record.uuid ?? randomUUID(),
    owner: record.owner ?? owner!,
    name: record.name ?? DEFAULT_NAME,
    instanceInfo: record.instance_info!,
    status: record.status as StatusCode,
    failureMessage: record.failure_message ?? '',
    applications: record.applications ?? [],
    ...(createdAt !== undefined && { createdAt }),
    ...(record.status_history !== undefined && {
      statusHistory: record.status_history.map(({ code, at, failure_message = '' }) => ({
        code,
        at,
        failureMessage: failure_message,
      })),
    }),
  };
}

/**
 * Why DynamoDB would refuse the item a new instance is stored as, with the attributes the import adds (the largest
 * id, the times of `now`'s length, the history it gets), or undefined.
 */
const tooLargeWhenCreated = (instance: NewInstance, now: string): string | undefined =>
  tooLarge(toInstanceItem({ ...instance, id: Number.MAX_SAFE_INTEGER, ...createdTimeline(instance, now) }));

/**
 * The instances of a parsed import file, or every problem found, each with the record's position (from 1). `owner`
 * is that of records that name none (--owner); `now` is the database's time, which the import stamps.
 */
export function parseRecords(
  input: unknown,
  { owner, now }: { owner?: string | undefined; now: string },
): { instances: NewInstance[] } | { problems: string[] } {
  if (!Array.isArray(input)) return { problems: ['the file must hold a JSON array of lambda instances'] };
  const records = input.map(withLowerCaseUuids);
  const schemaProblems = validateRecords(records) ? [] : (validateRecords.errors ?? []).map(problem);
  const problems = [...schemaProblems, ...fileProblems(records, owner)];
  // The rules built on the fields' meaning, for the records whose fields are what the schema says.
  const unsound = new Set(problems.map(({ record }) => record));
  const instances = (records as Partial<InstanceRecord>[]).flatMap((record, index) => {
    if (unsound.has(index + 1)) return [];
    const instance = toNewInstance(record, owner);
    const size = tooLargeWhenCreated(instance, now);
    const found = [...recordProblems(record, now), ...(size ? [size] : [])];
    problems.push(...found.map((text) => ({ record: index + 1, text })));
    return [instance];
  });
  if (problems.length > 0) {
    return {
      problems: problems.sort((a, b) => a.record - b.record).map(({ record, text }) => `record ${record}: ${text}`),
    };
  }
  return { instances };
}

/** The inverse of parseRecords: what `instances export` writes. */
export function toRecord(instance: StoredInstance): InstanceRecord {
  return {
    uuid: instance.uuid,
    owner: instance.owner,
    name: instance.name,
    instance_info: instance.instanceInfo,
    status: instance.status,
    failure_message: instance.failureMessage,
    applications: instance.applications,
    ...(instance.createdAt !== null && { created_at: instance.createdAt }),
    ...(instance.updatedAt !== null && { updated_at: instance.updatedAt }),
    ...(instance.statusHistory.length > 0 && { status_history: instance.statusHistory.map(toStatusChangeItem) }),
  };
}
