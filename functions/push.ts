// The push function as deployed: lib/push/push.ts on the instances table's stream, with this deployment's connections,
// tokens and WebSocket API.
import { pushFromEnvironment } from '../lib/push/dependencies.ts';
import { pushRoute } from '../lib/push/push.ts';

export const handler = pushRoute(pushFromEnvironment(process.env));
