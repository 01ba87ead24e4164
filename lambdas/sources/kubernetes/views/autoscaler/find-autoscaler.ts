import { asRecord, asString } from '../../unknown-shape.js';
import type { KubeRecord, SelectedWorkload, ViewScope } from '../workload-view.js';

/** The workloads an HPA can own the replica count of (kinds with `spec.replicas`). */
export const SCALABLE_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet']);

/**
 * The HorizontalPodAutoscaler that targets a workload: `spec.scaleTargetRef` names its kind and name,
 * in the HPA's own namespace (a CrossVersionObjectReference has no namespace). The first by name when
 * several do (Kubernetes reports that as AmbiguousSelector and scales by none: a warning here).
 */
export function findAutoscaler(scope: ViewScope, workload: SelectedWorkload): KubeRecord | undefined {
  const { object } = workload;
  const targeting = scope.objects
    .filter((candidate) => {
      if (candidate.kind !== 'HorizontalPodAutoscaler' || candidate.namespace !== object.namespace) return false;
      const target = asRecord(asRecord(candidate.raw['spec'])?.['scaleTargetRef']);
      return asString(target?.['kind']) === object.kind && asString(target?.['name']) === object.name;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (targeting.length > 1) {
    scope.warn(
      `${workload.ref} in namespace ${object.namespace} is targeted by ${targeting.length} horizontalpodautoscalers (${targeting.map((hpa) => hpa.name).join(', ')}); observed ${targeting[0]?.name}`,
    );
  }
  return targeting[0];
}
