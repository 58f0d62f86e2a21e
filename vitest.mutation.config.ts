// What `npm run test:mutation` (Stryker, stryker.config.json) runs: the unit project of vitest.config.ts alone. The
// other suites start DynamoDB Local or serverless offline, and only the unit suite is fast enough to run per mutant.
import { defineConfig } from 'vitest/config';
import config from './vitest.config.ts';

const projects = (config.test?.projects ?? []).filter(
  (project) => typeof project === 'object' && 'test' in project && project.test?.name === 'unit',
);

export default defineConfig({ ...config, test: { ...config.test, projects } });
