// The WebSocket API's messages from clients, as deployed: lib/push/client-messages.ts, which needs no store.
import { clientMessagesRoute } from '../lib/push/client-messages.ts';

export const handler = clientMessagesRoute();
