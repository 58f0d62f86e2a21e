// serverless.yml as the local stack, the tests and the bench read it (the one reader): the functions' environment for a
// stage, and the DynamoDB tables it declares, so that the key design is written down once. Only the variable sources
// that serverless.yml uses in those places are resolved here: ${self:path}, ${sls:stage} and ${env:NAME, 'fallback'}.
// tests/package checks that the tables read here are the tables `serverless package` compiles.
import { readFileSync } from 'node:fs';
import type { CreateTableCommandInput, StreamViewType, TimeToLiveSpecification } from '@aws-sdk/client-dynamodb';
import { parse } from 'yaml';
import type { Environment, Tables } from '../lib/config.ts';

export interface TableProperties extends Omit<
  CreateTableCommandInput,
  'DeletionProtectionEnabled' | 'StreamSpecification'
> {
  /** CloudFormation's form: a view type enables the stream. */
  StreamSpecification?: { StreamViewType: StreamViewType };
  TimeToLiveSpecification?: TimeToLiveSpecification;
  PointInTimeRecoverySpecification?: unknown;
  /** A serverless variable here, resolved only by `serverless package`. */
  DeletionProtectionEnabled?: unknown;
}

/** The parts of serverless.yml that the local stack, the tests and the bench read. */
interface ServerlessYml {
  provider: { environment: Record<string, string>; logs: { restApi: { format: string } } };
  /** Each function's events: the API's routes (http), the push's (websocket, stream). */
  functions: Record<string, { events: { http?: { path: string; method: string } }[] }>;
  custom: { esbuild: Record<string, unknown> };
  resources: { Resources: Record<string, { Type: string; Properties: TableProperties }> };
}

/** serverless.yml as written (variables unresolved): the one place it is read. */
export const serverlessYml = parse(
  readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8'),
) as Readonly<ServerlessYml>;

function lookup(path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], serverlessYml);
}

function resolveVariables(text: string, stage: string, env: Environment): string {
  const resolve = (variable: string, source: string, path: string, fallback: string | undefined): string => {
    const sources: Record<string, () => unknown> = {
      self: () => lookup(path),
      sls: () => (path === 'stage' ? stage : undefined),
      env: () => env[path] || fallback,
    };
    const value = sources[source]?.();
    if (typeof value !== 'string') throw new Error(`serverless.yml: cannot resolve ${variable} locally`);
    return value;
  };
  const resolved = text.replace(/\$\{(self|sls|env):([\w.-]+)(?:, *'([^']*)')?\}/g, resolve);
  return resolved === text ? text : resolveVariables(resolved, stage, env);
}

/** provider.environment as a function of the stage sees it, given the deploying shell's environment. */
export function stageEnvironment(stage: string, env: Environment = process.env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(serverlessYml.provider.environment).map(([name, value]) => [
      name,
      resolveVariables(value, stage, env),
    ]),
  );
}

/** The stage's table names. */
export function stageTables(stage: string): Tables {
  const { INSTANCES_TABLE, TOKENS_TABLE } = stageEnvironment(stage, {});
  return { instances: INSTANCES_TABLE ?? '', tokens: TOKENS_TABLE ?? '' };
}

export interface TableDeclaration {
  create: CreateTableCommandInput;
  timeToLive?: TimeToLiveSpecification;
}

/**
 * A table's CloudFormation properties as CreateTable (and UpdateTimeToLive) inputs. Point-in-time recovery and TTL
 * are not CreateTable parameters; TTL has its own call. DynamoDB Local's tables are throwaway: no deletion
 * protection. A stream is CloudFormation's view type, CreateTable's view type and StreamEnabled.
 */
export function tableDeclaration(
  properties: TableProperties,
  tableName = String(properties.TableName),
): TableDeclaration {
  const {
    TimeToLiveSpecification,
    PointInTimeRecoverySpecification: _recovery,
    DeletionProtectionEnabled: _protection,
    StreamSpecification,
    ...create
  } = properties;
  return {
    create: {
      ...create,
      TableName: tableName,
      ...(StreamSpecification && { StreamSpecification: { StreamEnabled: true, ...StreamSpecification } }),
    },
    ...(TimeToLiveSpecification !== undefined && { timeToLive: TimeToLiveSpecification }),
  };
}

/** Every AWS::DynamoDB::Table of serverless.yml for the stage, as CreateTable (and UpdateTimeToLive) inputs. */
export function tableDeclarations(stage: string): TableDeclaration[] {
  return Object.values(serverlessYml.resources.Resources)
    .filter(({ Type }) => Type === 'AWS::DynamoDB::Table')
    .map(({ Properties }) => tableDeclaration(Properties, resolveVariables(String(Properties.TableName), stage, {})));
}
