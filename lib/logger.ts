// Structured JSON logs (AWS Lambda Powertools). Nothing logged here may hold a token or a digest.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'lambda-instances-api' });
