// GET /backend/lambda-instances[/] and /api/lambda-instances[/]: the caller's lambda instances, optionally only those
// of some statuses or those changed since a time, with their statuses, one page of them.
import { withApi, type ApiHandler } from '../api.ts';
import type { Dependencies } from '../dependencies.ts';
import { listTooLong, noInstancesFound } from '../errors.ts';
import { parseListQuery } from '../requests.ts';
import { listBody } from '../responses.ts';

/**
 * The most instances an answer without limit and page holds (docs/contract.md section 5.1): what the function reads
 * and shapes well within the request's deadline, locally too. More is the 400 that asks for pages.
 */
const UNPAGED_AT_MOST = 10_000;

// The list's key is the owner, which only the token gives: nothing to read before the token is checked.
export const listRoute = ({ instances, ...api }: Dependencies): ApiHandler =>
  withApi(api, {
    handle: async ({ query }, { owner, signal }) => {
      const { paging, statuses, withStatus, changedSince } = parseListQuery(query); // 400: every parameter that is wrong
      const { count, items } = await instances.list(
        owner,
        { statuses, changedSince, paging, atMost: UNPAGED_AT_MOST },
        { signal },
      );
      if (items === undefined) throw listTooLong();
      if (items.length === 0) throw noInstancesFound(); // none (matching), or a page past the last one
      return listBody(items, {
        ...(paging && { paged: { ...paging, count } }),
        // What changed is shown with its status, DESTROYED included.
        withStatus: withStatus || changedSince !== undefined,
      });
    },
    tooLarge: listTooLong,
  });
