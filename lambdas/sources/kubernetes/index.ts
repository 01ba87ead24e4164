/** Kubernetes objects to observations: shared by the live EKS source and the snapshot-file source. */
export { findFieldManager, type FieldManagerChange, type FieldPathStep } from './managed-fields.js';
export { parseImageReference, type ImageReference } from './parse-image-reference.js';
export {
  kubernetesObjectsToObservations,
  type KubernetesObservationOptions,
  type KubernetesObservations,
} from './workload-observations.js';
export { KUBE_RESOURCE_TYPES, OBSERVABLE_KEYS, WORKLOAD_VIEWS } from './views/registry.js';
export type { KubeResourceType, ObservableKey, WorkloadView } from './views/workload-view.js';
export { WorkloadNotFoundError } from './workload-not-found-error.js';
