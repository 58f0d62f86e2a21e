// What a client may send over a push connection, and what it is answered (docs/contract.md section 7.8).
import { describe, expect, it } from 'vitest';
import { NOT_A_PING, answerTo } from '../../../lib/push/messages.ts';

describe('a client’s message', () => {
  it.each(['{"action":"ping"}', '{ "action": "ping", "sent": 12 }'])('%s is answered pong', (body) => {
    expect(answerTo(body)).toEqual({ type: 'pong' });
  });

  it.each([
    ['plain text', 'hello'],
    ['another action', '{"action":"subscribe"}'],
    ['no action', '{"type":"ping"}'],
    ['an action that is not a string', '{"action":["ping"]}'],
    ['JSON that is not an object', '"ping"'],
    ['null', 'null'],
    ['an array', '[{"action":"ping"}]'],
    ['an empty message', ''],
    ['no body at all', undefined],
  ])('%s is answered the error, whose detail says what to send', (_, body) => {
    expect(answerTo(body)).toEqual({ type: 'error', errors: [{ status: 400, detail: NOT_A_PING }] });
  });
});
