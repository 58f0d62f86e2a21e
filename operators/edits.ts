// Changes of one stored instance (docs/contract.md section 7.6): its status (with its history), its name, its
// applications. Each is computed from the instance as read (consistently) and written, stamped, on condition that
// nobody wrote it meanwhile (operators/stamped-writes.ts); a lost race is read and tried again. A refused change
// writes nothing and says why, from the item DynamoDB refused it over.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { faultsAsUnavailable } from '../lib/dynamodb.ts';
import { fromInstanceItem, type Application, type InstanceItem, type StoredInstance } from '../lib/items.ts';
import type { StatusCode } from '../lib/statuses.ts';
import { MAX_ATTEMPTS, backOff } from './batch.ts';
import {
  instanceUpdate,
  ownerIndexUpdate,
  updatedItem,
  whyRefused,
  type Expected,
  type InstanceChange,
} from './instance-update.ts';
import { RefusedChange, StaleRead } from './refusals.ts';
import type { StoreParts } from './store.ts';
import { historyAfter } from './timeline.ts';

/** A new application: its id, when not given, is drawn at random. */
type NewApplication = Pick<Application, 'name' | 'type'> & { id?: string };

export interface InstanceEdits {
  /**
   * Sets the status, and the failure message (none given clears it), adding an entry to the history when either
   * changes. DESTROYED takes the instance out of the list; a DESTROYED instance's status changes only with `revive`.
   */
  setStatus(
    uuid: string,
    status: StatusCode,
    failureMessage?: string,
    options?: { revive?: boolean },
  ): Promise<StoredInstance>;
  rename(uuid: string, name: string): Promise<StoredInstance>;
  addApplication(uuid: string, application: NewApplication): Promise<StoredInstance>;
  setApplicationStarted(uuid: string, id: string, started: boolean): Promise<StoredInstance>;
  removeApplication(uuid: string, id: string): Promise<StoredInstance>;
}

export function createInstanceEdits({ client, tables, writer }: StoreParts): InstanceEdits {
  const table = tables.instances;

  /**
   * A change computed from the instance as read: `compute` (which may refuse) makes it from the item and the write's
   * time. `intent` is what the change does whatever the item holds, for a refusal's words; `what` names the change
   * in the message of a race lost too often.
   */
  async function changeFromRead(
    uuid: string,
    {
      intent = {},
      compute,
      expected = {},
      what,
    }: {
      intent?: InstanceChange;
      compute: (item: InstanceItem, at: string) => InstanceChange;
      expected?: Pick<Expected, 'destroyedToo'>;
      what: string;
    },
  ): Promise<StoredInstance> {
    for (let attempt = 1; ; attempt++) {
      const { Item } = await faultsAsUnavailable(() =>
        client.send(new GetCommand({ TableName: table, Key: { uuid }, ConsistentRead: true })),
      );
      const item = Item as InstanceItem | undefined;
      const refused = whyRefused(uuid, intent, expected, item);
      if (refused !== undefined || !item) throw new RefusedChange(refused);
      const version = item.version ?? 0;
      let change: InstanceChange = {};
      try {
        const at = await writer.write({
          actions: (stamp) => {
            change = compute(item, stamp.iso);
            return [
              instanceUpdate(table, uuid, change, { ...expected, owner: item.owner, version }, stamp.iso),
              // A change that keeps the status (a rename, an application) moves no count, only the block's time.
              ownerIndexUpdate(
                table,
                item.owner,
                [{ id: item.id, from: item.status, to: change.status ?? item.status }],
                stamp.ms,
              ),
            ];
          },
          written: [{ uuid, owner: item.owner, id: item.id, version: version + 1 }],
          refused: (_, over) => {
            const reason = whyRefused(uuid, change, expected, over);
            return reason === undefined
              ? new StaleRead(`${uuid} was changed since it was read.`)
              : new RefusedChange(reason);
          },
        });
        return fromInstanceItem(updatedItem(item, change, at));
      } catch (error) {
        if (!(error instanceof StaleRead)) throw error;
        if (attempt === MAX_ATTEMPTS) {
          throw new RefusedChange(`${uuid} kept changing while its ${what} were written (${MAX_ATTEMPTS} attempts).`);
        }
        await backOff(attempt);
      }
    }
  }

  /** Changes an instance's applications from the stored ones (see changeFromRead). */
  const changeApplications = (uuid: string, change: (applications: readonly Application[]) => Application[]) =>
    changeFromRead(uuid, {
      compute: (item) => ({ applications: change(item.applications ?? []) }),
      what: 'applications',
    });

  /** The application of an instance with this id, or a refusal. */
  function application(applications: readonly Application[], id: string, uuid: string): Application {
    const found = applications.find((candidate) => candidate.id === id);
    if (!found) throw new RefusedChange(`Lambda instance ${uuid} has no application ${id}.`);
    return found;
  }

  return {
    setStatus(uuid, status, failureMessage = '', { revive = false } = {}) {
      const intent = { status, failure_message: failureMessage };
      return changeFromRead(uuid, {
        intent,
        compute: (item, at) => {
          const history = historyAfter(item, { status, failureMessage }, at);
          return { ...intent, ...(history && { status_history: history }) };
        },
        expected: { destroyedToo: revive },
        what: 'status and history',
      });
    },

    rename(uuid, name) {
      return changeFromRead(uuid, { compute: () => ({ name }), what: 'name' });
    },

    addApplication(uuid, { id = crypto.randomUUID(), name, type }) {
      return changeApplications(uuid, (applications) => {
        if (applications.some((existing) => existing.id === id)) {
          throw new RefusedChange(`Lambda instance ${uuid} already has an application ${id}.`);
        }
        return [...applications, { id, name, type, started: false }];
      });
    },

    setApplicationStarted(uuid, id, started) {
      return changeApplications(uuid, (applications) => {
        application(applications, id, uuid);
        return applications.map((existing) => (existing.id === id ? { ...existing, started } : existing));
      });
    },

    removeApplication(uuid, id) {
      return changeApplications(uuid, (applications) => {
        application(applications, id, uuid);
        return applications.filter((existing) => existing.id !== id);
      });
    },
  };
}
