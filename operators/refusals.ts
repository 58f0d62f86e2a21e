// The vocabulary of every operator write that DynamoDB may refuse: a refusal is an answer for the operator (no such
// instance, DESTROYED is final, someone else changed it), not a fault, and it writes nothing.
import { unmarshall, type NativeAttributeValue } from '@aws-sdk/util-dynamodb';

export type Item = Record<string, NativeAttributeValue>;

/** A change refused for a reason the operator can act on (no such instance, a bad application id, ...). */
export class RefusedChange extends Error {
  override readonly name = 'RefusedChange';
}

/** A write refused because what it was computed from changed since it was read: read again and retry. */
export class StaleRead extends RefusedChange {}

type CancellationReason = { Code?: string; Item?: Parameters<typeof unmarshall>[0] };

/**
 * Why DynamoDB refused a conditional write: `condition` with the item it was refused over (returned with
 * ReturnValuesOnConditionCheckFailure: 'ALL_OLD'; undefined when the item did not exist) and, in a transaction,
 * the position of the refused action; `conflict` when a concurrent transaction held an item (try again); undefined
 * when the error is no refusal.
 */
export function refusal(
  error: unknown,
): { kind: 'condition'; item: Item | undefined; index: number } | { kind: 'conflict' } | undefined {
  if (!(error instanceof Error)) return undefined;
  if (error.name === 'ConditionalCheckFailedException') {
    const { Item: old } = error as { Item?: Parameters<typeof unmarshall>[0] };
    return { kind: 'condition', item: old && unmarshall(old), index: 0 };
  }
  if (error.name === 'TransactionCanceledException') {
    const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
    const index = reasons.findIndex(({ Code }) => Code === 'ConditionalCheckFailed');
    const failed = reasons[index];
    if (failed) return { kind: 'condition', item: failed.Item && unmarshall(failed.Item), index };
    if (reasons.some(({ Code }) => Code === 'TransactionConflict')) return { kind: 'conflict' };
  }
  if (error.name === 'TransactionConflictException') return { kind: 'conflict' };
  return undefined;
}
