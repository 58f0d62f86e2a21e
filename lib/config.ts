// Every environment variable the functions read, validated once when the container starts. The DynamoDB endpoint
// is not here: the AWS SDK reads AWS_ENDPOINT_URL_DYNAMODB itself, which is how DynamoDB Local is reached.

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

export const config = {
  instancesTable: required('INSTANCES_TABLE'),
  tokensTable: required('TOKENS_TABLE'),
} as const;
