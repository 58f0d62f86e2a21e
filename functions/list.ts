// The list function as deployed: lib/routes/list.ts with this deployment's store and verifier, built once per
// container from its environment.
import { fromEnvironment } from '../lib/dependencies.ts';
import { listRoute } from '../lib/routes/list.ts';

export const handler = listRoute(fromEnvironment(process.env));
