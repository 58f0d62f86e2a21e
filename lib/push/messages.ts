// What a client sends over a push connection, and what it is answered (docs/contract.md section 7.8; asyncapi.yaml).
// The `changed` messages are lib/push/changes.ts's. Pure functions.

interface PongMessage {
  type: 'pong';
}

interface ErrorMessage {
  type: 'error';
  errors: { status: 400; detail: string }[];
}

/** The only message a client may send; anything else is answered with this detail. */
export const NOT_A_PING = 'The only message a client sends is {"action": "ping"}.';

/** A client's message: a ping is answered pong, anything else an error (and the connection stays open). */
export function answerTo(body: string | undefined): PongMessage | ErrorMessage {
  return isPing(body) ? { type: 'pong' } : { type: 'error', errors: [{ status: 400, detail: NOT_A_PING }] };
}

/** A JSON object whose action is "ping" (anything else, JSON or not, is no ping). */
function isPing(body: string | undefined): boolean {
  try {
    return (JSON.parse(body ?? '') as { action?: unknown } | null)?.action === 'ping';
  } catch {
    return false;
  }
}
