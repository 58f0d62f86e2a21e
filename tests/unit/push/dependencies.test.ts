// The push functions read their own settings when their container starts: a missing or malformed one fails there,
// with its name, never later as an undefined table or endpoint.
import { describe, expect, it } from 'vitest';
import {
  connectFromEnvironment,
  disconnectFromEnvironment,
  pushFromEnvironment,
} from '../../../lib/push/dependencies.ts';

const API = { INSTANCES_TABLE: 'instances', TOKENS_TABLE: 'tokens' };
const PUSH = {
  ...API,
  CONNECTIONS_TABLE: 'connections',
  CONNECTIONS_URL: 'https://abc.execute-api.eu-central-1.amazonaws.com/prod',
};

describe('the push functions’ settings', () => {
  it('build each function from a complete environment', () => {
    expect(connectFromEnvironment(PUSH).connections).toBeDefined();
    expect(disconnectFromEnvironment(PUSH).connections).toBeDefined();
    expect(pushFromEnvironment(PUSH).api).toBeDefined();
  });

  it.each([
    ['connect', () => connectFromEnvironment(API)],
    ['disconnect', () => disconnectFromEnvironment(API)],
    ['push', () => pushFromEnvironment({ ...API, CONNECTIONS_URL: PUSH.CONNECTIONS_URL })],
  ])('%s refuses to start without CONNECTIONS_TABLE, naming it', (_, build) => {
    expect(build).toThrow('Invalid settings: CONNECTIONS_TABLE is not set');
  });

  it.each(['', 'abc.execute-api.eu-central-1.amazonaws.com/prod', 'ftp://abc/prod'])(
    'the push refuses a CONNECTIONS_URL of %j, naming it',
    (url) => {
      expect(() => pushFromEnvironment({ ...PUSH, CONNECTIONS_URL: url })).toThrow(/CONNECTIONS_URL/);
    },
  );

  it('the functions’ own settings are checked as the API’s are', () => {
    expect(() => connectFromEnvironment({ ...PUSH, TOKEN_CACHE_SECONDS: 'soon' })).toThrow(/TOKEN_CACHE_SECONDS/);
  });
});
