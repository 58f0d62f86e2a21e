// The WebSocket $connect function as deployed: lib/push/connect.ts with this deployment's verifier and connections.
import { connectFromEnvironment } from '../lib/push/dependencies.ts';
import { connectRoute } from '../lib/push/connect.ts';

export const handler = connectRoute(connectFromEnvironment(process.env));
