// GET /api/lambda-instances/{id}[/] and /backend/lambda-instances/{id}[/]: one instance of the caller, all of it or
// only its info or status part.
import { withApi, type ApiHandler } from '../api.ts';
import type { Dependencies } from '../dependencies.ts';
import { instanceNotFound } from '../errors.ts';
import { parseFilter, parseInstanceId } from '../requests.ts';
import { detailBody } from '../responses.ts';

export const detailRoute = ({ instances, ...api }: Dependencies): ApiHandler =>
  withApi(api, async ({ owner, query, pathParameters, signal }) => {
    const view = parseFilter(query); // 400, checked before the 404s
    const uuid = parseInstanceId(pathParameters.id);
    const instance = uuid === undefined ? undefined : await instances.get(owner, uuid, { signal });
    if (!instance) throw instanceNotFound(); // not a UUID, no such instance, or someone else's
    return detailBody(instance, view);
  });
