// A variant that only the bench builds: esbuild's alias points @aws-sdk/credential-provider-node (the default
// credential chain: env, SSO, ini files, process, web identity, IMDS/ECS, and the nested STS/SSO clients they use)
// at this module, which reads the environment only, as Lambda provides credentials
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
