// Operators change instances (docs/contract.md sections 7.6 and 7.7) through operators/store.ts on DynamoDB Local:
// each change, each refusal (which writes nothing, not even a time), replacement on import, DESTROYED being final,
// and concurrent writers on one instance, of which no acknowledged change may be lost (nor its status history entry)
// and after which the list's index agrees with the status.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import type { LambdaInstance, StoredInstance } from '../../lib/items.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';
import { IncompleteWrite } from '../../operators/batch.ts';
import type { NewInstance } from '../../operators/imports.ts';
import { RefusedChange } from '../../operators/refusals.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { testApi } from '../support/api.ts';

const { operator, store, tables } = await testApi();

/** A fresh instance of a fresh owner, stored: as it reads back, times included. */
async function stored(overrides: Partial<LambdaInstance> = {}): Promise<StoredInstance> {
  const instance: LambdaInstance = {
    ...SEED_DETAILS_INSTANCE,
    uuid: crypto.randomUUID(),
    id: 100 + Math.floor(Math.random() * 1_000_000),
    owner: crypto.randomUUID(),
    ...overrides,
  };
  await operator.instances.put([instance]);
  return (await current(instance))!;
}

const current = async ({ uuid }: Pick<LambdaInstance, 'uuid'>) => store.instances.get(uuid);
/** The owner's listed instances (the list without limit and page). */
const all = async (owner: string) => (await store.instances.list(owner, { atMost: 10_000 })).items ?? [];
const listed = async ({ owner }: LambdaInstance) => (await all(owner)).map(({ uuid }) => uuid);
/** `import --replace` of these records (--revive too if asked): the instances it replaced, as it reports them. */
async function replace(records: NewInstance[], { revive = false } = {}): Promise<StoredInstance[]> {
  const replaced: StoredInstance[] = [];
  await operator.instances.importInstances(records, {
    replace: true,
    revive,
    onWritten: (verb, written) => {
      if (verb === 'replaced') replaced.push(...written);
      return Promise.resolve();
    },
  });
  return replaced;
}

describe('status, destroy and rename', () => {
  it('set-status sets the status and its failure message; a status without one clears it', async () => {
    const instance = await stored();
    await operator.instances.setStatus(instance.uuid, '13', 'Ansible failed');
    expect(await current(instance)).toMatchObject({ status: '13', failureMessage: 'Ansible failed' });
    await operator.instances.setStatus(instance.uuid, '12');
    expect(await current(instance)).toMatchObject({ status: '12', failureMessage: '' });
  });

  it('destroy takes the instance out of the list in the same write; only a revival puts it back', async () => {
    const instance = await stored();
    expect(await listed(instance)).toEqual([instance.uuid]);
    await operator.instances.setStatus(instance.uuid, '6');
    expect(await listed(instance)).toEqual([]);
    expect((await current(instance))?.status).toBe('6');
    await operator.instances.setStatus(instance.uuid, '2', '', { revive: true });
    expect(await listed(instance)).toEqual([instance.uuid]);
    expect((await current(instance))?.status).toBe('2');
  });

  it('rename changes the name the list and the details show', async () => {
    const instance = await stored();
    await operator.instances.rename(instance.uuid, 'Physics, second run');
    expect((await current(instance))?.name).toBe('Physics, second run');
    expect((await all(instance.owner))[0]?.name).toBe('Physics, second run');
  });

  it.each([
    ['set-status', (uuid: string) => operator.instances.setStatus(uuid, '0')],
    ['rename', (uuid: string) => operator.instances.rename(uuid, 'x')],
    ['app add', (uuid: string) => operator.instances.addApplication(uuid, { name: 'a.jar', type: 'BATCH' })],
  ])('%s of an instance that does not exist is refused and creates nothing', async (_, run) => {
    const uuid = crypto.randomUUID();
    await expect(run(uuid)).rejects.toThrow(new RefusedChange(`No lambda instance ${uuid}.`));
    expect(await store.instances.get(uuid)).toBeUndefined();
  });
});

describe('DESTROYED is final', () => {
  it.each([
    ['a status change', (uuid: string) => operator.instances.setStatus(uuid, '0'), 'give --revive to bring it back'],
    ['another destroy', (uuid: string) => operator.instances.setStatus(uuid, '6'), 'is already DESTROYED'],
    ['a rename', (uuid: string) => operator.instances.rename(uuid, 'Back'), `--revive\``],
    [
      'an application added',
      (uuid: string) => operator.instances.addApplication(uuid, { name: 'late.jar', type: 'BATCH' }),
      `--revive\``,
    ],
    [
      'an application stopped',
      (uuid: string) =>
        operator.instances.setApplicationStarted(uuid, SEED_DETAILS_INSTANCE.applications[0]!.id, false),
      `--revive\``,
    ],
  ])('%s of a DESTROYED instance is refused, saying so, and changes nothing', async (_, change, reason) => {
    const instance = await stored({ status: '6' });
    await expect(change(instance.uuid)).rejects.toThrow(
      expect.objectContaining({ name: 'RefusedChange', message: expect.stringContaining(reason) as string }),
    );
    expect(await current(instance)).toEqual(instance);
    expect(await listed(instance)).toEqual([]);
  });

  it(
    'a destroy racing writers is final: never a resurrection, never back in the list',
    { timeout: 60_000 },
    async () => {
      const late: unknown[] = [];
      for (let round = 0; round < 5; round++) {
        const instance = await stored({ status: '0' });
        const [app] = instance.applications;
        const writers = [
          () => operator.instances.setStatus(instance.uuid, '6'),
          ...Array.from({ length: 12 }, (_, n) => () => {
            const write = [
              () => operator.instances.setStatus(instance.uuid, '0'),
              () => operator.instances.setStatus(instance.uuid, '11', 'late failure'),
              () => operator.instances.rename(instance.uuid, `late ${n}`),
              () => operator.instances.setApplicationStarted(instance.uuid, app!.id, n % 2 === 0),
            ][n % 4]!;
            return write().then(write);
          }),
        ];
        const outcomes = await Promise.allSettled(writers.map((writer) => writer()));
        expect(outcomes[0]?.status).toBe('fulfilled');
        const refusals = outcomes.flatMap((outcome) =>
          outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
        );
        expect(refusals.every((reason) => reason instanceof RefusedChange)).toBe(true);
        late.push(...refusals);
        expect((await current(instance))?.status).toBe('6');
        expect(await listed(instance)).toEqual([]);
      }
      // The race did happen: writes that came after a destroy were refused for it.
      expect(late.some((reason) => String(reason).includes('is DESTROYED'))).toBe(true);
    },
  );
});

describe('applications', () => {
  it('add (stopped), start, stop, remove', async () => {
    const instance = await stored({ applications: [] });
    const id = crypto.randomUUID();
    await operator.instances.addApplication(instance.uuid, { id, name: 'stream.py', type: 'STREAMING' });
    expect((await current(instance))?.applications).toEqual([
      { id, name: 'stream.py', type: 'STREAMING', started: false },
    ]);
    await operator.instances.setApplicationStarted(instance.uuid, id, true);
    expect((await current(instance))?.applications[0]?.started).toBe(true);
    await operator.instances.setApplicationStarted(instance.uuid, id, false);
    expect((await current(instance))?.applications[0]?.started).toBe(false);
    await operator.instances.removeApplication(instance.uuid, id);
    expect((await current(instance))?.applications).toEqual([]);
  });

  it('an unknown application id, or one already there, is refused and changes nothing', async () => {
    const instance = await stored();
    const [app] = instance.applications;
    await expect(operator.instances.setApplicationStarted(instance.uuid, crypto.randomUUID(), true)).rejects.toThrow(
      RefusedChange,
    );
    await expect(
      operator.instances.addApplication(instance.uuid, { id: app!.id, name: 'again.jar', type: 'BATCH' }),
    ).rejects.toThrow(`already has an application ${app!.id}`);
    expect(await current(instance)).toEqual(instance);
  });
});

describe('import --replace', () => {
  it('replaces the contents and keeps the stored id and owner', async () => {
    const instance = await stored();
    const { id: _, ...fields } = instance;
    const [replaced] = await replace([{ ...fields, name: 'Replaced', status: '0', failureMessage: '' }]);
    expect(replaced?.id).toBe(instance.id);
    const after = await current(instance);
    expect(after).toEqual({
      ...instance,
      name: 'Replaced',
      status: '0',
      failureMessage: '',
      // The stored creation time stays; the status change is the history's newest entry, at the write's time.
      updatedAt: after?.updatedAt,
      statusHistory: [{ code: '0', at: after?.updatedAt, failureMessage: '' }, ...instance.statusHistory],
    });
    expect(after!.updatedAt! > instance.updatedAt!).toBe(true);
    expect(replaced).toEqual(after);
  });

  it('a replacement that keeps the status and failure message moves updated_at and adds no history entry', async () => {
    const instance = await stored();
    const { id: _, ...fields } = instance;
    await replace([{ ...fields, name: 'Same status', createdAt: '2000-01-01T00:00:00.000Z' }]);
    const after = await current(instance);
    expect(after).toEqual({ ...instance, name: 'Same status', updatedAt: after?.updatedAt });
    expect(after!.updatedAt! > instance.updatedAt!).toBe(true);
  });

  it('a record that would move an instance to another owner is refused, and nothing of the file is written', async () => {
    const [kept, moved] = [await stored(), await stored()];
    const records = [kept, { ...moved, owner: crypto.randomUUID() }].map(({ id: _, ...fields }) => ({
      ...fields,
      name: 'New',
    }));
    await expect(replace(records)).rejects.toThrow(`${moved.uuid} belongs to ${moved.owner}`);
    expect(await current(kept)).toEqual(kept);
    expect(await current(moved)).toEqual(moved);
  });

  it('a DESTROYED instance is replaced only with --revive; a record identical to it (an export) writes nothing', async () => {
    const instance = await stored({ status: '6' });
    const { id: _, ...fields } = instance;
    for (const record of [
      { ...fields, name: 'Back', status: '0' as const },
      { ...fields, name: 'Still destroyed' },
    ]) {
      await expect(replace([record])).rejects.toThrow(
        `Nothing imported:\nrecord 1: ${instance.uuid} is DESTROYED, which is final, and the record changes its name`,
      );
    }
    expect(await current(instance)).toEqual(instance);
    // An export imported back: no change, not even a time.
    expect(await replace([fields])).toEqual([]);
    expect(await current(instance)).toEqual(instance);
    await replace([{ ...fields, name: 'Back', status: '0' }], { revive: true });
    const back = await current(instance);
    expect(back).toEqual({
      ...instance,
      name: 'Back',
      status: '0',
      updatedAt: back?.updatedAt,
      statusHistory: [
        { code: '0', at: back?.updatedAt, failureMessage: instance.failureMessage },
        ...instance.statusHistory,
      ],
    });
    expect(await listed(instance)).toEqual([instance.uuid]);
  });

  it('a new uuid that someone stored since the file was read is refused with its group, saying what was written', async () => {
    const taken = await stored();
    const fresh = { ...SEED_DETAILS_INSTANCE, uuid: crypto.randomUUID(), owner: taken.owner };
    const { id: _, ...again } = { ...taken, name: 'Imported over it' };
    await expect(operator.instances.create([fresh, again])).rejects.toThrow(
      new RefusedChange(
        'Created 0 of 2 new instances; the next 2 include a uuid stored by someone else since the file was read, ' +
          'and none of them was written. Import the file again with --replace.',
      ),
    );
    expect(await current(taken)).toEqual(taken);
    expect(await store.instances.get(fresh.uuid)).toBeUndefined();
  });
});

describe('concurrent writers on one instance', () => {
  it('lose no acknowledged change, and leave the index agreeing with the status', { timeout: 60_000 }, async () => {
    const apps = Array.from({ length: 6 }, (_, n) => ({
      id: crypto.randomUUID(),
      name: `app-${n}.jar`,
      type: 'BATCH' as const,
      started: false,
    }));
    const instance = await stored({ applications: apps });
    const added: string[] = [];
    const started: string[] = [];
    /** Each status write's failure message, unique, so that its history entry can be told apart. */
    const statuses: string[] = [];
    let refused = 0;
    const acknowledge = async (record: string[], value: string, run: () => Promise<unknown>) => {
      try {
        await run();
        record.push(value);
      } catch (error) {
        if (!(error instanceof RefusedChange)) throw error;
        refused += 1;
      }
    };
    // 20 writers at once: 10 each add 2 applications, 6 each start one existing application, 4 each set 3 statuses
    // (STOPPED among them, which the list shows: DESTROYED, final, is raced above).
    const writers = [
      ...Array.from({ length: 10 }, (_, w) => async () => {
        for (let n = 0; n < 2; n++) {
          const id = crypto.randomUUID();
          await acknowledge(added, id, () =>
            operator.instances.addApplication(instance.uuid, { id, name: `w${w}-${n}.jar`, type: 'STREAMING' }),
          );
        }
      }),
      ...apps.map(
        ({ id }) =>
          () =>
            acknowledge(started, id, () => operator.instances.setApplicationStarted(instance.uuid, id, true)),
      ),
      ...Array.from({ length: 4 }, (_, w) => async () => {
        for (const [n, status] of (['1', String(10 + w), w % 2 === 0 ? '1' : '2'] as const).entries()) {
          const message = `writer ${w}, status ${n}`;
          await acknowledge(statuses, message, () =>
            operator.instances.setStatus(instance.uuid, status as '1', message),
          );
        }
      }),
    ];
    await Promise.all(writers.map((writer) => writer()));

    const final = (await store.instances.get(instance.uuid))!;
    const finalIds = final.applications.map(({ id }) => id);
    const lost = [
      ...added.filter((id) => !finalIds.includes(id)),
      ...started.filter((id) => final.applications.find((app) => app.id === id)?.started !== true),
      ...apps.map(({ id }) => id).filter((id) => !finalIds.includes(id)),
    ];
    const changes = 10 * 2 + apps.length + 4 * 3;
    console.info(
      `concurrent writers: ${writers.length} writers, ${changes} changes, ${added.length + started.length + statuses.length} ` +
        `acknowledged, ${refused} refused, lost: ${lost.length}; final status ${final.status}, ${final.applications.length} applications`,
    );
    expect(lost).toEqual([]);
    expect(added.length + started.length + statuses.length + refused).toBe(changes);
    expect(statuses).toContain(final.failureMessage);
    expect(await listed(instance)).toEqual([instance.uuid]);
    // Every acknowledged status change is in the history once, newest first, after the creation's entry.
    const history = final.statusHistory;
    expect(history.map(({ failureMessage }) => failureMessage).sort()).toEqual(
      [...statuses, instance.failureMessage].sort(),
    );
    expect(history.at(-1)).toEqual(instance.statusHistory[0]);
    expect(history.map(({ at }) => at)).toEqual(
      history
        .map(({ at }) => at)
        .sort()
        .reverse(),
    );
    expect(history[0]).toMatchObject({ code: final.status, failureMessage: final.failureMessage });
  });

  it('keep the last 20 status changes, never more, and lose none of them', { timeout: 60_000 }, async () => {
    const instance = await stored({ status: '2', failureMessage: '' });
    /** What each acknowledged write says it wrote: its entry is the newest of the history it returned. */
    const acknowledged: { message: string; at: string }[] = [];
    let refused = 0;
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        for (let n = 0; n < 5; n++) {
          const message = `writer ${w}, change ${n}`;
          try {
            const written = await operator.instances.setStatus(instance.uuid, n % 2 === 0 ? '13' : '15', message);
            acknowledged.push({ message, at: written.statusHistory[0]!.at });
          } catch (error) {
            if (!(error instanceof RefusedChange)) throw error;
            refused += 1;
          }
        }
      }),
    );
    const { statusHistory: history } = (await current(instance))!;
    console.info(
      `status history: 30 concurrent status changes, ${acknowledged.length} acknowledged, ${refused} refused; ` +
        `${history.length} kept`,
    );
    expect(acknowledged.length + refused).toBe(30);
    expect(history).toHaveLength(20);
    const kept = history.map(({ failureMessage }) => failureMessage);
    expect(new Set(kept).size).toBe(20);
    const byMessage = new Map(acknowledged.map(({ message, at }) => [message, at]));
    // Each kept entry is an acknowledged write's own (a refused one wrote nothing), at the time that write reported.
    expect(history.every(({ failureMessage, at }) => byMessage.get(failureMessage) === at)).toBe(true);
    expect(history.map(({ at }) => at)).toEqual(
      history
        .map(({ at }) => at)
        .sort()
        .reverse(),
    );
    // What was dropped is older than all that was kept: the trim takes the oldest, never an entry in between.
    const oldestKept = history.at(-1)!.at;
    const dropped = acknowledged.filter(({ message }) => !kept.includes(message));
    expect(dropped.every(({ at }) => at <= oldestKept)).toBe(true);
  });
});

describe('batch writes DynamoDB keeps refusing part of', () => {
  /** A client whose BatchWriteItem leaves the last item of every batch unprocessed (a fault DynamoDB Local cannot make). */
  function stubborn(attemptsToRefuse: number) {
    let calls = 0;
    // Every other call (the stored items, the owner's index, the id counter) answers as for an empty table.
    const client = Object.assign(localDocumentClient(inject('dynamoDbEndpoint')), {
      send: (command: object) => {
        if (!(command instanceof BatchWriteCommand)) return Promise.resolve({});
        calls += 1;
        const items = command.input.RequestItems?.[tables.instances] ?? [];
        return Promise.resolve(
          calls <= attemptsToRefuse ? { UnprocessedItems: { [tables.instances]: items.slice(-1) } } : {},
        );
      },
    });
    return { operator: createOperatorStore({ client, tables }), calls: () => calls };
  }
  const instances = (count: number) =>
    Array.from({ length: count }, (_, n) => ({ ...SEED_DETAILS_INSTANCE, uuid: `u-${n}`, id: n + 1 }));
  /** The write, its backoff waits run on fake timers (up to 2 s each, in real time). */
  async function settled(write: Promise<void>): Promise<unknown> {
    const outcome = write.catch((error: unknown) => error);
    await vi.runAllTimersAsync();
    return outcome;
  }
  afterEach(() => {
    vi.useRealTimers();
  });

  it('are retried with backoff until written', async () => {
    vi.useFakeTimers();
    const { operator: retrying, calls } = stubborn(3);
    expect(await settled(retrying.instances.put(instances(2)))).toBeUndefined();
    expect(calls()).toBe(3 + 1); // three batches leaving an item, and the one that writes it
  });

  it('give up after a bounded number of attempts, saying what was written and what was not', async () => {
    vi.useFakeTimers();
    const { operator: refusing } = stubborn(100);
    const failure = (await settled(refusing.instances.put(instances(30)))) as IncompleteWrite;
    expect(failure).toBeInstanceOf(IncompleteWrite);
    expect(failure.written).toBe(24);
    expect(failure.unwritten).toEqual(['u-24', ...Array.from({ length: 5 }, (_, n) => `u-${25 + n}`)]);
    expect(failure.message).toMatch(/^Wrote 24 of 30 items; DynamoDB still refused 6 after 8 attempts/);
  });
});
