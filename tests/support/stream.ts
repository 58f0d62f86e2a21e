// DynamoDB stream records of the instances table (NEW_AND_OLD_IMAGES), as Lambda hands them to the push function.
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { toInstanceItem, type LambdaInstance, type Timeline } from '../../lib/items.ts';

type StreamImage = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;
type Item = Record<string, unknown>;

let sequence = 0;
const image = (item: Item) => marshall(item, { removeUndefinedValues: true }) as StreamImage;

/** A record of one write to the item keyed `uuid`: INSERT (no old item), MODIFY, or REMOVE (no new item). */
export function streamRecord(old: Item | undefined, now: Item | undefined): DynamoDBRecord {
  const key = String((now ?? old)?.uuid);
  sequence += 1;
  return {
    eventID: `event-${sequence}`,
    eventName: old === undefined ? 'INSERT' : now === undefined ? 'REMOVE' : 'MODIFY',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-central-1',
    dynamodb: {
      Keys: image({ uuid: key }),
      ...(old && { OldImage: image(old) }),
      ...(now && { NewImage: image(now) }),
      SequenceNumber: String(sequence).padStart(21, '0'),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** An instance's item, as the operators' writes store it. */
export const itemOf = (instance: LambdaInstance & Partial<Timeline>): Item => ({ ...toInstanceItem(instance) });

export const streamEvent = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });
