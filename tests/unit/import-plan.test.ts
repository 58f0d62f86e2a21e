// What an import does with each record given what is stored, decided before any write: create, replace, leave an
// identical DESTROYED instance as it is, or refuse the whole file naming each record and why.
import { describe, expect, it } from 'vitest';
import { toInstanceItem, type InstanceItem } from '../../lib/items.ts';
import { planImport } from '../../operators/import-plan.ts';
import type { NewInstance } from '../../operators/imports.ts';

const OWNER = 'b1f5c3d2-0000-4000-8000-000000000001';
const AT = '2026-12-06T10:00:00.000Z';

const instance = (uuid: string, extra: Partial<NewInstance> = {}): NewInstance => ({
  uuid,
  owner: OWNER,
  name: 'Physics',
  instanceInfo: { slaves: 2 },
  status: '0',
  failureMessage: '',
  applications: [{ id: '00000000-0000-4000-8000-00000000000a', name: 'a.jar', type: 'BATCH', started: false }],
  ...extra,
});

/** The item of an instance stored at AT, with a version, as operators' writes leave it. */
const storedItem = (stored: NewInstance, history = [{ code: stored.status, at: AT, failureMessage: '' }]) => ({
  ...toInstanceItem({ ...stored, id: 7, createdAt: AT, updatedAt: AT, statusHistory: history }),
  version: 3,
});

const storedAs = (...items: InstanceItem[]) => new Map(items.map((item) => [item.uuid, item]));

describe('an import plan', () => {
  const [fresh, kept, destroyed] = ['1', '2', '3'].map((n) => `00000000-0000-4000-8000-00000000000${n}`) as [
    string,
    string,
    string,
  ];
  const stored = storedAs(storedItem(instance(kept)), storedItem(instance(destroyed, { status: '6' })));

  it('creates what is not stored, replaces what is, and leaves a DESTROYED instance its identical record', () => {
    const records = [instance(fresh), instance(kept, { name: 'Renamed' }), instance(destroyed, { status: '6' })];
    expect(planImport(records, stored, { replace: true })).toEqual({
      create: [records[0]],
      replace: [{ instance: records[1], stored: stored.get(kept) }],
      unchanged: [expect.objectContaining({ uuid: destroyed, status: '6', name: 'Physics' })],
    });
  });

  it('refuses, naming each record: a stored uuid without --replace, a DESTROYED one changed without --revive', () => {
    const records = [
      instance(fresh),
      instance(kept),
      instance(destroyed, { status: '6', name: 'Renamed', applications: [] }),
    ];
    expect(planImport(records, stored, {})).toEqual({
      problems: [`record 2: ${kept} is already stored (--replace replaces it)`, expect.stringMatching(/^record 3: /)],
    });
    expect(planImport(records, stored, { replace: true })).toEqual({
      problems: [
        `record 3: ${destroyed} is DESTROYED, which is final, and the record changes its name, applications: give ` +
          '--revive to replace it',
      ],
    });
    expect(planImport(records, stored, { replace: true, revive: true })).toMatchObject({ unchanged: [] });
  });

  it('refuses a record naming another owner', () => {
    const other = 'b1f5c3d2-0000-4000-8000-000000000002';
    expect(planImport([instance(kept, { owner: other })], stored, { replace: true })).toEqual({
      problems: [`record 1: ${kept} belongs to ${OWNER}, not ${other}.`],
    });
  });

  it('weighs a replacement with the stored history it keeps: over 400 KB, it is refused before any write', () => {
    const history = Array.from({ length: 20 }, () => ({
      code: '9' as const,
      at: AT,
      failureMessage: 'x'.repeat(19_000),
    }));
    const heavy = storedAs(storedItem(instance(kept, { status: '9' }), history));
    const record = instance(kept, { name: 'y'.repeat(50_000) });
    expect(planImport([record], heavy, { replace: true })).toEqual({
      problems: [
        expect.stringMatching(
          new RegExp(`^record 1: replacing ${kept}, the item is 4\\d\\d,\\d{3} bytes as stored, over DynamoDB's limit`),
        ),
      ],
    });
    // Its 19 newest entries stay (a new one comes with the status): without them, the same record is light.
    expect(planImport([record], stored, { replace: true })).toMatchObject({ replace: [{ instance: record }] });
  });
});
