// GET /api/lambda-instances/{id}[/] and /backend/lambda-instances/{id}[/]: one instance of the caller, all of it or
// only its info or status part.
import { instances } from '../lib/data.ts';
import { withApi } from '../lib/api.ts';
import { instanceNotFound } from '../lib/errors.ts';
import { parseFilter, parseInstanceId } from '../lib/requests.ts';
import { detailBody } from '../lib/responses.ts';

export const handler = withApi(async ({ owner, query, pathParameters }) => {
  const view = parseFilter(query); // 400, checked before the 404s
  const uuid = parseInstanceId(pathParameters.id);
  const instance = uuid === undefined ? undefined : await instances.get(owner, uuid);
  if (!instance) throw instanceNotFound(); // not a UUID, no such instance, or someone else's
  return detailBody(instance, view);
});
