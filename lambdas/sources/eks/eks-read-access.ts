import type { EksSourceSpec } from '../../engine/model.js';
import type { IamPlacement, ReadAccess } from '../source-kind.js';

/** Statement id of the EKS read permission. */
export const EKS_STATEMENT_SIDS = { clusters: 'DescribeDeclaredClusters' } as const;

/** The EKS access policy that reads workloads and ConfigMaps but not Secrets. */
export const EKS_VIEW_POLICY = 'AmazonEKSViewPolicy';

/** The ARN of a declared cluster. */
export function clusterResourceArn(placement: IamPlacement, entry: { readonly name: string; readonly region?: string; readonly account?: string }): string {
  return `arn:${placement.partition}:eks:${entry.region ?? placement.region}:${entry.account ?? placement.account}:cluster/${entry.name}`;
}

/**
 * EKS clusters: eks:DescribeCluster on the declared clusters only (endpoint and CA), and
 * `AmazonEKSViewPolicy` on the declared namespaces through an access entry.
 */
export const eksReadAccess: ReadAccess<EksSourceSpec> = {
  scopePart: 'clusters',
  scopeEntry(spec, { environment, account, roleArn }) {
    const region = spec.region ?? environment.region;
    return {
      fields: { name: spec.cluster, region, account, roleArn },
      sortKey: [account, region, roleArn, spec.cluster],
      lists: { namespaces: spec.namespaces },
    };
  },
  statements(entries, placement) {
    // This kind's own scope entries: the fields scopeEntry gave them.
    const clusters = entries as readonly { name: string; region?: string; account?: string }[];
    const arns = [...new Set(clusters.map((entry) => clusterResourceArn(placement, entry)))];
    return arns.length === 0 ? [] : [{ name: 'clusters', sid: EKS_STATEMENT_SIDS.clusters, actions: ['eks:DescribeCluster'], resources: arns }];
  },
  eksAccessPolicy: EKS_VIEW_POLICY,
};
