// When (docs/contract.md section 7.7): the times and status history that every operator write stores with its change,
// in the same conditional write. Every write sets `updated_at` (the database's clock: operators/clock.ts); a write
// that changes the status or the failure message adds an entry to the history, newest first, keeping the last
// STATUS_HISTORY_LENGTH. A SET of the list and a REMOVE of its oldest element cannot share one UpdateExpression (their
// paths overlap), so a status change is computed from the item as read and written on condition that it is
// unchanged since.
import {
  STATUS_HISTORY_LENGTH,
  type InstanceItem,
  type LambdaInstance,
  type StatusChangeItem,
  type Timeline,
} from '../lib/items.ts';

type StatusOfItem = Pick<InstanceItem, 'status' | 'failure_message' | 'status_history'>;

/**
 * The history of an instance whose write leaves it in `next` at `at`: one entry more when the status or the failure
 * message differs from the stored ones (or there is no stored one), the oldest dropped past the limit; undefined when
 * they stay as they are.
 */
export function historyAfter(
  stored: StatusOfItem | undefined,
  next: Pick<LambdaInstance, 'status' | 'failureMessage'>,
  at: string,
): StatusChangeItem[] | undefined {
  if (stored && stored.status === next.status && (stored.failure_message ?? '') === next.failureMessage)
    return undefined;
  const entry: StatusChangeItem = {
    code: next.status,
    at,
    ...(next.failureMessage !== '' && { failure_message: next.failureMessage }),
  };
  return [entry, ...(stored?.status_history ?? [])].slice(0, STATUS_HISTORY_LENGTH);
}

/**
 * A new instance's timeline: created and updated now, its first status the one entry of its history; an import
 * record's own created_at and history (an export imported back) are kept. updated_at is always now: the instance
 * is new to this table, and a client syncing with changed_since must hear of it.
 */
export function createdTimeline(
  instance: Pick<LambdaInstance, 'status' | 'failureMessage'> & Partial<Timeline>,
  at: string,
): Timeline {
  return {
    createdAt: instance.createdAt ?? at,
    updatedAt: at,
    statusHistory: instance.statusHistory ?? [{ code: instance.status, at, failureMessage: instance.failureMessage }],
  };
}
