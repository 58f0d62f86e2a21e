// @ts-check
// Serverless plugin: refuses to package (and so to deploy) a stage whose function settings are invalid, before
// anything is built, with the same rules the functions apply when they start (lib/config.ts's readSettings). The
// settings are provider.environment as serverless resolved it from the deploying shell's environment.
'use strict';

class CheckSettings {
  /** @param {{ service: { provider: { environment: Record<string, string> } }, classes: { Error: new (message: string) => Error } }} serverless */
  constructor(serverless) {
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
