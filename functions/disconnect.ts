// The WebSocket $disconnect function as deployed: lib/push/disconnect.ts on this deployment's connections table.
import { disconnectFromEnvironment } from '../lib/push/dependencies.ts';
import { disconnectRoute } from '../lib/push/disconnect.ts';

export const handler = disconnectRoute(disconnectFromEnvironment(process.env));
