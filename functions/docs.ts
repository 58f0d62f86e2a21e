// The docs function as deployed: lib/routes/docs.ts, which needs no store and no token.
import { docsRoute } from '../lib/routes/docs.ts';

export const handler = docsRoute();
