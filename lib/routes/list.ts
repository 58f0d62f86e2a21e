// GET /backend/lambda-instances[/] and /api/lambda-instances[/]: the caller's lambda instances, optionally paged.
import { withApi, type ApiHandler } from '../api.ts';
import type { Dependencies } from '../dependencies.ts';
import { noInstancesFound } from '../errors.ts';
import { parsePagination } from '../requests.ts';
import { listBody } from '../responses.ts';

export const listRoute = ({ instances, ...api }: Dependencies): ApiHandler =>
  withApi(api, async ({ owner, query }) => {
    const paging = parsePagination(query); // 400
    const listed = await instances.list(owner);
    const shown = paging ? listed.slice((paging.page - 1) * paging.limit, paging.page * paging.limit) : listed;
    if (shown.length === 0) throw noInstancesFound(); // no instances at all, or a page past the last one
    return listBody(shown, paging && { ...paging, count: listed.length });
  });
