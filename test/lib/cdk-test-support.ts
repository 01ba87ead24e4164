import { fileURLToPath } from 'node:url';
import { App, Stack, type Environment } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { AuditScope } from '../../lib/audit-scope.js';

/** A stand-in handler entry: bundling is skipped in unit tests, but NodejsFunction wants the file to exist. */
export const FIXTURE_ENTRY = fileURLToPath(new URL('./fixtures/handlers/handler.ts', import.meta.url));
/** A directory with two baseline files at the top and one YAML file in a subdirectory. */
export const FIXTURE_BASELINE_DIR = fileURLToPath(new URL('./fixtures/baseline', import.meta.url));

export const AUDITOR_ACCOUNT = '123456789012';
export const MEMBER_ACCOUNT = '345678901234';
export const MEMBER_ROLE_ARN = `arn:aws:iam::${MEMBER_ACCOUNT}:role/drift-audit-read`;

/** A fresh app and stack per test, with bundling skipped (`aws:cdk:bundling-stacks: []`). */
export function newStack(env?: Environment): Stack {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  return new Stack(app, 'TestStack', env ? { env } : {});
}

/** The stack's account and region pinned, as after `cdk deploy` with credentials. */
export const PINNED_ENV: Environment = { account: AUDITOR_ACCOUNT, region: 'us-east-1' };

/**
 * The audit scope of a typical estate: production-us read directly in the auditor's account, staging
 * with a region override on its SSM source, production-eu read through a member account's role.
 */
export function sampleScope(): AuditScope {
  return {
    ssm: [
      { path: '/production-us/api/', region: 'us-east-1', account: AUDITOR_ACCOUNT, environments: ['production-us'] },
      { path: '/staging-us/api/', region: 'us-west-2', account: AUDITOR_ACCOUNT, environments: ['staging-us'] },
      {
        path: '/production-eu/api/',
        region: 'eu-west-1',
        account: MEMBER_ACCOUNT,
        roleArn: MEMBER_ROLE_ARN,
        environments: ['production-eu'],
      },
    ],
    clusters: [
      { name: 'prod-us', region: 'us-east-1', account: AUDITOR_ACCOUNT, namespaces: ['api', 'payments'], environments: ['production-us'] },
      { name: 'staging-us', region: 'us-west-2', account: AUDITOR_ACCOUNT, namespaces: ['api'], environments: ['staging-us'] },
      {
        name: 'prod-eu',
        region: 'eu-west-1',
        account: MEMBER_ACCOUNT,
        roleArn: MEMBER_ROLE_ARN,
        namespaces: ['api'],
        environments: ['production-eu'],
      },
    ],
    roleArns: [MEMBER_ROLE_ARN],
  };
}

/**
 * Renders a CloudFormation value as a string: `Ref` -> `<Name>`, `Fn::GetAtt` -> `<Name.Attr>`,
 * `Fn::Join` joined. Logical ids are matched by prefix in assertions, so their hash does not matter.
 */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, items] = node['Fn::Join'] as [string, unknown[]];
      return items.map(flat).join(delimiter);
    }
    if (Array.isArray(node['Fn::GetAtt'])) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
    if (typeof node.Ref === 'string') return `<${node.Ref}>`;
  }
  return JSON.stringify(value);
}

/** A policy statement with actions and resources as sorted string lists, for exact comparison. */
export interface FlatStatement {
  readonly sid?: string;
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly condition?: unknown;
}

/** Every statement of every IAM policy attached to the role whose logical id starts with `rolePrefix`. */
export function roleStatements(template: Template, rolePrefix: string): FlatStatement[] {
  const roleId = logicalId(template, 'AWS::IAM::Role', rolePrefix);
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as {
    Properties: { Roles: unknown[]; PolicyDocument: { Statement: Record<string, unknown>[] } };
  }[];
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => flat(role) === `<${roleId}>`))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .map((statement) => ({
      ...(statement.Sid !== undefined && { sid: statement.Sid as string }),
      effect: statement.Effect as string,
      actions: asList(statement.Action).map(flat).sort(),
      resources: asList(statement.Resource).map(flat).sort(),
      ...(statement.Condition !== undefined && { condition: statement.Condition }),
    }));
}

/** The statement with this Sid, or a test failure naming the ones present. */
export function statementWithSid(statements: readonly FlatStatement[], sid: string): FlatStatement {
  const found = statements.find((statement) => statement.sid === sid);
  if (!found) throw new Error(`no statement ${sid}; present: ${statements.map((s) => s.sid ?? '(no sid)').join(', ')}`);
  return found;
}

/** The single logical id of a resource type whose id starts with `prefix`. */
export function logicalId(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

/** The properties of the single resource of `type` whose logical id starts with `prefix`. */
export function propertiesOf(template: Template, type: string, prefix: string): Record<string, unknown> {
  const id = logicalId(template, type, prefix);
  return (template.findResources(type)[id] as { Properties: Record<string, unknown> }).Properties;
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
