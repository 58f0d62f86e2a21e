// Bundled in place of @aws-sdk/credential-provider-node (serverless.yml, custom.esbuild.alias): the functions take
// their credentials from the environment only, as Lambda (and serverless-offline) provide them. The default chain
// it replaces (SSO, ini files, web identity, IMDS, and the STS/SSO clients they load) is ~130 KB of bundle and
// import time that a Lambda function never uses. Code run outside the bundle (tests, admin CLI) keeps the chain.
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
