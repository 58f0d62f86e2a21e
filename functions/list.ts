// GET /backend/lambda-instances[/] and /api/lambda-instances[/]: the caller's lambda instances, optionally paged.
import { instances } from '../lib/data.ts';
import { withApi } from '../lib/api.ts';
import { parsePagination } from '../lib/requests.ts';
import { listBody } from '../lib/responses.ts';

export const handler = withApi(async ({ owner, query }) => {
  const paging = parsePagination(query); // 400
  const summaries = await instances.list(owner);
  return listBody(summaries, paging); // 404 when there is nothing to show
});
