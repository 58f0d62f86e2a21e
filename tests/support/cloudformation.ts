// Checks a CloudFormation template against AWS's own resource specification (@aws-cdk/aws-service-spec, the database
// the AWS CDK generates its CloudFormation constructs from): every resource type exists, every property is known and
// of its type, into nested property types, and every required property is present. An intrinsic function (Ref,
// Fn::GetAtt, Fn::If, ...) is accepted wherever a value goes: what it gives is known only when the stack deploys.
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { PropertyType, ResourceProperties, SpecDatabase } from '@aws-cdk/service-spec-types';

export interface Template {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isIntrinsic(value: unknown): boolean {
  const [name, ...more] = isObject(value) ? Object.keys(value) : [];
  return name !== undefined && more.length === 0 && (name === 'Ref' || name.startsWith('Fn::'));
}

// CloudFormation converts a scalar to the type its property takes ('true' is a boolean, '6' a number, 6 a string).
const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
const isNumeric = (value: unknown): boolean =>
  typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)));

/** Whether a value fits one type, leaving aside what is inside it. */
function fitsShape(value: unknown, type: PropertyType): boolean {
  switch (type.type) {
    case 'string':
      return isScalar(value) && (type.allowedValues?.includes(String(value)) ?? true);
    case 'date-time':
      return typeof value === 'string';
    case 'number':
      return isNumeric(value);
    case 'integer':
      return (
        isNumeric(value) && Number.isInteger(Number(value)) && (type.allowedValues?.includes(Number(value)) ?? true)
      );
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false';
    case 'null':
      return value === null;
    case 'json':
      // An object, or its text (CloudFormation takes a policy document as either); not a list, which a union's
      // list type must check item by item.
      return isObject(value) || typeof value === 'string';
    case 'tag':
    case 'ref':
    case 'map':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'union':
      return false;
  }
}

/** What is wrong with a value of this type at this place of the template; nothing when it fits. */
function problemsOf(db: SpecDatabase, value: unknown, types: readonly PropertyType[], at: string): string[] {
  if (isIntrinsic(value)) return [];
  // A property that took another type before may still be given one (its previous types): any that fits will do.
  const found = types.map((type) => {
    if (type.type === 'union') return problemsOf(db, value, type.types, at);
    if (!fitsShape(value, type)) return [`${at}: ${JSON.stringify(value)} is not ${describe(type)}`];
    if (type.type === 'array')
      return (value as unknown[]).flatMap((each, i) => problemsOf(db, each, [type.element], `${at}[${i}]`));
    if (type.type === 'map')
      return Object.entries(value as object).flatMap(([key, each]) =>
        problemsOf(db, each, [type.element], `${at}.${key}`),
      );
    if (type.type === 'tag') return propertiesProblems(db, value as object, TAG, at);
    if (type.type === 'ref')
      return propertiesProblems(db, value as object, db.get('typeDefinition', type.reference).properties, at);
    return [];
  });
  return found.find((problems) => problems.length === 0) ?? found[0] ?? [];
}

const describe = (type: PropertyType): string =>
  type.type === 'string' && type.allowedValues ? `one of ${type.allowedValues.join(', ')}` : `of type ${type.type}`;

const TAG: ResourceProperties = {
  Key: { type: { type: 'string' }, required: true },
  Value: { type: { type: 'string' }, required: true },
};

function propertiesProblems(db: SpecDatabase, value: object, properties: ResourceProperties, at: string): string[] {
  const missing = Object.entries(properties)
    .filter(([name, property]) => property.required && !(name in value))
    .map(([name]) => `${at}.${name}: required, missing`);
  const wrong = Object.entries(value).flatMap(([name, each]) => {
    const property = properties[name];
    if (!property) return [`${at}.${name}: unknown property`];
    return problemsOf(db, each, [property.type, ...(property.previousTypes ?? [])], `${at}.${name}`);
  });
  return [...missing, ...wrong];
}

/** Loads the specification (seconds: a 15 MB database), then checks templates against it. */
export async function cloudFormationChecker(): Promise<(template: Template) => string[]> {
  const db = await loadAwsServiceSpec();
  return ({ Resources }) =>
    Object.entries(Resources).flatMap(([name, { Type, Properties = {} }]) => {
      // A custom resource's properties are its own function's: CloudFormation requires only where to send them.
      if (Type.startsWith('Custom::'))
        return 'ServiceToken' in Properties ? [] : [`${name}.ServiceToken: required, missing`];
      const [resource] = db.lookup('resource', 'cloudFormationType', 'equals', Type);
      if (!resource) return [`${name}: unknown resource type ${Type}`];
      return propertiesProblems(db, Properties, resource.properties, name);
    });
}
