// The local stack's ports, each from its variable by lib/config.ts's rules: npm start's, and where `npm run admin`
// finds DynamoDB Local. README's Configuration states these defaults (tests/unit/config.test.ts checks it).
import { port } from '../lib/config.ts';

export const LOCAL_PORTS = {
  api: port('PORT', 3000),
  dynamoDb: port('DYNAMODB_PORT', 8000),
  /** serverless-offline's others: its Lambda invoke API and its WebSocket server. */
  lambda: port('LAMBDA_PORT', 3002),
  websocket: port('WEBSOCKET_PORT', 3001),
};
