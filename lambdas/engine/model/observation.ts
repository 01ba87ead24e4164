/**
 * The observation vocabulary: what a source read, where it came from, and how a revert addresses it.
 */
import type { SecretFormat } from '../secrets/secret-format.js';
import type { SourceLayer } from './baseline.js';

/** Where an observed value came from and what is known of its last change. */
export interface Provenance {
  readonly source: 'ssm' | 'kubernetes' | 'dotenv' | 'app-config';
  readonly layer: SourceLayer;
  /** Parameter ARN or name, `deployment/api container app`, `configmap/api-config`, or a file path. */
  readonly location: string;
  /** The snapshot file the value was read from, when it came from one. */
  readonly file?: string;
  readonly version?: string;
  /** ISO 8601. */
  readonly changedAt?: string;
  /** SSM LastModifiedUser, or the Kubernetes managedFields manager. */
  readonly changedBy?: string;
  /** Set by the engine: the change was made outside the pipeline (kubectl-set, console, ...). */
  readonly outOfBand?: boolean;
  readonly region?: string;
  readonly account?: string;
  /** EKS cluster name, for Kubernetes observations read from (or exported from) a declared cluster. */
  readonly cluster?: string;
  /** What a revert needs to address the value. */
  readonly target?: RevertTarget;
}

/** Enough to build the command that puts a value back. */
export type RevertTarget =
  | { readonly kind: 'ssm-parameter'; readonly name: string; readonly type: 'String' | 'StringList' | 'SecureString' }
  | {
      readonly kind: 'workload-env';
      readonly namespace: string;
      readonly workload: string; // `deployment/api-server`
      readonly container: string;
      readonly variable: string;
    }
  | { readonly kind: 'configmap-key'; readonly namespace: string; readonly configMap: string; readonly dataKey: string }
  | { readonly kind: 'file-key'; readonly file: string; readonly path: string }
  /** `spec.replicas` of a Deployment or StatefulSet (`kubectl scale`). */
  | { readonly kind: 'workload-replicas'; readonly namespace: string; readonly workload: string }
  /** One container resource request or limit (`kubectl set resources`). */
  | {
      readonly kind: 'container-resources';
      readonly namespace: string;
      readonly workload: string;
      readonly container: string;
      readonly bound: 'requests' | 'limits';
      readonly resource: string;
    }
  /** One field of a container probe (`kubectl patch`, strategic merge by container name). */
  | {
      readonly kind: 'container-probe';
      readonly namespace: string;
      readonly workload: string;
      readonly container: string;
      readonly list: 'containers' | 'initContainers';
      readonly probe: 'livenessProbe' | 'readinessProbe' | 'startupProbe';
      /** Dotted path under the probe: `periodSeconds`, `httpGet.path`. */
      readonly field: string;
    }
  /** A field of the HorizontalPodAutoscaler targeting a workload; `hpa` absent: there is none. */
  | { readonly kind: 'hpa'; readonly namespace: string; readonly workload: string; readonly hpa?: string; readonly field: string }
  /** A field of the PodDisruptionBudget selecting a workload's pods; `pdb` absent: there is none. */
  | { readonly kind: 'pdb'; readonly namespace: string; readonly workload: string; readonly pdb?: string; readonly field: string };

/** A value as observed. Secret values are never held: only the fact they exist. */
export type ObservedValue =
  | { readonly kind: 'plain'; readonly value: string }
  | {
      readonly kind: 'secret';
      readonly ref?: string;
      /**
       * Keyed fingerprint of the value (`<key id>.<digest>`, see `fingerprintSecret`), when the value
       * was seen and withheld because of its shape: two environments holding the same secret compare
       * equal, a different one differs, and the value cannot be recovered. Never leaves the process in
       * a finding; absent for values never read (SecureString, secretKeyRef).
       */
      readonly fingerprint?: string;
      /** Why a plain value was withheld: the secret shape it has. Absent for secrets by source or name. */
      readonly detected?: SecretFormat;
    };

/** One source's value for one key in one environment. */
export interface Observation {
  readonly key: string;
  /**
   * The application that reads it: a Kubernetes container (`cartservice`, or `api-server/pgbouncer`
   * for a workload's other containers), an SSM tree or a file's declared application. Keys of
   * different applications are different keys.
   */
  readonly application?: string;
  /**
   * Set when the process never sees this value because a rule of the platform gives it another one
   * (Kubernetes: an `env` entry beats `envFrom`; a later `envFrom` source beats an earlier one). The
   * text names the rule; such an observation never wins, whatever the declared precedence.
   */
  readonly overriddenBy?: string;
  /**
   * How the value compares when no setting declares a type: `quantity` (Kubernetes resource.Quantity,
   * by value: `2Gi` == `2048Mi`). A declared `type` wins.
   */
  readonly comparison?: 'quantity';
  readonly value: ObservedValue;
  readonly provenance: Provenance;
}

/** A container image seen in a workload. */
export interface ImageObservation {
  /** `deployment/api-server` */
  readonly workload: string;
  readonly namespace: string;
  readonly container: string;
  /** The application the container is (see `Observation.application`). */
  readonly application?: string;
  /** The full reference as written: `registry/app:1.2.3@sha256:...` */
  readonly image: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
  readonly provenance: Provenance;
}

/**
 * What feeds one environment variable of a pod's container at container start. The kubelet resolves
 * env (`env`, `envFrom`) once, when the container starts, and never refreshes it: a later change of
 * the ConfigMap key or of the SSM parameter behind a synced Secret reaches the process only through a
 * restart. A mounted ConfigMap volume is refreshed by the kubelet, so it feeds nothing here, except a
 * `subPath` mount, which is a copy taken at start.
 */
export type PodEnvFeed =
  | {
      readonly kind: 'configmap';
      readonly container: string;
      /** The env var it sets, or the file a `subPath` mount places (`/etc/app/app.yaml`). */
      readonly variable: string;
      readonly configMap: string;
      readonly dataKey: string;
      /** ISO 8601: the container's last start, when its status says. */
      readonly startedAt?: string;
      /** managedFields time of the manager owning `data.<dataKey>` (when that manager last wrote the object). */
      readonly changedAt?: string;
      readonly changedBy?: string;
    }
  | {
      readonly kind: 'ssm';
      readonly container: string;
      readonly variable: string;
      /** The parameter name, as the syncing controller asks for it (`/production-eu/api/DB_PASSWORD`). */
      readonly parameter: string;
      /** The Secret the env reads (`secret/db#password`): its value is never read. */
      readonly secret: string;
      /** What syncs the parameter into that Secret: `externalsecret/db` or `secretproviderclass/db`. */
      readonly via: string;
      /** ISO 8601: the container's last start, when its status says. */
      readonly startedAt?: string;
    }
  | {
      /**
       * A `secretKeyRef` to a Secret no visible controller syncs: what fills it is unknown here, unless
       * the baseline declares the variable `fed_from` an SSM parameter.
       */
      readonly kind: 'secret';
      readonly container: string;
      readonly variable: string;
      /** The Secret key the env reads (`secret/db#password`): its value is never read. */
      readonly secret: string;
      /** ISO 8601: the container's last start, when its status says. */
      readonly startedAt?: string;
    };

/**
 * Whether a pod runs its workload's current pod template, worked out as the workload's controller
 * does: a Deployment's pod by its `pod-template-hash` label against the ReplicaSet of the
 * Deployment's current revision; a StatefulSet's by `controller-revision-hash` against
 * `status.updateRevision`; a DaemonSet's by `controller-revision-hash` or `pod-template-generation`.
 */
export interface PodTemplateState {
  /** Undefined when it cannot be told (the ReplicaSets were not read, a label is missing). */
  readonly current?: boolean;
  /** The pod's revision id as labelled: `pod-template-hash=5d4f8c`. */
  readonly podRevision?: string;
  /** The workload's current one: `pod-template-hash=7c9d2b (replicaset api-7c9d2b, revision 4)`. */
  readonly workloadRevision?: string;
  /**
   * The workload's rollout: `in-progress` (the controller has not observed the spec yet, or is
   * replacing pods: a Deployment's Progressing condition ReplicaSetUpdated/NewReplicaSetCreated/
   * FoundNewReplicaSet), `stalled` (ProgressDeadlineExceeded), `complete`, or undefined when unknown.
   */
  readonly rollout?: 'in-progress' | 'stalled' | 'complete';
}

/** One running pod of an audited workload: what its containers started with. Plain data, never the whole Pod. */
export interface PodObservation {
  readonly name: string;
  readonly namespace: string;
  /** The workload that owns it: `deployment/api-server`. */
  readonly workload: string;
  /** The application of the workload's default container (see `Observation.application`). */
  readonly application?: string;
  /** ISO 8601: the containers' last start (latest `state.running.startedAt`), else `status.startTime`. */
  readonly startedAt?: string;
  readonly template: PodTemplateState;
  /** What its env was read from at container start, sorted by container, variable. */
  readonly feeds: readonly PodEnvFeed[];
  readonly cluster?: string;
  readonly region?: string;
  readonly account?: string;
  /** The snapshot file the pod was read from, when offline. */
  readonly file?: string;
}

/** The outcome of reading one declared source. */
export interface SourceStatus {
  /** Stable id: `ssm:eu-west-1:/production-eu/api/`, `eks:prod-eu/api`, `file:production-eu/ssm.json`. */
  readonly id: string;
  /** The name of the registered source kind read (`ssm`, `eks`, `file`: see `lambdas/sources/registry.ts`). */
  readonly kind: string;
  readonly layers: readonly SourceLayer[];
  readonly status: 'ok' | 'error';
  readonly itemCount: number;
  /** Present when status is `error`; never contains a secret value. */
  readonly error?: { readonly code: string; readonly message: string };
  /**
   * Problems that did not stop the read (a referenced ConfigMap absent, an envFrom Secret whose keys
   * cannot be known), sorted; never contains a secret value.
   */
  readonly warnings?: readonly string[];
}

/** Everything read for one environment. */
export interface Snapshot {
  readonly environment: string;
  /** ISO 8601 time the snapshot was taken. */
  readonly takenAt?: string;
  readonly observations: readonly Observation[];
  readonly images: readonly ImageObservation[];
  readonly sources: readonly SourceStatus[];
  /** Running pods of the audited workloads; absent when pods were not read. */
  readonly pods?: readonly PodObservation[];
}
