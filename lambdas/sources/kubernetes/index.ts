/** Kubernetes objects to observations: shared by the live EKS source and the snapshot-file source. */
export { findFieldManager, type FieldManagerChange, type FieldPathStep } from './managed-fields.js';
export { parseImageReference, type ImageReference } from './parse-image-reference.js';
export {
  kubernetesObjectsToObservations,
  type KubernetesObservationOptions,
  type KubernetesObservations,
} from './workload-observations.js';
export { WorkloadNotFoundError } from './workload-not-found-error.js';
