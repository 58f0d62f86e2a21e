// What AWS Lambda's Node.js runtime has loaded before it imports a handler, loaded first by both cold-start children
// so that neither pays for it: its Runtime API client requires node:http at start-up
// (aws-lambda-nodejs-runtime-interface-client, src/client/rapid-client.ts). Without it, a function that imports
// node:http statically (@middy/core does, through @middy/util) is charged ~20 ms that Lambda has already spent,
// and the floor, which imports node:http lazily for DynamoDB Local's http:// endpoint, is charged it in its request.
import 'node:http';
