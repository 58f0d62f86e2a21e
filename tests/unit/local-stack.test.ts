import { describe, expect, it } from 'vitest';
import { stageEnvironment } from '../../infra/serverless-yml.ts';

describe('the local stack reads serverless.yml', () => {
  it('resolves the functions’ environment for a stage, with the defaults of unset variables', () => {
    expect(stageEnvironment('local', {})).toEqual({
      INSTANCES_TABLE: 'lambda-instances-api-local-instances',
      TOKENS_TABLE: 'lambda-instances-api-local-tokens',
      TOKEN_VERIFIER: 'dynamodb',
      IDENTITY_URL: '',
      IDENTITY_TIMEOUT_MS: '2000',
      IDENTITY_REMEMBER_SECONDS: '300',
      TOKEN_CACHE_SECONDS: '60',
      TOKEN_CACHE_SIZE: '1000',
      DYNAMODB_REQUEST_TIMEOUT_MS: '600',
      REQUEST_DEADLINE_MS: '2500',
      CORS_ORIGINS: '',
      POWERTOOLS_LOG_LEVEL: 'INFO',
    });
  });

  it('takes a set variable from the deploying shell’s environment, as serverless does', () => {
    expect(stageEnvironment('prod', { TOKEN_VERIFIER: 'astakos' }).TOKEN_VERIFIER).toBe('astakos');
  });
});
