// The detail function as deployed: lib/routes/detail.ts with this deployment's store and verifier, built once per
// container from its environment.
import { detailRoute } from '../lib/routes/detail.ts';
import { fromEnvironment } from '../lib/dependencies.ts';

export const handler = detailRoute(fromEnvironment(process.env));
