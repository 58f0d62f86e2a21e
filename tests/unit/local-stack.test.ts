import { describe, expect, it } from 'vitest';
import { serverlessYml, stageEnvironment } from '../../infra/serverless-yml.ts';
import { FUNCTION_SETTINGS, readSettings } from '../../lib/config.ts';

describe('serverless.yml passes the functions their settings', () => {
  it('each as the deploying shell has it, or empty: the defaults are lib/config.ts’s alone', () => {
    const { INSTANCES_TABLE: _instances, TOKENS_TABLE: _tokens, ...passed } = serverlessYml.provider.environment;
    for (const [name, value] of Object.entries(passed)) expect(value).toBe(`\${env:${name}, ''}`);
  });

  it('every one that lib/config.ts reads', () => {
    const names = Object.values(FUNCTION_SETTINGS).map(({ name }) => name);
    expect(Object.keys(serverlessYml.provider.environment)).toEqual(expect.arrayContaining(names));
  });

  it('the stage’s tables, and nothing else when the deploying shell sets nothing', () => {
    const tables = {
      INSTANCES_TABLE: 'lambda-instances-api-local-instances',
      TOKENS_TABLE: 'lambda-instances-api-local-tokens',
    };
    expect(stageEnvironment('local', {})).toMatchObject(tables);
    expect(readSettings(stageEnvironment('local', {}))).toEqual(readSettings(tables));
  });

  it('takes a set variable from the deploying shell’s environment, as serverless does', () => {
    expect(stageEnvironment('prod', { TOKEN_VERIFIER: 'astakos' }).TOKEN_VERIFIER).toBe('astakos');
  });
});
