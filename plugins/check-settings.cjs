// @ts-check
// Serverless plugin: refuses to package (and so to deploy) a stage whose settings are invalid, before anything is
// built, naming each bad variable. The functions' settings (provider.environment, resolved from the deploying
// shell's environment) by the rules the functions apply when they start (lib/config.ts's readSettings); the
// deployment's own settings, which only serverless.yml reads, by the rules below, checked when the plugin loads,
// before serverless resolves the variables that use them.
'use strict';

/** The deployment's own settings: variable -> what a valid value looks like. */
const DEPLOY_SETTINGS = {
  TABLE_DELETION_PROTECTION: { rule: /^(true|false)$/, expected: 'true or false' },
  ALARM_EMAIL: { rule: /^(|[^@\s]+@[^@\s]+\.[^@\s]+)$/, expected: 'an e-mail address, or empty' },
};

/** @param {NodeJS.ProcessEnv} env */
function deployProblems(env) {
  return Object.entries(DEPLOY_SETTINGS)
    .filter(([name, { rule }]) => env[name] !== undefined && !rule.test(env[name] ?? ''))
    .map(([name, { expected }]) => `${name} must be ${expected} (got ${JSON.stringify(env[name])})`);
}

class CheckSettings {
  /** @param {{ service: { provider: { environment: Record<string, string> } }, classes: { Error: new (message: string) => Error } }} serverless */
  constructor(serverless) {
    const problems = deployProblems(process.env);
    if (problems.length > 0) throw new serverless.classes.Error(`Invalid settings: ${problems.join('; ')}`);
    this.hooks = {
      'before:package:initialize': async () => {
        /** @type {typeof import('../lib/config.ts')} */
        const { readSettings } = await import('../lib/config.ts');
        try {
          readSettings(serverless.service.provider.environment);
        } catch (error) {
          throw new serverless.classes.Error(/** @type {Error} */ (error).message);
        }
      },
    };
  }
}

module.exports = CheckSettings;
