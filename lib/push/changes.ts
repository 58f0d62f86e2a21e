// What a stream record of the instances table means to the owner's open connections (docs/contract.md section 7.8):
// the instance as a changed_since list item, or nothing when no field of that item moved; and the changes of one
// owner packed into as few messages as fit in a WebSocket frame. Pure functions.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { fromInstanceItem, type InstanceItem } from '../items.ts';
import { parseInstanceId } from '../requests.ts';
import { listItem } from '../responses.ts';

/** One change to tell an owner: the instance as the list shows it, serialised once. */
export interface Change {
  owner: string;
  uuid: string;
  /** The changed_since list item, as JSON. */
  item: string;
}

type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/** The changed_since list item of an instance item: its uuid, name, id, status block and updated_at. */
function shownItem(image: StreamImage): { owner: string; uuid: string; item: string } {
  // The stream's attribute values are DynamoDB's own (aws-lambda types them apart from the SDK's).
  const { updatedAt, ...instance } = fromInstanceItem(
    unmarshall(image as Record<string, AttributeValue>) as InstanceItem,
  );
  const item = listItem({ ...instance, ...(updatedAt !== null && { updatedAt }) }, { withStatus: true });
  return { owner: instance.owner, uuid: instance.uuid, item: JSON.stringify(item) };
}

/**
 * The change a record tells the owner of, or undefined when it tells nothing: an item of the table that is not an
 * instance (its key is no UUID: the id counter, an owner's bookkeeping), an instance removed from the table (an
 * instance is destroyed, never deleted; changed_since would not show a deleted one either), or a write that moved no
 * field of the list item (an attribute no client sees). A record that cannot be read throws.
 */
export function changeOf(record: DynamoDBRecord): Change | undefined {
  const { Keys, NewImage, OldImage } = record.dynamodb ?? {};
  if (parseInstanceId(Keys?.uuid?.S) === undefined || NewImage === undefined) return undefined;
  const now = shownItem(NewImage);
  if (OldImage !== undefined && shownItem(OldImage).item === now.item) return undefined;
  return now;
}

/** API Gateway's WebSocket frame: a message of at most this many bytes reaches every client in one frame. */
export const FRAME_BYTES = 32 * 1024;
/** The most API Gateway posts to a connection at once (in several frames). */
export const MESSAGE_BYTES = 128 * 1024;

const HEAD = '{"type":"changed","data":[';
const TAIL = ']}';
const bytes = (text: string): number => Buffer.byteLength(text);
const EMPTY_BYTES = bytes(HEAD + TAIL);

/** Packed messages, and the changes too large to push at all. */
export interface Packed<T> {
  messages: string[];
  tooLarge: T[];
}

/**
 * The changes' items in order, packed into as few `changed` messages as keep each within one frame. An item that
 * alone exceeds a frame is a message of its own (API Gateway splits it into frames); one that exceeds a whole message
 * cannot be pushed at all (the list still serves it).
 */
export function pack<T extends Pick<Change, 'item'>>(changes: readonly T[]): Packed<T> {
  const messages: string[] = [];
  const tooLarge: T[] = [];
  let batch: string[] = [];
  let batchBytes = EMPTY_BYTES;
  for (const change of changes) {
    const size = bytes(change.item);
    if (EMPTY_BYTES + size > MESSAGE_BYTES) {
      tooLarge.push(change);
      continue;
    }
    // Every item after a message's first comes with a comma.
    if (batch.length > 0 && batchBytes + 1 + size > FRAME_BYTES) {
      messages.push(HEAD + batch.join(',') + TAIL);
      [batch, batchBytes] = [[], EMPTY_BYTES];
    }
    batchBytes += (batch.length > 0 ? 1 : 0) + size;
    batch.push(change.item);
  }
  if (batch.length > 0) messages.push(HEAD + batch.join(',') + TAIL);
  return { messages, tooLarge };
}
