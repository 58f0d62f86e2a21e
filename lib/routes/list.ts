// GET /backend/lambda-instances[/] and /api/lambda-instances[/]: the caller's lambda instances, optionally only those
// of some statuses or those changed since a time, with their statuses, one page of them.
import { withApi, type ApiHandler } from '../api.ts';
import type { Dependencies } from '../dependencies.ts';
import { noInstancesFound } from '../errors.ts';
import { parseListQuery } from '../requests.ts';
import { listBody } from '../responses.ts';

// The list's key is the owner, which only the token gives: nothing to read before the token is checked.
export const listRoute = ({ instances, ...api }: Dependencies): ApiHandler =>
  withApi(api, {
    handle: async ({ query }, { owner, signal }) => {
      const { paging, statuses, withStatus, changedSince } = parseListQuery(query); // 400: every parameter that is wrong
      // What changed (DESTROYED included, each with its status and time), or what is listed.
      const listed =
        changedSince === undefined
          ? await instances.list(owner, { signal })
          : await instances.changedSince(owner, changedSince, { signal });
      const matching = statuses ? listed.filter(({ status }) => statuses.has(status)) : listed;
      const shown = paging ? matching.slice((paging.page - 1) * paging.limit, paging.page * paging.limit) : matching;
      if (shown.length === 0) throw noInstancesFound(); // none (matching), or a page past the last one
      return listBody(shown, {
        ...(paging && { paged: { ...paging, count: matching.length } }),
        withStatus: withStatus || changedSince !== undefined,
      });
    },
  });
