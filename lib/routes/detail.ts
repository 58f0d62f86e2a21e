// GET /api/lambda-instances/{id}[/] and /backend/lambda-instances/{id}[/]: one instance of the caller, all of it or
// only its info or status part.
import { withApi, type ApiHandler } from '../api.ts';
import type { Dependencies } from '../dependencies.ts';
import { instanceNotFound } from '../errors.ts';
import type { LambdaInstance } from '../items.ts';
import { parseFilter, parseInstanceId } from '../requests.ts';
import { detailBody } from '../responses.ts';

export const detailRoute = ({ instances, ...api }: Dependencies): ApiHandler =>
  withApi<LambdaInstance | undefined>(api, {
    // The instance is read by its key while the token is checked; whose it is decides below.
    prefetch: ({ pathParameters, signal }) => {
      const uuid = parseInstanceId(pathParameters.id);
      return uuid === undefined ? undefined : instances.get(uuid, { signal });
    },
    handle: async ({ owner, query, prefetched }) => {
      const view = parseFilter(query); // 400, checked before the 404s
      const instance = await prefetched;
      // Not a UUID, no such instance, or someone else's: the same 404, after the same one read.
      if (instance?.owner !== owner) throw instanceNotFound();
      return detailBody(instance, view);
    },
  });
