import type { EksSourceSpec } from '../../engine/model.js';
import { NOT_READ_CODE, type ChangeReader } from '../change-reader.js';
import { EKS_LAYERS, eksSourceId } from './eks-source-id.js';

/**
 * Plural API resources whose writes change what a declared cluster source observes, by the singular
 * kind its `workloads` filter names (`deployment/api-server`). ConfigMaps feed workloads through env
 * and volumes, so a write to any ConfigMap of a declared namespace touches the source.
 */
export const WATCHED_WORKLOAD_RESOURCES: Readonly<Record<string, string>> = {
  deployments: 'deployment',
  statefulsets: 'statefulset',
  daemonsets: 'daemonset',
  cronjobs: 'cronjob',
};
export const WATCHED_CONFIG_RESOURCES = ['configmaps'] as const;

/**
 * Change events for EKS sources, from the cluster's control-plane audit log: a write to a declared
 * workload (or any ConfigMap) in a declared namespace of the cluster touches the source. The live
 * state keeps no Kubernetes object (they may hold secrets), so there is neither a targeted read nor a
 * replay: a touched cluster source is re-read whole (one list per resource type and namespace).
 */
export const eksChangeReader: ChangeReader<EksSourceSpec> = {
  touches(spec, environment, change) {
    if (change.origin !== 'kubernetes-audit' || change.cluster !== spec.cluster) return undefined;
    const region = spec.region ?? environment.region;
    if (change.region !== undefined && region !== undefined && change.region !== region) return undefined;
    if (change.account !== undefined && environment.account !== undefined && change.account !== environment.account) return undefined;
    if (!spec.namespaces.includes(change.namespace)) return undefined;
    const item = `${change.resource}/${change.namespace}/${change.name}`;
    if ((WATCHED_CONFIG_RESOURCES as readonly string[]).includes(change.resource)) return item;
    const singular = WATCHED_WORKLOAD_RESOURCES[change.resource];
    if (singular === undefined) return undefined;
    const declared =
      spec.workloads.length === 0 ||
      spec.workloads.some((workload) => workload === `${singular}/${change.name}` || workload.startsWith(`${singular}/${change.name}/`));
    return declared ? item : undefined;
  },
  planTargeted: () => undefined,
  replay(spec, { environment }) {
    const message = `cluster ${spec.cluster} of ${environment.name} was not read by this change-driven run (its objects are never kept between runs)`;
    const status = { id: eksSourceId(spec), kind: 'eks', layers: EKS_LAYERS, status: 'error', itemCount: 0, error: { code: NOT_READ_CODE, message } } as const;
    return { result: { observations: [], images: [], status } };
  },
};
