// What a stream record of the instances table tells an owner's connections, and how changes are packed into
// messages (docs/contract.md section 7.8).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StoredInstance } from '../../../lib/items.ts';
import { FRAME_BYTES, MESSAGE_BYTES, changeOf, pack } from '../../../lib/push/changes.ts';
import { itemOf, streamRecord } from '../../support/stream.ts';

const instance: StoredInstance = {
  uuid: '3f763964-d519-4fd2-916d-b5cfbe3b878b',
  id: 8,
  name: 'My first Lambda Instance',
  owner: 'b1f5c3d2-0000-4000-8000-000000000001',
  instanceInfo: { project_name: 'lambda.grnet.gr' },
  status: '2',
  failureMessage: '',
  applications: [{ id: 'eb9b1cda-1c81-4850-92f3-897b01d4685c', name: 'project.jar', type: 'BATCH', started: true }],
  createdAt: '2026-11-30T01:00:00.000Z',
  updatedAt: '2026-11-30T01:00:00.000Z',
  statusHistory: [{ code: '2', at: '2026-11-30T01:00:00.000Z', failureMessage: '' }],
};
const failed: StoredInstance = {
  ...instance,
  status: '11',
  failureMessage: 'Cyclades VMs out of limit\n',
  updatedAt: '2026-11-30T01:05:00.250Z',
};

describe('a stream record of the instances table', () => {
  it('tells the owner the instance exactly as a changed_since list item: uuid, name, id, status block, updated_at', () => {
    const change = changeOf(streamRecord(itemOf(instance), itemOf(failed)));
    expect(change).toMatchObject({ owner: instance.owner, uuid: instance.uuid });
    expect(JSON.parse(change!.item)).toEqual({
      uuid: instance.uuid,
      name: 'My first Lambda Instance',
      id: 8,
      status: {
        message: 'CLUSTER_FAILED',
        code: '11',
        details: '~okeanos cluster build has failed.',
        failure_message: 'Cyclades VMs out of limit\n',
      },
      updated_at: '2026-11-30T01:05:00.250Z',
    });
  });

  it('tells of a new instance (an import) and of a DESTROYED one', () => {
    expect(JSON.parse(changeOf(streamRecord(undefined, itemOf(instance)))!.item)).toMatchObject({ id: 8 });
    const destroyed = { ...instance, status: '6' as const, updatedAt: '2026-11-30T02:00:00.000Z' };
    expect(JSON.parse(changeOf(streamRecord(itemOf(instance), itemOf(destroyed)))!.item)).toMatchObject({
      status: { message: 'DESTROYED', code: '6' },
      updated_at: '2026-11-30T02:00:00.000Z',
    });
  });

  it('tells nothing when no field of the list item moved (an attribute no client sees)', () => {
    const before = itemOf(instance);
    expect(changeOf(streamRecord(before, { ...before, version: 7 }))).toBeUndefined();
    expect(changeOf(streamRecord(before, { ...before, instance_info: { slaves: 4 } }))).toBeUndefined();
    // A write that moves updated_at moves a field of the item: the client's copy must hold the server's time.
    expect(changeOf(streamRecord(before, { ...before, updated_at: '2026-11-30T01:00:00.001Z' }))).toBeDefined();
  });

  it('tells nothing of items that are not instances (the id counter, an owner’s bookkeeping) nor of a removal', () => {
    expect(
      changeOf(streamRecord({ uuid: 'counter:instance-id', next: 8 }, { uuid: 'counter:instance-id', next: 9 })),
    ).toBeUndefined();
    for (const uuid of ['counter:instance-id', `owner:${instance.owner}`]) {
      expect(changeOf(streamRecord({ uuid, count: 1 }, { uuid, count: 2 }))).toBeUndefined();
      expect(changeOf(streamRecord(undefined, { ...itemOf(instance), uuid }))).toBeUndefined();
    }
    expect(changeOf(streamRecord(itemOf(instance), undefined))).toBeUndefined();
  });

  it('shows no updated_at for an instance stored before times were kept, never a null one', () => {
    const { updated_at: _time, ...untimed } = itemOf(instance);
    expect(JSON.parse(changeOf(streamRecord(undefined, untimed))!.item)).not.toHaveProperty('updated_at');
  });

  it('tells nothing of a record without its keys and images', () => {
    expect(changeOf({ eventID: 'bare', eventName: 'MODIFY' })).toBeUndefined();
  });

  it('throws on an item that cannot be shown (its status is no status code)', () => {
    expect(() => changeOf(streamRecord(undefined, { ...itemOf(instance), status: '99' }))).toThrow();
  });
});

const change = (bytes: number) => ({ item: JSON.stringify({ name: 'x'.repeat(Math.max(0, bytes - 11)) }) });
const byteLength = (text: string) => Buffer.byteLength(text);

describe('packing changes into messages', () => {
  it('keeps every item, in order, in changed messages of at most one 32 KB frame, as few as fit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 12, max: 20_000 }), { maxLength: 60 }), (sizes) => {
        const changes = sizes.map(change);
        const { messages, tooLarge } = pack(changes);
        expect(tooLarge).toEqual([]);
        const parsed = messages.map((message) => JSON.parse(message) as { type: string; data: unknown[] });
        expect(parsed.flatMap(({ data }) => data)).toEqual(changes.map(({ item }) => JSON.parse(item) as unknown));
        for (const [index, message] of messages.entries()) {
          expect(parsed[index]?.type).toBe('changed');
          expect(byteLength(message)).toBeLessThanOrEqual(FRAME_BYTES);
          // As few as fit: the next message's first item would not have fitted in this one.
          const next = parsed[index + 1]?.data[0];
          if (next !== undefined)
            expect(byteLength(message) + 1 + byteLength(JSON.stringify(next))).toBeGreaterThan(FRAME_BYTES);
        }
      }),
    );
  });

  it('sends an item larger than a frame on its own, and cannot push one larger than a message', () => {
    const [small, large, huge] = [change(100), change(FRAME_BYTES), change(MESSAGE_BYTES)];
    const { messages, tooLarge } = pack([small, large, small, huge, small]);
    expect(messages.map((message) => (JSON.parse(message) as { data: unknown[] }).data.length)).toEqual([1, 1, 2]);
    expect(byteLength(messages[1]!)).toBeGreaterThan(FRAME_BYTES);
    expect(tooLarge).toEqual([huge]);
  });

  it('fills a frame to its last byte, and not one byte past it', () => {
    const empty = byteLength('{"type":"changed","data":[]}');
    // Two items and their comma make a frame exactly; a third byte more needs a second message.
    const half = (FRAME_BYTES - empty - 1) / 2;
    const exact = pack([change(Math.floor(half)), change(Math.ceil(half))]);
    expect(exact.messages.map(byteLength)).toEqual([FRAME_BYTES]);
    const over = pack([change(Math.floor(half)), change(Math.ceil(half) + 1)]);
    expect(over.messages).toHaveLength(2);
    // One item alone: exactly a frame, and exactly a whole message, still go.
    expect(pack([change(FRAME_BYTES - empty)]).messages.map(byteLength)).toEqual([FRAME_BYTES]);
    expect(pack([change(MESSAGE_BYTES - empty)]).messages.map(byteLength)).toEqual([MESSAGE_BYTES]);
    expect(pack([change(MESSAGE_BYTES - empty + 1)]).messages).toEqual([]);
  });

  it('packs nothing into no message', () => {
    expect(pack([])).toEqual({ messages: [], tooLarge: [] });
  });
});
