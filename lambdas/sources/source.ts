import type { ImageObservation, Observation, PodObservation, SourceStatus } from '../engine/model.js';

/** What one source yields. A source never throws for a read failure: it reports `status.status: 'error'`. */
export interface SourceReadResult {
  readonly observations: readonly Observation[];
  readonly images: readonly ImageObservation[];
  /** Running pods of the audited workloads, from sources that read them (Kubernetes). */
  readonly pods?: readonly PodObservation[];
  readonly status: SourceStatus;
}

/**
 * One declared place configuration is read from (an SSM tree, an EKS namespace set, a snapshot file).
 * Implementations turn every read failure into an error status so one broken source never hides the others.
 */
export interface Source {
  /** Same as the `status.id` it reports. */
  readonly id: string;
  read(signal?: AbortSignal): Promise<SourceReadResult>;
}
