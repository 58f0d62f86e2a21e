// What the contract says a GET answers, given what is stored and whose token it is: one oracle for every suite that
// knows its data (hostile input, tenancy, end to end, load). It restates SPEC sections 5.1 and 5.2 from the stored
// instances, independently of lib/: only the status table (SPEC section 4, data) is shared.
import type { LambdaInstance } from '../../lib/items.ts';
import { describeStatus } from '../../lib/statuses.ts';
import { MESSAGE, errorBody } from './contract.ts';

/** Query parameters with every value each was given, as API Gateway's multiValueQueryStringParameters. */
export type QueryValues = Readonly<Record<string, readonly string[] | undefined>>;

/** A test's query (one value or several per name) as QueryValues. */
export function queryValues(query: Readonly<Record<string, string | readonly string[]>> = {}): QueryValues {
  return Object.fromEntries(Object.entries(query).map(([name, values]) => [name, [values].flat()]));
}

export interface Expected {
  status: number;
  body: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A parameter's one value; undefined when absent, null when given several different values (SPEC 5.1). */
export function oneValue(query: QueryValues, name: string): string | undefined | null {
  const values = query[name];
  if (values === undefined || values.length === 0) return undefined;
  return values.every((value) => value === values[0]) ? values[0] : null;
}

const positive = (text: string | null | undefined): number | undefined =>
  text && /^[0-9]+$/.test(text) && Number(text) >= 1 ? Number(text) : undefined;

/** The owner's instances that the list shows, in id order, as list items. */
function listedOf(instances: readonly LambdaInstance[], owner: string) {
  return instances
    .filter((instance) => instance.owner === owner && instance.status !== '6')
    .sort((a, b) => a.id - b.id)
    .map(({ uuid, name, id }) => ({ uuid, name, id }));
}

const error = (status: number, detail: string): Expected => ({ status, body: errorBody(status, detail) });

/** GET of the list by a verified owner. */
export function expectedList(instances: readonly LambdaInstance[], owner: string, query: QueryValues = {}): Expected {
  const listed = listedOf(instances, owner);
  const success = (data: object[], pagination?: object): Expected => ({
    status: 200,
    body: { status: { short_description: 'Lambda instances', code: 200 }, data, ...(pagination && { pagination }) },
  });
  const [limitText, pageText] = [oneValue(query, 'limit'), oneValue(query, 'page')];
  if (limitText === undefined && pageText === undefined) {
    return listed.length === 0 ? error(404, MESSAGE.noInstances) : success(listed);
  }
  const [limit, page] = [positive(limitText), positive(pageText)];
  if (limit === undefined || page === undefined || limit > 1000) return error(400, MESSAGE.badPagination);
  const shown = listed.slice((page - 1) * limit, page * limit);
  if (shown.length === 0) return error(404, MESSAGE.noInstances);
  return success(shown, { page, limit, count: listed.length, pages: Math.ceil(listed.length / limit) });
}

/** The status block of an instance, as the details show it. */
function statusBlock({ status, failureMessage }: LambdaInstance) {
  return { ...describeStatus(status), code: status, ...(failureMessage !== '' && { failure_message: failureMessage }) };
}

/** GET of an instance's details by a verified owner, with the path's id as sent. */
export function expectedDetails(
  instances: readonly LambdaInstance[],
  owner: string,
  id: string,
  query: QueryValues = {},
): Expected {
  const filter = oneValue(query, 'filter');
  if (filter !== undefined && filter !== 'info' && filter !== 'status') return error(400, MESSAGE.badFilter);
  const uuid = UUID.test(id) ? id.toLowerCase() : undefined;
  const instance = instances.find((candidate) => candidate.uuid === uuid && candidate.owner === owner);
  if (!instance) return error(404, MESSAGE.instanceNotFound);
  const info = { instance_info: instance.instanceInfo, id: instance.uuid, name: instance.name };
  const status = statusBlock(instance);
  const views = {
    all: {
      info,
      status,
      applications: instance.applications.map(({ name, started, type, id: app }) => ({ name, started, type, id: app })),
    },
    info: { info },
    status: { status, id: instance.uuid, name: instance.name },
  };
  return {
    status: 200,
    body: { status: { short_description: 'Lambda instance details', code: 200 }, data: [views[filter ?? 'all']] },
  };
}
