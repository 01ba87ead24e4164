/**
 * The contract every workload view fills: what is read of one selected Kubernetes workload (env,
 * image, shape, autoscaler, disruption budget, pods...).
 *
 * A view names the API resources it needs (so the live client lists the union, the call counter names
 * each list, and a live snapshot keeps what it used), observes one workload at a time, says which
 * logical keys it can ever observe (so a baseline key no view can observe is a validation warning) and
 * carries the revert builders of the targets its observations point at. A new view is one folder under
 * `views/` plus one line in `views/registry.ts`; nothing outside its folder branches on its name.
 *
 * Pure: no SDK, no I/O; the live EKS source and the snapshot-file source feed it the same objects.
 */
import type { ImageObservation, Observation, Provenance, RevertTarget, SourceLayer } from '../../../engine/model.js';
import type { KubernetesObservationOptions } from '../kubernetes-observation-options.js';
import type { FieldPathStep } from '../managed-fields.js';

/** One listable Kubernetes resource type, as the API serves it. */
export interface KubeResourceType {
  /** Plural, as in the API path: `deployments`, `horizontalpodautoscalers`. */
  readonly plural: string;
  /** The kind its items have: `Deployment`. */
  readonly kind: string;
  /** `apps/v1`, `autoscaling/v2`, `v1`. */
  readonly apiVersion: string;
  /** API base path: `/apis/apps/v1`, `/api/v1`. */
  readonly base: string;
  /** Operation name for call counting, `<cluster>:k8s.<operation>`: `ListDeployments`. */
  readonly operation: string;
}

/** One Kubernetes object as read, validated just enough to be addressed. */
export interface KubeRecord {
  readonly kind: string;
  readonly name: string;
  /** Resolved: an object without one (a plain manifest) is placed where it would be applied. */
  readonly namespace: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  /** The object as given (identity kept, so a live read can tell which listed objects were used). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** One container of a selected workload, as the views see it. */
export interface SelectedContainer {
  readonly name: string;
  readonly list: 'initContainers' | 'containers';
  readonly spec: Readonly<Record<string, unknown>>;
  /** The container's path in `managedFields`: `f:spec, f:template, f:spec, f:containers, {name}`. */
  readonly fieldPath: readonly FieldPathStep[];
  /**
   * The container runs beside the app for the pod's life: a regular container or a native sidecar (an
   * init container with `restartPolicy: Always`, Kubernetes 1.28+). Other init containers run to
   * completion first: their env is not the app's configuration.
   */
  readonly runs: boolean;
  /** The application the container is (see `Observation.application`). */
  readonly application: string;
}

/** One workload the baseline selected (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod). */
export interface SelectedWorkload {
  readonly object: KubeRecord;
  /** `deployment/api-server`: lower-case kind, as kubectl and the baseline name it. */
  readonly ref: string;
  readonly podSpec: Readonly<Record<string, unknown>>;
  /** Where the pod template lives in the object (`spec.template`, `spec.jobTemplate.spec.template`). */
  readonly templatePath: readonly string[];
  /** The same path in `managedFields` (`f:spec`, `f:template`). */
  readonly templateFields: readonly FieldPathStep[];
  /** The container kubectl treats as the workload's own (annotation, else the first). */
  readonly defaultContainer?: string;
  /** The application of the default container: workload-level keys belong to it. */
  readonly application: string;
  readonly containers: readonly SelectedContainer[];
}

/** Everything a view may look at during one conversion. */
export interface ViewScope {
  readonly options: KubernetesObservationOptions;
  /** Every object of the selected namespaces, workloads and the objects they refer to alike. */
  readonly objects: readonly KubeRecord[];
  /** Collects a problem met on the way (deduplicated and sorted by the driver). */
  warn(message: string): void;
  /** Provenance of a value read from `object` at `fieldPath`, attributed by `managedFields`. */
  provenance(object: KubeRecord, layer: SourceLayer, location: string, fieldPath: readonly FieldPathStep[]): Provenance;
}

/** What a view observed of one workload. */
export interface WorkloadViewOutput {
  readonly observations?: readonly Observation[];
  readonly images?: readonly ImageObservation[];
  /** The other objects it read for the workload (a ConfigMap, an HPA, a PDB): kept in a live snapshot. */
  readonly related?: readonly KubeRecord[];
  /** Open data for views whose result is not an observation (the pods of a workload, say). */
  readonly payload?: readonly unknown[];
}

/** One conversion's state of a view (indexes of ConfigMaps, autoscalers...), built once per input. */
export interface WorkloadViewRun {
  observe(workload: SelectedWorkload): WorkloadViewOutput;
}

/** A logical key a view can observe: a pattern, and an example shown as the nearest valid key. */
export interface ObservableKey {
  readonly pattern: RegExp;
  /** A valid key matching `pattern`, as documented: `k8s:resources.limits.memory`. */
  readonly example: string;
}

/** Builds the revert of one target kind: where it is (for humans) and the command, when a safe one exists. */
export interface RevertBuilder<T extends RevertTarget = RevertTarget> {
  describe(target: T): string;
  /** The command putting `value` back; undefined when none is safe (the fix is then a sentence). */
  command(target: T, value: string): string | undefined;
}

/** One workload view: see the module comment. */
export interface WorkloadView {
  /** `env`, `image`, `shape`...: names its folder and its payload. */
  readonly name: string;
  /** Resource types it reads besides the workloads themselves. */
  readonly resources: readonly KubeResourceType[];
  /** Keys its observations can have; empty when it observes no keys (images). */
  readonly keys: readonly ObservableKey[];
  start(scope: ViewScope): WorkloadViewRun;
}
