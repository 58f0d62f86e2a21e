// GET /api/lambda-instances/{id}[/] and /backend/lambda-instances/{id}[/]: one instance of the caller, all of it or
// only its info or status part, with its timeline if asked.
import { withApi, type ApiHandler, type ApiMiddleware } from '../api.ts';
import type { OwnerContext } from '../auth.ts';
import type { Dependencies } from '../dependencies.ts';
import { instanceNotFound } from '../errors.ts';
import type { StoredInstance } from '../items.ts';
import { parseDetailQuery, parseInstanceId } from '../requests.ts';
import { detailBody } from '../responses.ts';

interface DetailContext extends OwnerContext {
  /** The instance, when it was read beside the token check. */
  instance?: Promise<StoredInstance | undefined> | undefined;
}

export const detailRoute = ({ instances, ...api }: Dependencies): ApiHandler => {
  // Not a UUID: nothing to read, the same 404 as an unknown id.
  const read = (id: string | undefined, signal: AbortSignal) => {
    const uuid = parseInstanceId(id);
    return uuid === undefined ? undefined : instances.get(uuid, { signal });
  };

  /**
   * A token that must be read costs a round trip: the instance is read by its key (from the path) beside it, and
   * whose it is decides once both are in. A token the container already knows (remembered, or refused moments ago)
   * is checked at once: nothing is read early, and a refused one reads nothing at all.
   */
  const readBesideTokenCheck: ApiMiddleware<DetailContext> = {
    before: ({ event, context }) => {
      // Set on every request, read or not: a context reused across invocations must not carry another request's.
      context.instance = undefined;
      if (context.token === undefined || api.verifier.recall(context.token.digest) !== undefined) return;
      context.instance = read(event.pathParameters?.id, context.signal);
      // Awaited by the handler; when the request is refused first (401, 400), by nobody: not an unhandled rejection.
      context.instance?.catch(() => undefined);
    },
  };

  return withApi(api, {
    beforeTokenCheck: [readBesideTokenCheck],
    handle: async ({ query, pathParameters }, { owner, signal, instance }) => {
      const asked = parseDetailQuery(query); // 400: every parameter that is wrong, checked before the 404s
      const found = await (instance ?? read(pathParameters.id, signal));
      // Not a UUID (never read), no such instance, or someone else's: the same 404.
      if (found?.owner !== owner) throw instanceNotFound();
      return detailBody(found, asked);
    },
  });
};
