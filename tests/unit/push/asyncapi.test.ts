// asyncapi.yaml describes what the push code sends: a packed `changed` message of list items, the pong and the error
// conform; a message that strays from the document does not. (npm run lint validates the document itself.)
import { describe, expect, it } from 'vitest';
import { changeOf, pack } from '../../../lib/push/changes.ts';
import { answerTo } from '../../../lib/push/messages.ts';
import { SEED_DETAILS_INSTANCE } from '../../../local/sample-data.ts';
import { asyncApiViolations } from '../../support/asyncapi.ts';
import { itemOf, streamRecord } from '../../support/stream.ts';

const stored = { ...SEED_DETAILS_INSTANCE, updatedAt: '2026-12-06T10:00:00.000Z' };
const changed = pack([changeOf(streamRecord(undefined, itemOf(stored)))!]).messages[0]!;

describe('asyncapi.yaml', () => {
  it('describes the messages the push sends: changed, pong and error', () => {
    expect(asyncApiViolations(changed)).toEqual([]);
    expect(asyncApiViolations(JSON.stringify(answerTo('{"action":"ping"}')))).toEqual([]);
    expect(asyncApiViolations(JSON.stringify(answerTo('hello')))).toEqual([]);
  });

  type Alter = (item: Record<string, unknown>) => Record<string, unknown>;
  it.each<[string, Alter]>([
    ['an item without its status block', (item: Record<string, unknown>) => ({ ...item, status: undefined })],
    ['an item without updated_at', (item: Record<string, unknown>) => ({ ...item, updated_at: undefined })],
    ['an item with a field the list does not show', (item: Record<string, unknown>) => ({ ...item, owner: 'x' })],
    ['an id that is not a positive integer', (item: Record<string, unknown>) => ({ ...item, id: '8' })],
  ])('refuses %s', (_, alter) => {
    const message = JSON.parse(changed) as { data: Record<string, unknown>[] };
    expect(asyncApiViolations(JSON.stringify({ ...message, data: message.data.map(alter) }))).not.toEqual([]);
  });

  it('refuses a message of no documented type, and one that is not JSON', () => {
    expect(asyncApiViolations('{"type":"hello"}')).not.toEqual([]);
    expect(asyncApiViolations('{"type":"changed","data":[]}')).not.toEqual([]);
    expect(asyncApiViolations('pong')).not.toEqual([]);
  });
});
