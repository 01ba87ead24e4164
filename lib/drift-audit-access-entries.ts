import { Annotations, Aws, CfnCondition, Fn, Stack, Token, type ICfnConditionExpression } from 'aws-cdk-lib';
import { CfnAccessEntry } from 'aws-cdk-lib/aws-eks';
import { Construct } from 'constructs';
import { EKS_VIEW_POLICY } from '../lambdas/sources/eks/eks-read-access.js';
import type { ClusterReadScope } from './audit-scope.js';

/** The EKS access policy that reads workloads and ConfigMaps but not Secrets (the EKS kind's `eksAccessPolicy`). */
export const EKS_VIEW_POLICY_NAME = EKS_VIEW_POLICY;

/** Properties of {@link DriftAuditAccessEntries}. */
export interface DriftAuditAccessEntriesProps {
  /** The IAM role that reads the clusters' Kubernetes APIs. */
  readonly principalArn: string;
  /** Clusters to grant, with their namespaces. Entries in another account or region are skipped. */
  readonly clusters: readonly ClusterReadScope[];
}

/**
 * EKS access entries giving a role `AmazonEKSViewPolicy` on the declared namespaces only.
 *
 * An access entry is a resource of the cluster's own account and region, so only clusters there can be
 * granted from this stack; the others are skipped with a synth warning and need the same entry made
 * from a stack in their account and region (`DriftAuditReadRole` does this in member accounts). When
 * the stack's account or region is not known at synth time, each entry gets a CloudFormation condition
 * so it is created only where the cluster lives. The clusters must use the `API` or
 * `API_AND_CONFIG_MAP` authentication mode, and must not already have an entry for this principal.
 */
export class DriftAuditAccessEntries extends Construct {
  /** The entries created, one per cluster in this stack's account and region. */
  readonly entries: readonly CfnAccessEntry[];
  /** Clusters that could not be granted from this stack. */
  readonly skipped: readonly ClusterReadScope[];

  constructor(scope: Construct, id: string, props: DriftAuditAccessEntriesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const entries: CfnAccessEntry[] = [];
    const skipped: ClusterReadScope[] = [];

    for (const cluster of props.clusters) {
      const placement = placeInStack(stack, cluster);
      if (placement === 'elsewhere') {
        skipped.push(cluster);
        continue;
      }
      const entry = new CfnAccessEntry(this, constructIdFor(cluster), {
        clusterName: cluster.name,
        principalArn: props.principalArn,
        type: 'STANDARD',
        accessPolicies: [
          {
            policyArn: `arn:${Aws.PARTITION}:eks::aws:cluster-access-policy/${EKS_VIEW_POLICY_NAME}`,
            accessScope: { type: 'namespace', namespaces: [...cluster.namespaces] },
          },
        ],
      });
      if (placement !== 'here') {
        entry.cfnOptions.condition = new CfnCondition(this, `${constructIdFor(cluster)}InPlace`, {
          expression: placement,
        });
      }
      entries.push(entry);
    }

    if (skipped.length > 0) {
      Annotations.of(this).addWarningV2(
        'drift-audit:access-entry-elsewhere',
        `no EKS access entry created for ${skipped.map(describe).join(', ')}: access entries belong to the ` +
          `cluster's account and region; create one there for ${props.principalArn} with ${EKS_VIEW_POLICY_NAME} ` +
          'scoped to the declared namespaces',
      );
    }
    this.entries = entries;
    this.skipped = skipped;
  }
}

/** `here`, `elsewhere`, or the condition under which the cluster is in the deployed account and region. */
function placeInStack(stack: Stack, cluster: ClusterReadScope): 'here' | 'elsewhere' | ICfnConditionExpression {
  const checks: ICfnConditionExpression[] = [];
  for (const [wanted, actual, pseudo] of [
    [cluster.account, stack.account, Aws.ACCOUNT_ID],
    [cluster.region, stack.region, Aws.REGION],
  ] as const) {
    if (wanted === undefined) continue;
    if (Token.isUnresolved(actual)) checks.push(Fn.conditionEquals(pseudo, wanted));
    else if (actual !== wanted) return 'elsewhere';
  }
  const [first, second] = checks;
  if (first === undefined) return 'here';
  return second ? Fn.conditionAnd(first, second) : first;
}

function constructIdFor(cluster: ClusterReadScope): string {
  return ['AccessEntry', cluster.account, cluster.region, cluster.name]
    .filter((part): part is string => part !== undefined)
    .map((part) => part.replace(/\//g, '_'))
    .join('-');
}

function describe(cluster: ClusterReadScope): string {
  return `${cluster.name} (${cluster.account ?? 'this account'}, ${cluster.region ?? 'this region'})`;
}
