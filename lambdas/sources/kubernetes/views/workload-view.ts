/**
 * The contract every workload view fills: what is read of one selected Kubernetes workload (env,
 * image, shape, autoscaler, disruption budget, pods...).
 *
 * A view names the API resources it needs (so the live client lists the union, the call counter names
 * each list, and a live snapshot keeps what it used), observes one workload at a time, says which
 * logical keys it can ever observe (so a baseline key no view can observe is a validation warning);
 * the revert builders of the targets its observations point at live in its folder (`*-revert.ts`,
 * pure, so the engine's revert fixes dispatch to them). A new view is one folder under
 * `views/` plus one line in `views/registry.ts`; nothing outside its folder branches on its name.
 *
 * Pure: no SDK, no I/O; the live EKS source and the snapshot-file source feed it the same objects.
 */
import type { ImageObservation, Observation, Provenance, SourceLayer } from '../../../engine/model.js';
import type { KubernetesObservationOptions } from '../kubernetes-observation-options.js';
import type { FieldPathStep } from '../managed-fields.js';
import type { RevertTargetKind } from '../../revert-target-kind.js';

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

/** A logical key a view can observe: a pattern, and valid keys offered as the nearest one to a typo. */
export interface ObservableKey {
  readonly pattern: RegExp;
  /** Valid keys matching `pattern`, as documented (every one when the pattern is finite): `k8s:resources.limits.memory`. */
  readonly examples: readonly string[];
}

/** One workload view: see the module comment. */
export interface WorkloadView {
  /** `env`, `image`, `shape`...: names its folder and its payload. */
  readonly name: string;
  /** Resource types it reads besides the workloads themselves. */
  readonly resources: readonly KubeResourceType[];
  /** Keys its observations can have; empty when it observes no keys (images). */
  readonly keys: readonly ObservableKey[];
  /** Revert target kinds of the places its observations point at (`kubectl scale`, `kubectl patch hpa`...); none when it has none. */
  readonly revertTargets: readonly RevertTargetKind[];
  start(scope: ViewScope): WorkloadViewRun;
}
