// Any path that is none of the API's, any method (serverless.yml's catch-all resource, /{proxy+}): the 404 envelope,
// without a token, rather than API Gateway's default 403 or the emulator's list of routes.
import type { Context } from 'aws-lambda';
import { outerChain, type OuterChainOptions, type ApiHandler } from '../api.ts';
import { noSuchResource } from '../errors.ts';

export const notFoundRoute = (options: OuterChainOptions = {}): ApiHandler =>
  outerChain<Context>(options).handler(() => {
    throw noSuchResource();
  });
