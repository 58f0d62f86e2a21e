import { afterEach, describe, expect, it } from 'vitest';
import { stageEnvironment } from '../../scripts/local-stack.ts';

describe('the local stack reads serverless.yml', () => {
  afterEach(() => {
    delete process.env.TOKEN_VERIFIER;
  });

  it('resolves the functions’ environment for a stage, with the defaults of unset variables', () => {
    expect(stageEnvironment('local')).toEqual({
      INSTANCES_TABLE: 'lambda-instances-api-local-instances',
      TOKENS_TABLE: 'lambda-instances-api-local-tokens',
      TOKEN_VERIFIER: 'dynamodb',
      IDENTITY_URL: '',
      TOKEN_CACHE_SECONDS: '60',
    });
  });

  it('takes a set variable from the environment, as serverless does', () => {
    process.env.TOKEN_VERIFIER = 'astakos';
    expect(stageEnvironment('prod').TOKEN_VERIFIER).toBe('astakos');
  });
});
