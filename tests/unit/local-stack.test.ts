import { describe, expect, it } from 'vitest';
import { stageEnvironment } from '../../scripts/local-stack.ts';

describe('the local stack reads serverless.yml', () => {
  it('resolves the functions environment (the table names) for a stage', () => {
    expect(stageEnvironment('local')).toEqual({
      INSTANCES_TABLE: 'lambda-instances-api-local-instances',
      TOKENS_TABLE: 'lambda-instances-api-local-tokens',
    });
  });
});
