import type { EksSourceSpec, SourceLayer } from '../../engine/model.js';

/** Layers an EKS source can yield: container env, ConfigMap keys, secretKeyRefs (by name only), workload shape. */
export const EKS_LAYERS: readonly SourceLayer[] = ['env', 'configmap', 'secret', 'workload'];

/** Stable source id, as `SourceStatus.id` documents it: `eks:prod-eu/api` (namespaces joined by `,`). */
export function eksSourceId(spec: Pick<EksSourceSpec, 'cluster' | 'namespaces'>): string {
  return `eks:${spec.cluster}/${spec.namespaces.join(',')}`;
}
