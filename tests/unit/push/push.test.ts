// The push function's own rules, on in-memory connections, tokens and WebSocket API (docs/contract.md section 7.8):
// who is told what, in how many messages; gone connections forgotten and revoked ones closed, neither a failure; a
// failure reported for the records it concerns only.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { LambdaInstance } from '../../../lib/items.ts';
import type { Connection, ConnectionStore } from '../../../lib/push/connections.ts';
import type { ConnectionsApi } from '../../../lib/push/management.ts';
import { pushRoute } from '../../../lib/push/push.ts';
import { lambdaContext } from '../../../harness/events.ts';
import { itemOf, streamEvent, streamRecord } from '../../support/stream.ts';

const [ONE, TWO] = ['b1f5c3d2-0000-4000-8000-000000000001', 'b1f5c3d2-0000-4000-8000-000000000002'];

let ids = 0;
const instanceOf = (owner: string, changes: Partial<LambdaInstance> = {}): LambdaInstance => {
  ids += 1;
  return {
    uuid: `00000000-0000-4000-8000-${String(ids).padStart(12, '0')}`,
    id: ids,
    name: `Instance ${ids}`,
    owner,
    instanceInfo: {},
    status: '2',
    failureMessage: '',
    applications: [],
    ...changes,
  };
};
const at = (second: number) => `2026-12-06T10:00:${String(second).padStart(2, '0')}.000Z`;
/** A record of `instance` moving to `changes` at `second`. */
const changed = (instance: LambdaInstance, changes: Partial<LambdaInstance>, second = 1) =>
  streamRecord(itemOf({ ...instance, updatedAt: at(0) }), itemOf({ ...instance, ...changes, updatedAt: at(second) }));

/** In-memory connections, tokens and WebSocket API, recording what the push does to them. */
function fakes(connected: (Connection & { gone?: boolean; failing?: boolean })[]) {
  const open = new Map(connected.map((connection) => [connection.connectionId, connection]));
  const sent = new Map<string, unknown[]>();
  const closed: string[] = [];
  const tokenChecks: string[] = [];
  const revoked = new Set<string>();
  const reads: string[] = [];
  const warnings: [string, Record<string, unknown>][] = [];
  const posts = { inFlight: 0, most: 0 };
  const connections: ConnectionStore = {
    add: () => Promise.reject(new Error('the push adds no connection')),
    ofOwner: (owner) => {
      reads.push(owner);
      return Promise.resolve([...open.values()].filter((connection) => connection.owner === owner));
    },
    forget: ({ connectionId }) => Promise.resolve(void open.delete(connectionId)),
    forgetById: () => Promise.reject(new Error('the push knows each connection’s owner')),
  };
  const api: ConnectionsApi = {
    send: async (connectionId, message) => {
      posts.most = Math.max(posts.most, (posts.inFlight += 1));
      // A post takes a moment, as over a network: long enough for others to start meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 1));
      posts.inFlight -= 1;
      const connection = connected.find((each) => each.connectionId === connectionId);
      if (connection?.failing) throw Object.assign(new Error('slow down'), { name: 'LimitExceededException' });
      if (!connection || connection.gone) return 'gone';
      sent.set(connectionId, [...(sent.get(connectionId) ?? []), JSON.parse(message)]);
      return 'sent';
    },
    close: (connectionId) => Promise.resolve(void closed.push(connectionId)),
  };
  const tokenHolds = (digest: string) => {
    tokenChecks.push(digest);
    return Promise.resolve(!revoked.has(digest));
  };
  const logger = { warn: (message: string, fields: Record<string, unknown>) => void warnings.push([message, fields]) };
  const handler = pushRoute({ connections, api, tokenHolds, logger: logger as unknown as Logger });
  return {
    push: (records: DynamoDBRecord[]) => handler(streamEvent(records), lambdaContext()),
    open,
    sent,
    closed,
    revoked,
    tokenChecks,
    reads,
    warnings,
    posts,
  };
}

const connection = (owner: string, connectionId: string, tokenDigest = `digest-of-${owner}`): Connection => ({
  owner,
  connectionId,
  tokenDigest,
});
type Changed = { type: 'changed'; data: { id: number; name: string; status: { code: string } }[] };

describe('the push', () => {
  it('tells every open connection of the owner, and no connection of another owner', async () => {
    const world = fakes([connection(ONE, 'a'), connection(ONE, 'b'), connection(TWO, 'c')]);
    const mine = instanceOf(ONE);
    expect(await world.push([changed(mine, { status: '11', failureMessage: 'out of VMs' })])).toEqual({
      batchItemFailures: [],
    });
    for (const id of ['a', 'b'])
      expect(world.sent.get(id)).toEqual([
        {
          type: 'changed',
          data: [
            {
              uuid: mine.uuid,
              name: mine.name,
              id: mine.id,
              status: {
                message: 'CLUSTER_FAILED',
                code: '11',
                details: '~okeanos cluster build has failed.',
                failure_message: 'out of VMs',
              },
              updated_at: at(1),
            },
          ],
        },
      ]);
    expect(world.sent.has('c')).toBe(false);
  });

  it('sends one owner’s changes of a batch together, the last state of each instance only', async () => {
    const world = fakes([connection(ONE, 'a'), connection(TWO, 'b')]);
    const [first, second] = [instanceOf(ONE), instanceOf(ONE)];
    const theirs = instanceOf(TWO);
    await world.push([
      changed(first, { status: '3' }, 1),
      changed(second, { name: 'Renamed' }, 2),
      changed(theirs, { status: '0' }, 3),
      changed(first, { status: '0' }, 4),
    ]);
    const [message, ...more] = world.sent.get('a') as Changed[];
    expect(more).toEqual([]);
    expect(message?.data.map(({ id, name, status }) => [id, name, status.code])).toEqual([
      [second.id, 'Renamed', '2'],
      [first.id, first.name, '0'],
    ]);
    expect((world.sent.get('b') as Changed[]).map(({ data }) => data.length)).toEqual([1]);
  });

  it('sends nothing for a write no client sees, nor for items that are not instances', async () => {
    const world = fakes([connection(ONE, 'a')]);
    const item = itemOf({ ...instanceOf(ONE), updatedAt: at(0) });
    const counter = { uuid: 'counter:instance-id', next: 9 };
    const bookkeeping = { uuid: `owner:${ONE}`, owner: ONE, count: 3 };
    const answer = await world.push([
      streamRecord(item, { ...item, version: 3 }),
      streamRecord(counter, { ...counter, next: 10 }),
      streamRecord(undefined, bookkeeping),
    ]);
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(world.sent.size).toBe(0);
  });

  it('forgets a connection that is gone, tells the others, and fails nothing', async () => {
    const world = fakes([connection(ONE, 'a'), { ...connection(ONE, 'gone'), gone: true }]);
    expect(await world.push([changed(instanceOf(ONE), { status: '0' })])).toEqual({ batchItemFailures: [] });
    expect(world.sent.get('a')).toHaveLength(1);
    expect([...world.open.keys()]).toEqual(['a']);
  });

  it('closes and forgets a connection whose token no longer holds, and tells it nothing', async () => {
    const world = fakes([connection(ONE, 'a', 'good'), connection(ONE, 'revoked', 'bad')]);
    world.revoked.add('bad');
    expect(await world.push([changed(instanceOf(ONE), { status: '0' })])).toEqual({ batchItemFailures: [] });
    expect(world.sent.has('revoked')).toBe(false);
    expect(world.closed).toEqual(['revoked']);
    expect([...world.open.keys()]).toEqual(['a']);
  });

  it('looks at each token once per batch, however many connections and owners present it', async () => {
    const world = fakes([
      connection(ONE, 'a', 'shared'),
      connection(ONE, 'b', 'shared'),
      connection(TWO, 'c', 'shared'),
      connection(TWO, 'd', 'other'),
    ]);
    await world.push([changed(instanceOf(ONE), { status: '0' }), changed(instanceOf(TWO), { status: '0' })]);
    expect(world.tokenChecks.sort()).toEqual(['other', 'shared']);
  });

  it('reports the records of an owner it could not tell, after telling the others, and no other record', async () => {
    const world = fakes([connection(ONE, 'a'), { ...connection(ONE, 'slow'), failing: true }, connection(TWO, 'b')]);
    const records = [changed(instanceOf(ONE), { status: '0' }), changed(instanceOf(TWO), { status: '0' })];
    const failing = [changed(instanceOf(ONE), { status: '9' })];
    const answer = await world.push([records[0]!, records[1]!, failing[0]!]);
    expect(answer.batchItemFailures.map(({ itemIdentifier }) => itemIdentifier).sort()).toEqual(
      [records[0]!, failing[0]!].map(({ dynamodb }) => dynamodb?.SequenceNumber).sort(),
    );
    expect(world.sent.get('a')).toHaveLength(1);
    expect(world.sent.get('b')).toHaveLength(1);
  });

  it('tells an owner’s connections 50 at a time, every one of them even when an early one fails', async () => {
    const many = Array.from({ length: 120 }, (_, n) => connection(ONE, `c${n}`));
    const world = fakes([{ ...many[0]!, failing: true }, ...many.slice(1)]);
    // Another owner's change in the batch, told: not every record fails.
    const answer = await world.push([changed(instanceOf(ONE), { status: '0' }), changed(instanceOf(TWO), {})]);
    expect(answer.batchItemFailures).toHaveLength(1);
    expect(world.sent.size).toBe(119);
    expect(world.posts.most).toBe(50);
  });

  it('logs why an owner could not be told: how many of its connections, the errors’ names, never a token', async () => {
    const world = fakes([connection(ONE, 'a', 'secret-digest'), { ...connection(ONE, 'slow'), failing: true }]);
    await world.push([changed(instanceOf(ONE), { status: '0' }), changed(instanceOf(TWO), {})]);
    expect(world.warnings).toEqual([
      [
        'Could not tell every connection of an owner',
        { owner: ONE, failed: 1, of: 2, reasons: ['LimitExceededException: slow down'] },
      ],
    ]);
    expect(JSON.stringify(world.warnings)).not.toContain('secret-digest');
  });

  it('warns of a change too large to push at all, and reads no connection for it', async () => {
    const world = fakes([connection(ONE, 'a')]);
    const huge = instanceOf(ONE, { name: 'x'.repeat(130 * 1024) });
    expect(await world.push([changed(huge, { status: '0' })])).toEqual({ batchItemFailures: [] });
    expect(world.warnings).toEqual([['A change too large to push', { uuid: huge.uuid }]]);
    expect(world.reads).toEqual([]);
    expect(world.sent.size).toBe(0);
  });

  it('reports a record it cannot read, and tells the rest', async () => {
    const world = fakes([connection(ONE, 'a')]);
    const unreadable = streamRecord(undefined, { ...itemOf(instanceOf(ONE)), status: '99' });
    const answer = await world.push([unreadable, changed(instanceOf(ONE), { status: '0' })]);
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: unreadable.dynamodb?.SequenceNumber }]);
    expect(world.sent.get('a')).toHaveLength(1);
    expect(world.warnings).toEqual([
      [
        'A change that cannot be pushed',
        { sequenceNumber: unreadable.dynamodb?.SequenceNumber, error: expect.any(TypeError) as unknown },
      ],
    ]);
  });

  it('fails the invocation when every record failed, so that Lambda splits the batch and retries', async () => {
    const world = fakes([{ ...connection(ONE, 'slow'), failing: true }]);
    await expect(world.push([changed(instanceOf(ONE), { status: '0' })])).rejects.toThrow(/All records failed/);
  });
});
