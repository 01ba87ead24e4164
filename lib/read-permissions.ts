import { Stack, Token } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { clusterResourceArn, EKS_STATEMENT_SIDS } from '../lambdas/sources/eks/eks-read-access.js';
import { sourceKinds } from '../lambdas/sources/registry.js';
import type { IamPlacement } from '../lambdas/sources/source-kind.js';
import { parameterTreeResourceArns, SSM_STATEMENT_SIDS } from '../lambdas/sources/ssm/ssm-read-access.js';
import { scopeEntries, type AuditScope, type ClusterReadScope, type SsmReadScope } from './audit-scope.js';

/**
 * Why `ssm:DescribeParameters` is granted on `*`: the action supports no resource-level permission
 * (the Service Authorization Reference lists no resource type for it, and AWS's own Parameter Store
 * access guide grants it on "*"). It returns metadata only (names, versions, LastModifiedUser), never
 * values; the reader filters by path itself.
 */
export const DESCRIBE_PARAMETERS_REASON =
  'ssm:DescribeParameters has no resource-level permissions (no resource type in the Service Authorization ' +
  'Reference), so it needs Resource "*"; it returns parameter metadata (name, version, LastModifiedUser), never values.';

/**
 * Statement ids of the read permissions, stable so tests and reviewers can find each one: the kinds'
 * own (see each kind's read access) and the role assumption this stack adds.
 */
export const READ_STATEMENT_SIDS = {
  ...SSM_STATEMENT_SIDS,
  ...EKS_STATEMENT_SIDS,
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
  /** Any other kind's statements, by their `IamStatementJson.name`. */
  readonly [name: string]: PolicyStatement | undefined;
}

/**
 * Builds least-privilege read statements for a scope: SSM reads only on the declared path ARNs in the
 * declared regions and accounts, eks:DescribeCluster only on declared clusters, sts:AssumeRole only on
 * declared roles. No `kms:Decrypt`: SecureString values are never decrypted, so none is needed.
 * Absent region/account mean the stack's own.
 */
export function readStatements(scope: IConstruct, auditScope: AuditScope): ReadStatements {
  const stack = Stack.of(scope);
  const statements: Record<string, PolicyStatement> = {};
  for (const kind of sourceKinds.all) {
    const access = kind.readAccess;
    const entries = access === undefined ? undefined : (auditScope[access.scopePart] as readonly Readonly<Record<string, unknown>>[] | undefined);
    if (access === undefined || entries === undefined) continue;
    for (const statement of access.statements(entries, placementOf(stack))) {
      statements[statement.name] = new PolicyStatement({
        sid: statement.sid,
        effect: Effect.ALLOW,
        actions: [...statement.actions],
        resources: [...statement.resources],
      });
    }
  }
  if (auditScope.roleArns.length > 0) {
    statements['assumeRoles'] = new PolicyStatement({
      sid: READ_STATEMENT_SIDS.assumeRoles,
      effect: Effect.ALLOW,
      actions: ['sts:AssumeRole'],
      resources: [...auditScope.roleArns],
    });
  }
  return statements;
}

/**
 * The ARNs a path tree needs: GetParametersByPath is authorised against the requested path itself
 * (`parameter/prod/api`), GetParameters against each parameter (`parameter/prod/api/*`). Granting
 * `parameter/prod/api*` instead would also open `/prod/api-admin/`.
 */
export function parameterTreeArns(stack: Stack, entry: Pick<SsmReadScope, 'path' | 'region' | 'account'>): string[] {
  return parameterTreeResourceArns(placementOf(stack), entry);
}

/** The ARN of a declared cluster. */
export function clusterArn(stack: Stack, entry: Pick<ClusterReadScope, 'name' | 'region' | 'account'>): string {
  return clusterResourceArn(placementOf(stack), entry);
}

/** The stack's partition, region and account (tokens when not known at synth time) for the kinds' ARNs. */
function placementOf(stack: Stack): IamPlacement {
  return { partition: stack.partition, region: stack.region, account: stack.account };
}

/**
 * Entries of a scope that name a concrete account other than the stack's concrete account and are
 * read without a role: identity policies cannot reach another account's SSM or EKS, so these would
 * fail at run time. Empty when the stack's account is not known at synth time.
 */
export function unreachableEntries(stack: Stack, auditScope: AuditScope): (SsmReadScope | ClusterReadScope)[] {
  if (Token.isUnresolved(stack.account)) return [];
  return scopeEntries(auditScope).filter((entry) => entry.roleArn === undefined && entry.account !== undefined && entry.account !== stack.account);
}
