// `serverless package` offline, and what it produced: one small zip per function, the tables in the template, one
// role per function allowing only what that function does on this service's own tables, the API's throttling, and
// the push beside it (its WebSocket API, the stream function's retries and failure queue, their alarms).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  serverlessYml,
  tableDeclaration,
  tableDeclarations,
  type TableProperties,
} from '../../infra/serverless-yml.ts';
import { cloudFormationChecker, type Template } from '../support/cloudformation.ts';

const BUNDLE_LIMIT_BYTES = 600 * 1024;
const FUNCTIONS = ['list', 'detail', 'connect', 'disconnect', 'clientMessages', 'push'];
/** Swagger UI's script and styles are 1.9 MB of the docs function's bundle (a Lambda answer may be 6 MB). */
const DOCS_LIMIT_BYTES = 2.5 * 1024 * 1024;

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Condition?: string;
}

let directory: string;
let template: { Resources: Record<string, Resource>; Conditions?: unknown };
let resources: Record<string, Resource>;

const serverless = fileURLToPath(new URL('../../node_modules/.bin/serverless', import.meta.url));
/** `serverless package --stage prod` into a directory, with these settings in the deploying shell's environment. */
const packageInto = (into: string, env: Record<string, string> = {}) =>
  promisify(execFile)(serverless, ['package', '--stage', 'prod', '--package', into], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, ...env },
  });

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'lambda-instances-package-'));
  await packageInto(directory);
  template = JSON.parse(
    readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as typeof template;
  resources = template.Resources;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

const statementsOf = (role: string): unknown[] =>
  (resources[role]?.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[]).flatMap(
    ({ PolicyDocument }) => PolicyDocument.Statement,
  );
const readTokens = {
  Effect: 'Allow',
  Action: ['dynamodb:GetItem'],
  Resource: { 'Fn::GetAtt': ['TokensTable', 'Arn'] },
};
const rememberAstakosTokens = {
  'Fn::If': [
    'UsesAstakos',
    { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: { 'Fn::GetAtt': ['TokensTable', 'Arn'] } },
    { Ref: 'AWS::NoValue' },
  ],
};
const ownLogs = (group: string) => ({
  Effect: 'Allow',
  Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
  Resource: { 'Fn::GetAtt': [group, 'Arn'] },
});

describe('serverless package', () => {
  it('refuses invalid settings before building anything, naming each variable', async () => {
    const refused = join(tmpdir(), `lambda-instances-refused-${process.pid}`);
    const failure = await packageInto(refused, {
      TOKEN_VERIFIER: 'astakos',
      DYNAMODB_REQUEST_TIMEOUT_MS: '600ms',
      CORS_ORIGINS: 'https://app.example.org/',
    }).then(
      () => undefined,
      (error: unknown) => error as { code: number; stdout: string; stderr: string },
    );
    expect(failure?.code).not.toBe(0);
    const output = `${failure?.stdout}${failure?.stderr}`;
    for (const name of ['IDENTITY_URL', 'DYNAMODB_REQUEST_TIMEOUT_MS', 'CORS_ORIGINS']) expect(output).toContain(name);
    expect(existsSync(refused)).toBe(false);
  }, 60_000); // a serverless process of its own: its start-up, not the check, takes the time on a busy machine

  /** The one file of a function's zip, a minified ESM bundle. */
  const bundleOf = (name: string): Buffer => {
    const entries = new AdmZip(join(directory, `${name}.zip`)).getEntries();
    const file = name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
    expect(entries.map(({ entryName }) => entryName)).toEqual([`functions/${file}.mjs`]);
    const bundle = entries[0]!.getData();
    expect(bundle.toString('utf8', 0, 200)).toContain('createRequire');
    console.info(`${name} bundle: ${(bundle.length / 1024).toFixed(1)} KB`);
    return bundle;
  };

  it.each(FUNCTIONS)(
    '%s is one zip holding one minified ESM bundle under 600 KB, without the reference page',
    (name) => {
      const bundle = bundleOf(name);
      expect(bundle.length).toBeLessThan(BUNDLE_LIMIT_BYTES);
      expect(bundle.includes('SwaggerUIBundle')).toBe(false);
    },
  );

  it('docs is one bundle holding the page, its assets and the document, and no AWS SDK', () => {
    const bundle = bundleOf('docs');
    expect(bundle.length).toBeLessThan(DOCS_LIMIT_BYTES);
    for (const part of ['SwaggerUIBundle', '.swagger-ui', 'openapi:"3.1.0"']) expect(bundle.includes(part)).toBe(true);
    expect(bundle.includes('DynamoDBClient')).toBe(false);
  });

  // Besides serverless's own custom-resource function, which sets the account's CloudWatch role for access logs.
  const ours = (type: string) =>
    ofType(type).filter(([name]) => !name.startsWith('Custom') && !name.includes('CustomResources'));

  it('declares the eight functions on nodejs24.x, the API’s two with the table names in their environment', () => {
    const functions = ours('AWS::Lambda::Function').map(([, resource]) => resource.Properties);
    expect(functions).toHaveLength(8);
    for (const properties of functions) expect(properties.Runtime).toBe('nodejs24.x');
    for (const properties of [resources.ListLambdaFunction!.Properties, resources.DetailLambdaFunction!.Properties]) {
      expect(properties.Runtime).toBe('nodejs24.x');
      expect(properties.Environment).toMatchObject({
        Variables: {
          INSTANCES_TABLE: 'lambda-instances-api-prod-instances',
          TOKENS_TABLE: 'lambda-instances-api-prod-tokens',
        },
      });
    }
  });

  it('routes each path to its function and any other to the catch-all, OPTIONS named too, no CORS mock', () => {
    const methods = ofType('AWS::ApiGateway::Method').map(([, { Properties }]) => [
      Properties.HttpMethod,
      (Properties.Integration as { Type: string }).Type,
    ]);
    // The API's four paths, the reference's four and the catch-all.
    const proxied = (method: string) => Array.from({ length: 9 }, () => [method, 'AWS_PROXY']);
    expect(methods.sort()).toEqual([...proxied('ANY'), ...proxied('OPTIONS')]);
    expect(
      ofType('AWS::ApiGateway::Resource')
        .map(([, resource]) => resource.Properties.PathPart)
        .sort(),
    ).toEqual(
      [
        'api',
        'backend',
        'lambda-instances',
        'lambda-instances',
        '{id}',
        '{id}',
        'docs',
        '{asset}',
        'openapi.json',
        'asyncapi.json',
        '{proxy+}',
      ].sort(),
    );
  });

  it('declares the two tables with their keys, the owner indexes and the tokens TTL', () => {
    expect(resources.InstancesTable?.Properties).toMatchObject({
      TableName: 'lambda-instances-api-prod-instances',
      KeySchema: [{ AttributeName: 'uuid', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'listed-by-owner',
          KeySchema: [
            { AttributeName: 'listed_owner', KeyType: 'HASH' },
            { AttributeName: 'id', KeyType: 'RANGE' },
          ],
        },
        {
          IndexName: 'listed-by-status',
          KeySchema: [
            { AttributeName: 'listed_status', KeyType: 'HASH' },
            { AttributeName: 'id', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['name', 'status', 'failure_message'] },
        },
        {
          IndexName: 'changed-by-owner',
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'updated_at', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['id', 'name', 'status', 'failure_message'] },
        },
        {
          IndexName: 'owned-by-owner',
          KeySchema: [
            { AttributeName: 'owner', KeyType: 'HASH' },
            { AttributeName: 'id', KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['name', 'status', 'failure_message', 'updated_at'],
          },
        },
      ],
    });
    expect(resources.TokensTable?.Properties).toMatchObject({
      TableName: 'lambda-instances-api-prod-tokens',
      KeySchema: [{ AttributeName: 'digest', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });

  it('compiles the same tables that the local stack creates from serverless.yml (its own variable resolver)', () => {
    // The compiled properties are serverless.yml's with every variable resolved: the same shape.
    const compiled = ofType('AWS::DynamoDB::Table').map(([, { Properties }]) =>
      tableDeclaration(Properties as unknown as TableProperties),
    );
    expect(compiled).toEqual(tableDeclarations('prod'));
  });

  it('gives each function a role of its own and no shared role', () => {
    expect(resources.ListLambdaFunction?.Properties.Role).toEqual({ 'Fn::GetAtt': ['ListFunctionRole', 'Arn'] });
    expect(resources.DetailLambdaFunction?.Properties.Role).toEqual({ 'Fn::GetAtt': ['DetailFunctionRole', 'Arn'] });
    expect(
      ours('AWS::IAM::Role')
        .map(([name]) => name)
        .sort(),
    ).toEqual([
      'ClientMessagesFunctionRole',
      'ConnectFunctionRole',
      'DetailFunctionRole',
      'DisconnectFunctionRole',
      'DocsFunctionRole',
      'ListFunctionRole',
      'NotFoundFunctionRole',
      'PushFunctionRole',
    ]);
  });

  it.each(['Docs', 'NotFound', 'ClientMessages'])('lets the %s function write its logs, nothing else', (name) => {
    expect(resources[`${name}LambdaFunction`]?.Properties.Role).toEqual({
      'Fn::GetAtt': [`${name}FunctionRole`, 'Arn'],
    });
    expect(statementsOf(`${name}FunctionRole`)).toEqual([ownLogs(`${name}LogGroup`)]);
  });

  it('compresses answers over 1 KB for clients that accept it', () => {
    expect(resources.ApiGatewayRestApi?.Properties.MinimumCompressionSize).toBe(1024);
  });

  it("lets the list read a token and an owner's index item, and Query the four owner indexes, nothing else", () => {
    expect(statementsOf('ListFunctionRole')).toEqual([
      ownLogs('ListLogGroup'),
      readTokens,
      rememberAstakosTokens,
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem'],
        Resource: { 'Fn::GetAtt': ['InstancesTable', 'Arn'] },
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['owner:????????-????-????-????-????????????'] },
        },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: ['listed-by-owner', 'listed-by-status', 'changed-by-owner', 'owned-by-owner'].map((index) => ({
          'Fn::Join': ['/', [{ 'Fn::GetAtt': ['InstancesTable', 'Arn'] }, 'index', index]],
        })),
      },
    ]);
  });

  it('lets the details read a token and GetItem an instance, nothing else', () => {
    expect(statementsOf('DetailFunctionRole')).toEqual([
      ownLogs('DetailLogGroup'),
      readTokens,
      rememberAstakosTokens,
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: { 'Fn::GetAtt': ['InstancesTable', 'Arn'] } },
    ]);
  });

  it('gives operators a managed policy of exactly the admin CLI’s calls on the two tables, nothing on the index', () => {
    expect(resources.OperatorPolicy?.Type).toBe('AWS::IAM::ManagedPolicy');
    expect((resources.OperatorPolicy?.Properties.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:GetItem',
          'dynamodb:BatchGetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:BatchWriteItem',
          'dynamodb:Scan',
          'dynamodb:DescribeTable',
        ],
        Resource: { 'Fn::GetAtt': ['InstancesTable', 'Arn'] },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Scan'],
        Resource: { 'Fn::GetAtt': ['TokensTable', 'Arn'] },
      },
    ]);
  });

  it('allows remembering Astakos tokens only when the Astakos verifier is configured', () => {
    // TOKEN_VERIFIER unset: serverless.yml passes it empty, which lib/config.ts reads as its default, dynamodb.
    expect(template.Conditions).toMatchObject({ UsesAstakos: { 'Fn::Equals': ['', 'astakos'] } });
  });

  it('has no wildcard action and no wildcard resource', () => {
    const text = JSON.stringify(ofType('AWS::IAM::Role'));
    expect(text).not.toMatch(/"Action":\["[^"]*\*|"Resource":"\*"|:\*"/);
  });

  it('keeps both tables when the stack is removed or would replace them, with deletion protection on', () => {
    for (const table of ['InstancesTable', 'TokensTable']) {
      expect(resources[table]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { DeletionProtectionEnabled: 'true' },
      });
    }
  });

  it('writes API Gateway access logs as JSON lines without any header, in their own log group with retention', () => {
    expect(resources.ApiGatewayLogGroup?.Properties).toEqual({
      LogGroupName: '/aws/api-gateway/lambda-instances-api-prod',
      RetentionInDays: 14,
    });
    const { format } = serverlessYml.provider.logs.restApi;
    const line = JSON.parse(format.replace(/\$context\.[\w.]+/g, 'x')) as Record<string, string>;
    expect(Object.keys(line)).toEqual(
      expect.arrayContaining(['requestId', 'ip', 'method', 'path', 'status', 'latencyMs']),
    );
    expect(format).not.toMatch(/header|authorizer|apiKey|Authorization/i);
  });

  it('alarms on 5xx and 4xx rates, function errors and throttles, and DynamoDB throttling, to one SNS topic', () => {
    type Alarm = {
      MetricName?: string;
      Namespace?: string;
      Metrics?: { MetricStat?: { Metric: { MetricName: string; Dimensions: { Value: unknown }[] } } }[];
      AlarmActions: unknown;
    };
    const alarms = Object.fromEntries(
      ofType('AWS::CloudWatch::Alarm').map(([name, { Properties }]) => [name, Properties as Alarm]),
    );
    const watched = Object.values(alarms).map(({ Namespace, MetricName, Metrics }) =>
      MetricName
        ? `${Namespace} ${MetricName}`
        : (Metrics ?? []).flatMap(({ MetricStat }) => MetricStat?.Metric.MetricName ?? []).join('+'),
    );
    expect(watched.sort()).toEqual([
      'AWS/ApiGateway 4XXError',
      'AWS/ApiGateway 5XXError',
      'AWS/Lambda IteratorAge',
      'AWS/SQS ApproximateNumberOfMessagesVisible',
      Array(8).fill('Errors').join('+'),
      [
        ...Array<string>(6).fill('ReadThrottleEvents'),
        ...['WriteThrottleEvents', 'WriteThrottleEvents', 'ReadThrottleEvents', 'WriteThrottleEvents'],
      ].join('+'),
      Array(8).fill('Throttles').join('+'),
    ]);
    for (const alarm of Object.values(alarms)) expect(alarm.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    // CloudWatch's hard limit: a metric math alarm reads at most 10 metrics (the throttles' is at it).
    for (const { Metrics = [] } of Object.values(alarms))
      expect(Metrics.filter(({ MetricStat }) => MetricStat).length).toBeLessThanOrEqual(10);
    expect(resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
    // Every index of the instances table: its reads are throttled apart from the table's.
    const indexes = resources.InstancesTable?.Properties.GlobalSecondaryIndexes as { IndexName: string }[];
    const throttledIndexes = (alarms.DynamoDbThrottlesAlarm?.Metrics ?? []).flatMap(
      ({ MetricStat }) => MetricStat?.Metric.Dimensions[1]?.Value ?? [],
    );
    expect(throttledIndexes.sort()).toEqual(indexes.map(({ IndexName }) => IndexName).sort());
    // Every function of serverless.yml, the reference page's included (not the framework's own custom resource).
    const functions = ofType('AWS::Lambda::Function')
      .filter(([name]) => !name.startsWith('Custom'))
      .map(([name]) => ({ Ref: name }));
    expect(functions).toHaveLength(8);
    for (const alarm of [alarms.FunctionErrorsAlarm, alarms.FunctionThrottlesAlarm]) {
      const watching = (alarm?.Metrics ?? []).flatMap(
        ({ MetricStat }) => MetricStat?.Metric.Dimensions[0]?.Value ?? [],
      );
      expect(watching).toEqual(expect.arrayContaining(functions));
      expect(watching).toHaveLength(functions.length);
    }
  });

  it('mails the alarms only when ALARM_EMAIL names an address', () => {
    expect(resources.AlarmEmailSubscription).toMatchObject({
      Condition: 'MailsAlarms',
      Properties: { Protocol: 'email' },
    });
    expect((template.Conditions as Record<string, unknown>).MailsAlarms).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['', ''] }],
    });
  });

  it('encrypts both tables and keeps point-in-time recovery on', () => {
    for (const table of ['InstancesTable', 'TokensTable']) {
      expect(resources[table]?.Properties).toMatchObject({
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it("answers API Gateway's own throttling and 5xx in the error envelope, with Retry-After", () => {
    type GatewayResponse = {
      ResponseType: string;
      StatusCode: string;
      ResponseParameters: object;
      ResponseTemplates: Record<string, string>;
    };
    const answers = ofType('AWS::ApiGateway::GatewayResponse').map(
      ([, { Properties }]) => Properties as unknown as GatewayResponse,
    );
    for (const [type, status] of [
      ['THROTTLED', 429],
      ['DEFAULT_5XX', 503],
    ] as const) {
      const answer = answers.find(({ ResponseType }) => ResponseType === type);
      expect(answer?.StatusCode).toBe(String(status));
      expect(answer?.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Content-Type': "'application/json; charset=utf-8'",
        'gatewayresponse.header.Retry-After': "'1'",
      });
      const body = JSON.parse(answer?.ResponseTemplates['application/json'] ?? '') as {
        errors: { status: number; detail: string }[];
      };
      expect(body.errors.map((error) => error.status)).toEqual([status]);
      expect(body.errors[0]?.detail).toMatch(/Please retry\.$/);
    }
  });

  it("answers a path API Gateway routes nowhere (the root, /api) with the catch-all's 404 envelope", () => {
    const answers = ofType('AWS::ApiGateway::GatewayResponse').map(([, { Properties }]) => Properties);
    for (const type of ['MISSING_AUTHENTICATION_TOKEN', 'RESOURCE_NOT_FOUND']) {
      const answer = answers.find(({ ResponseType }) => ResponseType === type);
      expect(answer).toMatchObject({
        StatusCode: '404',
        ResponseParameters: {
          'gatewayresponse.header.Content-Type': "'application/json; charset=utf-8'",
          'gatewayresponse.header.Cache-Control': "'no-store'",
        },
        ResponseTemplates: { 'application/json': '{"errors":[{"status":404,"detail":"No such resource."}]}' },
      });
    }
  });

  it('throttles the API stage (rate and burst)', () => {
    const [[, deployment] = []] = ofType('AWS::ApiGateway::Deployment');
    expect(deployment?.Properties.StageDescription).toEqual({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
  });
});

describe('the push beside the API', () => {
  const connectionsTable = { 'Fn::GetAtt': ['ConnectionsTable', 'Arn'] };

  it('is a WebSocket API whose $connect, $disconnect and other messages each reach their function', () => {
    expect(ofType('AWS::ApiGatewayV2::Api').map(([name, { Properties }]) => [name, Properties])).toEqual([
      [
        'WebsocketsApi',
        expect.objectContaining({ ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' }),
      ],
    ]);
    const integrationOf = Object.fromEntries(
      ofType('AWS::ApiGatewayV2::Integration').map(([name, { Properties }]) => [name, Properties.IntegrationUri]),
    );
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, { Properties }]) => {
      const target = (Properties.Target as { 'Fn::Join': [string, [string, { Ref: string }]] })['Fn::Join'][1][1].Ref;
      const uri = JSON.stringify(integrationOf[target]);
      return [Properties.RouteKey, uri.match(/"(\w+)LambdaFunction"/)?.[1]];
    });
    expect(routes.sort()).toEqual([
      ['$connect', 'Connect'],
      ['$default', 'ClientMessages'],
      ['$disconnect', 'Disconnect'],
    ]);
    // A client's message is answered (pong, or the error) through the route's response.
    expect(ofType('AWS::ApiGatewayV2::RouteResponse').map(([, { Properties }]) => Properties.RouteResponseKey)).toEqual(
      ['$default'],
    );
  });

  it('lets $connect read a token as the API does and keep a connection, nothing else', () => {
    expect(statementsOf('ConnectFunctionRole')).toEqual([
      ownLogs('ConnectLogGroup'),
      readTokens,
      rememberAstakosTokens,
      { Effect: 'Allow', Action: ['dynamodb:PutItem'], Resource: connectionsTable },
    ]);
  });

  it('lets $disconnect find a connection by its id and forget it, nothing else', () => {
    expect(statementsOf('DisconnectFunctionRole')).toEqual([
      ownLogs('DisconnectLogGroup'),
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: { 'Fn::Join': ['/', [connectionsTable, 'index', 'by-connection']] },
      },
      { Effect: 'Allow', Action: ['dynamodb:DeleteItem'], Resource: connectionsTable },
    ]);
  });

  it('lets the push read the stream, the owner’s connections and tokens, forget connections, post to this WebSocket API only, and queue what failed', () => {
    expect(statementsOf('PushFunctionRole')).toEqual([
      ownLogs('PushLogGroup'),
      {
        Effect: 'Allow',
        Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        Resource: { 'Fn::GetAtt': ['InstancesTable', 'StreamArn'] },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:ListStreams'],
        Resource: { 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['InstancesTable', 'Arn'] }, 'stream', '*']] },
      },
      { Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:DeleteItem'], Resource: connectionsTable },
      readTokens,
      {
        Effect: 'Allow',
        Action: ['execute-api:ManageConnections'],
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':execute-api:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':',
              { Ref: 'WebsocketsApi' },
              '/prod/*/@connections/*',
            ],
          ],
        },
      },
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['PushFailuresQueue', 'Arn'] } },
    ]);
  });

  it('posts to the stack’s own WebSocket API: the endpoint comes from the template, never from a request', () => {
    const variables = (name: string) =>
      (resources[name]?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables('PushLambdaFunction').CONNECTIONS_URL).toEqual({
      'Fn::Join': [
        '',
        ['https://', { Ref: 'WebsocketsApi' }, '.execute-api.', { Ref: 'AWS::Region' }, '.amazonaws.com/', 'prod'],
      ],
    });
    for (const name of ['Connect', 'Disconnect', 'Push'])
      expect(variables(`${name}LambdaFunction`).CONNECTIONS_TABLE).toBe('lambda-instances-api-prod-connections');
  });

  it('reads every change of the instances table, reports failed records, retries and splits, then queues them', () => {
    expect(resources.InstancesTable?.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    const [[, mapping] = []] = ofType('AWS::Lambda::EventSourceMapping');
    expect(mapping?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['InstancesTable', 'StreamArn'] },
      FunctionName: { 'Fn::GetAtt': ['PushLambdaFunction', 'Arn'] },
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 600,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['PushFailuresQueue', 'Arn'] } } },
    });
    expect(resources.PushFailuresQueue?.Properties).toMatchObject({ SqsManagedSseEnabled: true });
  });

  it('keeps connections by owner, finds one by its id, and lets DynamoDB’s TTL take them (not retained)', () => {
    expect(resources.ConnectionsTable).toMatchObject({
      Properties: {
        TableName: 'lambda-instances-api-prod-connections',
        KeySchema: [
          { AttributeName: 'owner', KeyType: 'HASH' },
          { AttributeName: 'connection_id', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-connection',
            KeySchema: [{ AttributeName: 'connection_id', KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
        TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
    expect(resources.ConnectionsTable?.DeletionPolicy).toBeUndefined();
  });

  it('logs each connect, message and disconnect as a JSON line without the query string (a token) or any header', () => {
    const stage = resources.WebsocketsDeploymentStage?.Properties as {
      DefaultRouteSettings: unknown;
      AccessLogSettings: { Format: string };
    };
    // No execution log: its data trace would hold the handshake's query string.
    expect(stage.DefaultRouteSettings).toEqual({ DataTraceEnabled: false, LoggingLevel: 'OFF' });
    const line = JSON.parse(stage.AccessLogSettings.Format.replace(/\$context\.[\w.]+/g, 'x')) as object;
    expect(Object.keys(line)).toEqual(expect.arrayContaining(['requestId', 'eventType', 'routeKey', 'status']));
    expect(stage.AccessLogSettings.Format).not.toMatch(/querystring|header|authorizer|token/i);
    expect(resources.WebsocketsLogGroup?.Properties.RetentionInDays).toBe(14);
  });

  it('alarms when the push is a minute behind or gives changes up to its queue', () => {
    expect(resources.PushIteratorAgeAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'PushLambdaFunction' } }],
      Statistic: 'Maximum',
      Threshold: 60000,
    });
    expect(resources.PushFailuresAlarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['PushFailuresQueue', 'QueueName'] } }],
      Threshold: 1,
    });
  });
});

describe('the packaged template against CloudFormation’s resource specification', () => {
  // Loaded while serverless packages (the file's beforeAll): seconds of its own.
  const startedAt = performance.now();
  const loading = cloudFormationChecker();
  let check: (template: Template) => string[];
  beforeAll(async () => {
    check = await loading;
    console.info(
      `CloudFormation specification ready ${((performance.now() - startedAt) / 1000).toFixed(1)} s after start`,
    );
  });

  it('declares only resource types and properties the specification knows, of their types, none required missing', () => {
    expect(Object.keys(resources).length).toBeGreaterThan(50);
    expect(check(template as Template)).toEqual([]);
  });

  it('finds an unknown property, a wrong type, a missing required property and an unknown resource type', () => {
    const broken = structuredClone(template) as Template;
    const properties = (name: string) => broken.Resources[name]!.Properties!;
    properties('InstancesTable').TableClas = 'STANDARD';
    properties('ListLambdaFunction').MemorySize = 'lots';
    properties('ListLambdaFunction').Environment = { Variables: { TOKENS_TABLE: { table: 'tokens' } } };
    properties('InstancesTable').KeySchema = [{ AttributeName: 'uuid' }];
    delete properties('TokensTable').KeySchema;
    broken.Resources.AlarmTopic!.Type = 'AWS::SNS::Topik';
    // An intrinsic function is accepted wherever a value goes.
    properties('DetailLambdaFunction').MemorySize = { Ref: 'Memory' };
    expect(check(broken).sort()).toEqual(
      [
        'InstancesTable.TableClas: unknown property',
        'ListLambdaFunction.MemorySize: "lots" is not of type integer',
        'ListLambdaFunction.Environment.Variables.TOKENS_TABLE: {"table":"tokens"} is not of type string',
        'InstancesTable.KeySchema[0].KeyType: required, missing',
        'TokensTable.KeySchema: required, missing',
        'AlarmTopic: unknown resource type AWS::SNS::Topik',
      ].sort(),
    );
  });
});
