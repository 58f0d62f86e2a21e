// A client that keeps a copy of an owner's instances (docs/contract.md section 7.7 and 7.1), over HTTP through
// serverless-offline, while an operator creates, changes and destroys instances in the e2e stack's tables: it reads
// the whole list once, then asks only for what changed since its last poll (DESTROYED ones tell it what to drop), and
// revalidates one instance's details with If-None-Match. It must end with exactly the server's list, for a fraction
// of the bytes of re-reading the list at every poll.
import { describe, expect, inject, it } from 'vitest';
import { digestToken } from '../../lib/auth.ts';
import type { LambdaInstance } from '../../lib/items.ts';
import { SEED_DETAILS_INSTANCE } from '../../local/sample-data.ts';
import { stageTables } from '../../infra/serverless-yml.ts';
import { localDocumentClient } from '../../infra/dynamodb.ts';
import { createOperatorStore } from '../../operators/store.ts';
import { call, type HttpAnswer } from '../support/http.ts';
import { expectedDetails, expectedList } from '../support/oracle.ts';

const OWNED = 400;
const ROUNDS = 8;
/** How far back each poll reaches before the time the previous one was sent: clock skew, an index that lags. */
const MARGIN_MS = 1000;

const operator = createOperatorStore({
  client: localDocumentClient(inject('dynamoDbEndpoint')),
  tables: stageTables('e2e'),
});
const owner = crypto.randomUUID();
const token = `sync-e2e-token-${owner}`;
await operator.tokens.put({ digest: digestToken(token), owner, createdAt: 0, revoked: false });
// Stored a day ago: the client's first poll of changes must not bring them back.
const yesterday = new Date(Date.now() - 86_400_000).toISOString();
const newInstance = (status: LambdaInstance['status'] = '0'): Omit<LambdaInstance, 'id'> => ({
  ...SEED_DETAILS_INSTANCE,
  uuid: crypto.randomUUID(),
  owner,
  name: 'Synced instance',
  status,
  failureMessage: '',
});
const owned = Array.from({ length: OWNED }, (_, n): LambdaInstance => ({ ...newInstance(), id: 700_000 + n }));
await operator.instances.put(
  owned.map((stored) => ({
    ...stored,
    createdAt: yesterday,
    updatedAt: yesterday,
    statusHistory: [{ code: stored.status, at: yesterday, failureMessage: '' }],
  })),
);
const watched = owned[0]!;

interface Item {
  uuid: string;
  name: string;
  id: number;
  status: { code: string };
}
const headers = { Authorization: `Token ${token}` };
const LIST = '/api/lambda-instances';

/** What the operator does between two polls: a create, status changes, a rename, a destroy; the watched one at times */
async function operatorChanges(round: number): Promise<void> {
  const alive = (await operator.instances.all(owner)).filter(
    ({ status, uuid }) => status !== '6' && uuid !== watched.uuid,
  );
  const pick = (n: number) => alive[(round * 37 + n * 11) % alive.length]!;
  const [created] = await operator.instances.create([newInstance('2')]);
  await operator.instances.setStatus(created!.uuid, '10');
  await operator.instances.setStatus(pick(1).uuid, '13', `Ansible failed in round ${round}`);
  await operator.instances.rename(pick(2).uuid, `Renamed in round ${round}`);
  await operator.instances.setStatus(pick(3).uuid, '6');
  // Created and destroyed between two polls: the client hears of it only as DESTROYED, and keeps nothing.
  if (round % 3 === 0) {
    const [fleeting] = await operator.instances.create([newInstance()]);
    await operator.instances.setStatus(fleeting!.uuid, '6');
  }
  if (round % 2 === 0) await operator.instances.setStatus(watched.uuid, round % 4 === 0 ? '1' : '0');
}

const listed = (answer: HttpAnswer): Item[] => (answer.status === 200 ? (answer.body as { data: Item[] }).data : []);
const byId = (items: Iterable<Item>): Item[] => [...items].sort((a, b) => a.id - b.id);

describe('a client that keeps a copy of the list in sync', () => {
  it(
    'ends with exactly the server’s list, reading only what changed, and revalidates details with a 304',
    { timeout: 300_000 },
    async () => {
      const tally = { requests: 0, bytes: 0, notModified: 0, changes: 0 };
      /**
       * A GET as a client makes it, counted in `into`: a 503 (a busy machine's DynamoDB Local) is retried after its
       * Retry-After.
       */
      const get = async (
        path: string,
        extra: Record<string, string> = {},
        into: { requests: number; bytes: number } = tally,
      ): Promise<HttpAnswer> => {
        const answer = await call(path, { headers: { ...headers, ...extra } });
        into.requests += 1;
        into.bytes += answer.bytes;
        if (answer.status === 503) {
          await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get('retry-after')) * 1000));
          return get(path, extra, into);
        }
        expect([200, 304, 404], `${path}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
        return answer;
      };

      // The first read: the whole list with statuses, and the watched instance's details.
      let since = new Date(Date.now() - MARGIN_MS).toISOString();
      const copy = new Map(listed(await get(`${LIST}?include=status`)).map((item) => [item.uuid, item]));
      expect(copy.size).toBe(OWNED);
      const detailsPath = `${LIST}/${watched.uuid}?include=history`;
      let details = await get(detailsPath);
      let tag = details.headers.get('etag')!;
      const firstRead = { ...tally };
      /** What re-reading the whole list at every poll would have cost instead (measured, not the client's). */
      const rereading = { requests: 0, bytes: 0 };

      for (let round = 1; round <= ROUNDS; round++) {
        await operatorChanges(round);
        const asked = new Date(Date.now() - MARGIN_MS).toISOString();
        const changed = listed(await get(`${LIST}?changed_since=${encodeURIComponent(since)}`));
        tally.changes += changed.length;
        for (const item of changed) {
          const { updated_at: _, ...kept } = item as Item & { updated_at: string };
          if (item.status.code === '6') copy.delete(item.uuid);
          else copy.set(item.uuid, kept);
        }
        since = asked;
        const revalidated = await get(detailsPath, { 'If-None-Match': tag });
        if (revalidated.status === 304) tally.notModified += 1;
        else [details, tag] = [revalidated, revalidated.headers.get('etag')!];
        // What re-reading the whole list would have cost at this poll (measured, not part of the client's tally).
        await get(`${LIST}?include=status`, {}, rereading);
      }

      const server = await call(`${LIST}?include=status`, { headers });
      const stored = await operator.instances.all(owner);
      expect(byId(copy.values())).toEqual(listed(server));
      expect(server.body).toEqual(expectedList(stored, owner, { include: ['status'] }).body);
      expect(details.body).toEqual(expectedDetails(stored, owner, watched.uuid, { include: ['history'] }).body);
      // The watched instance changed at every even round: the odd rounds' revalidations were 304s.
      expect(tally.notModified).toBe(ROUNDS / 2);
      const polls = { requests: tally.requests - firstRead.requests, bytes: tally.bytes - firstRead.bytes };
      console.info(
        `sync: ${OWNED} instances; a first read of ${firstRead.bytes} bytes in ${firstRead.requests} requests, then ` +
          `${ROUNDS} polls in ${polls.requests} requests (${tally.notModified} of them 304s of the details) reading ` +
          `${tally.changes} changed items in ${polls.bytes} bytes, against ${rereading.bytes} bytes in ` +
          `${rereading.requests} requests for re-reading the whole list (include=status) at every poll`,
      );
      expect(polls.bytes).toBeLessThan(rereading.bytes / 10);
    },
  );
});
