// The catch-all function as deployed: lib/routes/not-found.ts, which needs no store and no token.
import { notFoundRoute } from '../lib/routes/not-found.ts';

export const handler = notFoundRoute();
