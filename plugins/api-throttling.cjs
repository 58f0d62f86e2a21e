// @ts-check
// Serverless plugin: API Gateway stage throttling (rate and burst) from custom.apiThrottling. The framework sets
// throttling only on API-key usage plans, so it is added here to the deployment's stage in the compiled template.
'use strict';

class ApiThrottling {
  /** @param {{ service: { custom: { apiThrottling: { rateLimit: number, burstLimit: number } }, provider: { compiledCloudFormationTemplate: { Resources: Record<string, { Type: string, Properties: Record<string, unknown> }> } } } }} serverless */
  constructor(serverless) {
    this.hooks = {
      'before:package:finalize': () => {
        const { rateLimit, burstLimit } = serverless.service.custom.apiThrottling;
        const { Resources } = serverless.service.provider.compiledCloudFormationTemplate;
        for (const resource of Object.values(Resources)) {
          if (resource.Type !== 'AWS::ApiGateway::Deployment') continue;
          resource.Properties.StageDescription = {
            .../** @type {object} */ (resource.Properties.StageDescription),
            ThrottlingRateLimit: rateLimit,
            ThrottlingBurstLimit: burstLimit,
          };
        }
      },
    };
  }
}

module.exports = ApiThrottling;
