// GET /api/lambda-instances/{id}[/] and /backend/lambda-instances/{id}[/]: one instance of the caller, all of it or
// only its info or status part.
import { withApi, type ApiHandler, type PathParameters } from '../api.ts';
import type { Dependencies } from '../dependencies.ts';
import { instanceNotFound } from '../errors.ts';
import type { LambdaInstance } from '../items.ts';
import { parseFilter, parseInstanceId } from '../requests.ts';
import { detailBody } from '../responses.ts';

export const detailRoute = ({ instances, ...api }: Dependencies): ApiHandler => {
  // Not a UUID: nothing to read, the same 404 as an unknown id.
  const read = ({ pathParameters, signal }: { pathParameters: PathParameters; signal: AbortSignal }) => {
    const uuid = parseInstanceId(pathParameters.id);
    return uuid === undefined ? undefined : instances.get(uuid, { signal });
  };
  return withApi<LambdaInstance | undefined>(api, {
    // The instance is read by its key while the token is checked, when the token must be read; whose it is decides.
    prefetch: read,
    handle: async (request) => {
      const view = parseFilter(request.query); // 400, checked before the 404s
      const instance = await (request.prefetched ?? read(request));
      // Not a UUID, no such instance, or someone else's: the same 404, after the same one read.
      if (instance?.owner !== request.owner) throw instanceNotFound();
      return detailBody(instance, view);
    },
  });
};
