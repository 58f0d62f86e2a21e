// `serverless package` offline, and what it produced: one small zip per function, the tables in the template, and
// IAM statements that allow only the read actions the functions use, on this service's own tables.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import AdmZip from 'adm-zip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BUNDLE_LIMIT_BYTES = 600 * 1024;
const FUNCTIONS = ['list', 'detail'];

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
}
interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown[];
}

let directory: string;
let resources: Record<string, Resource>;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'lambda-instances-package-'));
  const serverless = fileURLToPath(new URL('../../node_modules/.bin/serverless', import.meta.url));
  await promisify(execFile)(serverless, ['package', '--stage', 'prod', '--package', directory], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
  });
  const template = JSON.parse(readFileSync(join(directory, 'cloudformation-template-update-stack.json'), 'utf8')) as {
    Resources: Record<string, Resource>;
  };
  resources = template.Resources;
});

afterAll(() => rmSync(directory, { recursive: true, force: true }));

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

describe('serverless package', () => {
  it.each(FUNCTIONS)('%s is one zip holding one minified ESM bundle under 600 KB', (name) => {
    const entries = new AdmZip(join(directory, `${name}.zip`)).getEntries();
    expect(entries.map(({ entryName }) => entryName)).toEqual([`functions/${name}.mjs`]);
    const bundle = entries[0]!.getData();
    console.info(`${name} bundle: ${(bundle.length / 1024).toFixed(1)} KB`);
    expect(bundle.length).toBeLessThan(BUNDLE_LIMIT_BYTES);
    expect(bundle.toString('utf8', 0, 200)).toContain('createRequire');
  });

  it('declares both functions on nodejs24.x with the table names in their environment', () => {
    const functions = ofType('AWS::Lambda::Function').map(([, resource]) => resource.Properties);
    expect(functions).toHaveLength(2);
    for (const properties of functions) {
      expect(properties.Runtime).toBe('nodejs24.x');
      expect(properties.Environment).toEqual({
        Variables: { INSTANCES_TABLE: 'lambda-instances-api-prod-instances', TOKENS_TABLE: 'lambda-instances-api-prod-tokens' },
      });
    }
  });

  it('routes every path of the contract to its function, any method', () => {
    const paths = ofType('AWS::ApiGateway::Method').map(([, resource]) => resource.Properties.HttpMethod);
    expect(paths).toEqual(['ANY', 'ANY', 'ANY', 'ANY']);
    expect(ofType('AWS::ApiGateway::Resource').map(([, resource]) => resource.Properties.PathPart).sort()).toEqual(
      ['api', 'backend', 'lambda-instances', 'lambda-instances', '{id}', '{id}'].sort(),
    );
  });

  it('declares the two tables with their keys, the sparse owner index and the tokens TTL', () => {
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
      ],
    });
    expect(resources.TokensTable?.Properties).toMatchObject({
      TableName: 'lambda-instances-api-prod-tokens',
      KeySchema: [{ AttributeName: 'digest', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });

  it('allows only GetItem and Query on this service’s own tables and index', () => {
    const statements = ofType('AWS::IAM::Role').flatMap(([, role]) =>
      (role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[]).flatMap(
        ({ PolicyDocument }) => PolicyDocument.Statement,
      ),
    );
    const dynamoDb = statements.filter(({ Action }) => Action.some((action) => action.startsWith('dynamodb:')));
    expect(statements.flatMap(({ Action }) => Action).filter((action) => action.includes('*'))).toEqual([]);
    expect(dynamoDb).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem'],
        Resource: [{ 'Fn::GetAtt': ['TokensTable', 'Arn'] }, { 'Fn::GetAtt': ['InstancesTable', 'Arn'] }],
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query'],
        Resource: [{ 'Fn::Join': ['/', [{ 'Fn::GetAtt': ['InstancesTable', 'Arn'] }, 'index', 'listed-by-owner']] }],
      },
    ]);
  });
});
