/**
 * The workload views, in the order their observations are made. A new view is one folder under
 * `views/` and one line here; the live client's resource list, the call counter's operation names,
 * the live snapshot's kept objects and the baseline's "never observable" warning all follow.
 */
import { autoscalerView } from './autoscaler/autoscaler-view.js';
import { disruptionBudgetView } from './disruption-budget/disruption-budget-view.js';
import { envView } from './env/env-view.js';
import { imageView } from './image/image-view.js';
import { shapeView } from './shape/shape-view.js';
import { podsView } from './pods/pods-view.js';
import { WORKLOAD_RESOURCE_TYPES } from './workload-resources.js';
import type { RevertTargetKind } from '../../revert-target-kind.js';
import type { KubeResourceType, ObservableKey, WorkloadView } from './workload-view.js';

/** Every registered view. */
export const WORKLOAD_VIEWS: readonly WorkloadView[] = [envView, imageView, shapeView, autoscalerView, disruptionBudgetView, podsView];

/** The resource types a live read lists: the workloads, then what the views need, each once. */
export const KUBE_RESOURCE_TYPES: readonly KubeResourceType[] = uniqueByPlural([
  ...WORKLOAD_RESOURCE_TYPES,
  ...WORKLOAD_VIEWS.flatMap((view) => view.resources),
]);

/** The revert target kinds of every view's targets: the EKS kind (and Kubernetes snapshot files) address them. */
export const WORKLOAD_REVERT_TARGETS: readonly RevertTargetKind[] = WORKLOAD_VIEWS.flatMap((view) => view.revertTargets);

/** Every key pattern some view can observe. */
export const OBSERVABLE_KEYS: readonly ObservableKey[] = WORKLOAD_VIEWS.flatMap((view) => view.keys);

function uniqueByPlural(types: readonly KubeResourceType[]): KubeResourceType[] {
  const byPlural = new Map<string, KubeResourceType>();
  for (const type of types) {
    const seen = byPlural.get(type.plural);
    // Two views naming one plural must mean the same resource, or one of them reads the wrong API.
    if (seen !== undefined && (seen.base !== type.base || seen.kind !== type.kind)) {
      throw new Error(`workload views disagree on resource ${type.plural}: ${seen.base} ${seen.kind} vs ${type.base} ${type.kind}`);
    }
    if (seen === undefined) byPlural.set(type.plural, type);
  }
  return [...byPlural.values()];
}
