// What an import does with each record, decided from the stored instances before anything is written: create it,
// replace the stored instance (--replace), leave a DESTROYED instance as it is (a record identical to it: an export
// imported back), or refuse the whole file, naming each record and why (docs/contract.md sections 7.6 and 7.7).
import { isDeepStrictEqual } from 'node:util';
import { fromInstanceItem, type InstanceItem, type StoredInstance } from '../lib/items.ts';
import { DESTROYED } from '../lib/statuses.ts';
import type { NewInstance } from './imports.ts';
import { updatedItem, whyRefused, type InstanceChange } from './instance-update.ts';
import { tooLarge } from './item-size.ts';
import { historyAfter } from './timeline.ts';

/** A stored instance and the record that replaces it. */
export interface Replacement {
  instance: NewInstance;
  stored: InstanceItem;
}

export interface ImportPlan {
  create: NewInstance[];
  replace: Replacement[];
  /** DESTROYED instances whose record is identical to them: nothing to write. */
  unchanged: StoredInstance[];
}

/**
 * What a replacing record changes: everything but the id, the owner and created_at, which the stored instance keeps;
 * its history gains an entry when the status or the failure message changes.
 */
export function replacement(instance: NewInstance, stored: InstanceItem, at: string): InstanceChange {
  const history = historyAfter(stored, instance, at);
  return {
    name: instance.name,
    instance_info: instance.instanceInfo,
    status: instance.status,
    failure_message: instance.failureMessage,
    applications: instance.applications,
    ...(history && { status_history: history }),
  };
}

/** The fields of a record that differ from the stored instance's (not its times: a replacement keeps the stored ones). */
function changedFields(instance: NewInstance, stored: StoredInstance): string[] {
  const fields = {
    name: [instance.name, stored.name],
    instance_info: [instance.instanceInfo, stored.instanceInfo],
    status: [instance.status, stored.status],
    failure_message: [instance.failureMessage, stored.failureMessage],
    applications: [instance.applications, stored.applications],
  };
  return Object.entries(fields).flatMap(([field, [mine, theirs]]) => (isDeepStrictEqual(mine, theirs) ? [] : [field]));
}

/** A time of the length every stamp has, to weigh an item before its write is stamped. */
const ANY_TIME = new Date(0).toISOString();

export interface ImportOptions {
  /** Replace the instances whose uuid is stored (each keeps its id and owner) instead of refusing the file. */
  replace?: boolean;
  /** With `replace`: DESTROYED stored instances may be changed too, which brings them back (unless DESTROYED). */
  revive?: boolean;
}

type Decision =
  { create: NewInstance } | { replace: Replacement } | { unchanged: StoredInstance } | { refused: string };

/** What the import does with one record, given the item stored under its uuid (if any). */
function decide(instance: NewInstance, item: InstanceItem | undefined, { replace, revive }: ImportOptions): Decision {
  if (!item) return { create: instance };
  if (!replace) return { refused: `${instance.uuid} is already stored (--replace replaces it)` };
  const otherOwner = whyRefused(instance.uuid, {}, { owner: instance.owner, destroyedToo: true }, item);
  if (otherOwner !== undefined) return { refused: otherOwner };
  if (item.status === DESTROYED && !revive) {
    const changed = changedFields(instance, fromInstanceItem(item));
    if (changed.length === 0) return { unchanged: fromInstanceItem(item) };
    return {
      refused:
        `${instance.uuid} is DESTROYED, which is final, and the record changes its ${changed.join(', ')}: give ` +
        '--revive to replace it',
    };
  }
  const size = tooLarge(updatedItem(item, replacement(instance, item, ANY_TIME), ANY_TIME));
  if (size !== undefined) return { refused: `replacing ${instance.uuid}, ${size}` };
  return { replace: { instance, stored: item } };
}

/**
 * The plan of an import of `all` (in file order), given the stored items of their uuids, or every reason to refuse
 * it, each naming its record's position: a stored uuid without `replace`, a record that would move an instance to
 * another owner, change a DESTROYED one without `revive`, or make an item DynamoDB cannot store.
 */
export function planImport(
  all: readonly NewInstance[],
  stored: ReadonlyMap<string, InstanceItem>,
  options: ImportOptions,
): ImportPlan | { problems: string[] } {
  const plan: ImportPlan = { create: [], replace: [], unchanged: [] };
  const problems: string[] = [];
  all.forEach((instance, index) => {
    const decision = decide(instance, stored.get(instance.uuid), options);
    if ('refused' in decision) problems.push(`record ${index + 1}: ${decision.refused}`);
    else if ('create' in decision) plan.create.push(decision.create);
    else if ('replace' in decision) plan.replace.push(decision.replace);
    else plan.unchanged.push(decision.unchanged);
  });
  return problems.length > 0 ? { problems } : plan;
}
