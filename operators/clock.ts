// The one clock of every operator write (docs/contract.md section 7.7): the database's, read off the `Date` header of
// DynamoDB's answers, never the operator's machine. A Date names the second in which DynamoDB answered, somewhere
// between the moment the request left and the moment its answer came back; every answer narrows the offset between
// this process's monotonic clock and the database's, so a writer whose own clock is minutes off stamps within
// about half a second (plus half a round trip) of the database's time.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What the offset (database time minus performance.now()) may be, in ms, given the answers seen so far. */
export interface OffsetWindow {
  lowest: number;
  highest: number;
}

/**
 * The window after one more answer: DynamoDB's time when it answered was in [date, date + 1 s), and that moment was
 * between `sent` and `answered` (performance.now()). A window that no longer holds together (the database's clock
 * was stepped) starts again from this answer.
 */
export function narrowed(window: OffsetWindow | undefined, date: number, sent: number, answered: number): OffsetWindow {
  const answer = { lowest: date - answered, highest: date + 1000 - sent };
  if (!window) return answer;
  const both = { lowest: Math.max(window.lowest, answer.lowest), highest: Math.min(window.highest, answer.highest) };
  return both.lowest <= both.highest ? both : answer;
}

export interface DatabaseClock {
  /** The database's time now, in epoch ms; never earlier than a time it gave before. */
  nowMs(): Promise<number>;
  /** The database's time now as the tables keep times: RFC 3339, UTC, milliseconds. */
  now(): Promise<string>;
}

type DateHeaders = { headers?: Record<string, string | undefined> } | undefined;

/**
 * A clock that learns the database's time from every answer `client` receives. `sync` is a call to make when no
 * answer has been seen yet (a DescribeTable: free, and it reads no item).
 */
export function databaseClock(client: DynamoDBDocumentClient, sync: () => Promise<unknown>): DatabaseClock {
  let window: OffsetWindow | undefined;
  const observe = (response: DateHeaders, sent: number): void => {
    const date = Date.parse(response?.headers?.date ?? '');
    if (!Number.isNaN(date)) window = narrowed(window, date, sent, performance.now());
  };
  // Each attempt, refused ones included (their errors carry the answer): the SDK's retries wrap this step.
  client.middlewareStack.add(
    (next) => async (args) => {
      const sent = performance.now();
      try {
        const result = await next(args);
        observe(result.response as DateHeaders, sent);
        return result;
      } catch (error) {
        observe((error as { $response?: DateHeaders }).$response, sent);
        throw error;
      }
    },
    { step: 'deserialize', name: 'databaseClock' },
  );
  let last = 0;
  const nowMs = async (): Promise<number> => {
    if (!window) await sync();
    // An endpoint that sends no Date (none that DynamoDB or DynamoDB Local is) leaves the machine's clock.
    const machine = Date.now() - performance.now();
    const { lowest, highest } = window ?? { lowest: machine, highest: machine };
    // Never back: a narrower window may move the estimate back (by half a second at most); it then waits for it.
    last = Math.max(last, Math.round(performance.now() + (lowest + highest) / 2));
    return last;
  };
  return { nowMs, now: async () => new Date(await nowMs()).toISOString() };
}
