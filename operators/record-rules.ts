// What an import record must hold beyond what its schema says (operators/records.ts checks the schema first): a
// timeline that holds together (docs/contract.md section 7.7) and each application id once. Each problem is said in
// the file's own field names, for the record's position to be put before it.
import type { InstanceRecord } from './records.ts';

/** A time of a record, named by its field, e.g. `status_history[1].at (2020-01-01T00:00:00.000Z)`. */
interface NamedTime {
  field: string;
  at: string;
}
const named = ({ field, at }: NamedTime) => `${field} (${at})`;
const latest = (times: readonly NamedTime[]) => times.reduce((a, b) => (b.at > a.at ? b : a));
const earliest = (times: readonly NamedTime[]) => times.reduce((a, b) => (b.at < a.at ? b : a));

/**
 * How far a record's time may be ahead of the database's time as this process knows it: another process that stamped
 * it knew that time within a second or so too (operators/clock.ts). The import stamps no earlier than such a time.
 */
const CLOCK_SLACK_MS = 2000;

/**
 * Whether a valid record's timeline holds together (docs/contract.md section 7.7): its history newest first, the
 * newest entry the record's status and failure message, created_at at or before every entry, every entry at or
 * before updated_at, and nothing later than the import (`now`, the database's time, give or take CLOCK_SLACK_MS).
 */
function timelineProblems(record: Partial<InstanceRecord>, now: string): string[] {
  const problems: string[] = [];
  const history = (record.status_history ?? []).map(({ at }, n) => ({ field: `status_history[${n}].at`, at }));
  history.slice(1).forEach((older, n) => {
    const newer = history[n]!;
    if (older.at > newer.at)
      problems.push(`status_history is not newest first: ${named(older)} is after ${named(newer)}`);
  });
  const [newest] = record.status_history ?? [];
  if (newest && newest.code !== record.status)
    problems.push(`status_history[0].code is ${newest.code}, not the record's status ${record.status}`);
  if (newest && (newest.failure_message ?? '') !== (record.failure_message ?? ''))
    problems.push(`status_history[0].failure_message is not the record's failure_message`);
  const created = record.created_at === undefined ? [] : [{ field: 'created_at', at: record.created_at }];
  const updated = record.updated_at === undefined ? [] : [{ field: 'updated_at', at: record.updated_at }];
  const after = [...history, ...updated];
  if (created[0] && after.length > 0 && earliest(after).at < created[0].at)
    problems.push(`${named(created[0])} is after ${named(earliest(after))}`);
  if (updated[0] && history.length > 0 && latest(history).at > updated[0].at)
    problems.push(`${named(latest(history))} is after ${named(updated[0])}`);
  const all = [...created, ...after];
  if (all.length > 0 && Date.parse(latest(all).at) > Date.parse(now) + CLOCK_SLACK_MS)
    problems.push(`${named(latest(all))} is in the future: the database's time is ${now}`);
  return problems;
}

/** What must hold of a valid record's contents, beyond its timeline: each application id once. */
function applicationProblems({ applications = [] }: Partial<InstanceRecord>): string[] {
  const first = new Map<string, number>();
  return applications.flatMap(({ id }, n) => {
    const seen = first.get(id);
    if (seen === undefined) first.set(id, n);
    return seen === undefined ? [] : [`applications[${n}].id repeats applications[${seen}].id`];
  });
}

/** Every problem of a record whose fields are what the schema says; `now` is the database's time. */
export const recordProblems = (record: Partial<InstanceRecord>, now: string): string[] => [
  ...timelineProblems(record, now),
  ...applicationProblems(record),
];
