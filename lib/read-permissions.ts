import { Stack, Token } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import type { AuditScope, ClusterReadScope, SsmReadScope } from './audit-scope.js';

/**
 * Why `ssm:DescribeParameters` is granted on `*`: the action supports no resource-level permission
 * (the Service Authorization Reference lists no resource type for it, and AWS's own Parameter Store
 * access guide grants it on "*"). It returns metadata only (names, versions, LastModifiedUser), never
 * values; the reader filters by path itself.
 */
export const DESCRIBE_PARAMETERS_REASON =
  'ssm:DescribeParameters has no resource-level permissions (no resource type in the Service Authorization ' +
  'Reference), so it needs Resource "*"; it returns parameter metadata (name, version, LastModifiedUser), never values.';

/** Statement ids of the read permissions, stable so tests and reviewers can find each one. */
export const READ_STATEMENT_SIDS = {
  parameterTrees: 'ReadDeclaredParameterTrees',
  describeParameters: 'DescribeParameterMetadata',
  clusters: 'DescribeDeclaredClusters',
  assumeRoles: 'AssumeDeclaredReadRoles',
} as const;

/** Read statements for a scope, grouped by what they excuse in cdk-nag. */
export interface ReadStatements {
  /** GetParametersByPath + GetParameters on the declared trees; `path/*` wildcards by nature. */
  readonly parameterTrees?: PolicyStatement;
  /** DescribeParameters on `*` (see DESCRIBE_PARAMETERS_REASON). */
  readonly describeParameters?: PolicyStatement;
  /** eks:DescribeCluster on the declared clusters. */
  readonly clusters?: PolicyStatement;
  /** sts:AssumeRole on the declared read roles. */
  readonly assumeRoles?: PolicyStatement;
}

/**
 * Builds least-privilege read statements for a scope: SSM reads only on the declared path ARNs in the
 * declared regions and accounts, eks:DescribeCluster only on declared clusters, sts:AssumeRole only on
 * declared roles. No `kms:Decrypt`: SecureString values are never decrypted, so none is needed.
 * Absent region/account mean the stack's own.
 */
export function readStatements(scope: IConstruct, auditScope: AuditScope): ReadStatements {
  const stack = Stack.of(scope);
  const parameterArns = unique(auditScope.ssm.flatMap((entry) => parameterTreeArns(stack, entry)));
  const clusterArns = unique(auditScope.clusters.map((entry) => clusterArn(stack, entry)));
  return {
    ...(parameterArns.length > 0 && {
      parameterTrees: new PolicyStatement({
        sid: READ_STATEMENT_SIDS.parameterTrees,
        effect: Effect.ALLOW,
        actions: ['ssm:GetParametersByPath', 'ssm:GetParameters'],
        resources: parameterArns,
      }),
      describeParameters: new PolicyStatement({
        sid: READ_STATEMENT_SIDS.describeParameters,
        effect: Effect.ALLOW,
        actions: ['ssm:DescribeParameters'],
        resources: ['*'],
      }),
    }),
    ...(clusterArns.length > 0 && {
      clusters: new PolicyStatement({
        sid: READ_STATEMENT_SIDS.clusters,
        effect: Effect.ALLOW,
        actions: ['eks:DescribeCluster'],
        resources: clusterArns,
      }),
    }),
    ...(auditScope.roleArns.length > 0 && {
      assumeRoles: new PolicyStatement({
        sid: READ_STATEMENT_SIDS.assumeRoles,
        effect: Effect.ALLOW,
        actions: ['sts:AssumeRole'],
        resources: [...auditScope.roleArns],
      }),
    }),
  };
}

/**
 * The ARNs a path tree needs: GetParametersByPath is authorised against the requested path itself
 * (`parameter/prod/api`), GetParameters against each parameter (`parameter/prod/api/*`). Granting
 * `parameter/prod/api*` instead would also open `/prod/api-admin/`.
 */
export function parameterTreeArns(stack: Stack, entry: Pick<SsmReadScope, 'path' | 'region' | 'account'>): string[] {
  const prefix = `arn:${stack.partition}:ssm:${entry.region ?? stack.region}:${entry.account ?? stack.account}:parameter`;
  const trimmed = entry.path.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? [`${prefix}/*`] : [`${prefix}/${trimmed}`, `${prefix}/${trimmed}/*`];
}

/** The ARN of a declared cluster. */
export function clusterArn(stack: Stack, entry: Pick<ClusterReadScope, 'name' | 'region' | 'account'>): string {
  return `arn:${stack.partition}:eks:${entry.region ?? stack.region}:${entry.account ?? stack.account}:cluster/${entry.name}`;
}

/**
 * Entries of a scope that name a concrete account other than the stack's concrete account and are
 * read without a role: identity policies cannot reach another account's SSM or EKS, so these would
 * fail at run time. Empty when the stack's account is not known at synth time.
 */
export function unreachableEntries(stack: Stack, auditScope: AuditScope): (SsmReadScope | ClusterReadScope)[] {
  if (Token.isUnresolved(stack.account)) return [];
  return [...auditScope.ssm, ...auditScope.clusters].filter(
    (entry) => entry.roleArn === undefined && entry.account !== undefined && entry.account !== stack.account,
  );
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
