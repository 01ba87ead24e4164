/**
 * The domain model shared by the engine, the sources, the sinks and the drivers.
 *
 * Everything here is plain data: no classes, no AWS types, JSON-serialisable (Maps aside), so a
 * snapshot written by one driver can be read by another and the engine stays pure.
 */

import type { SecretFormat } from './secrets/secret-format.js';

/** Finding severities, lowest first. The order is used for `--fail-on` and escalation. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
/** How urgently a finding needs a human. */
export type Severity = (typeof SEVERITIES)[number];

/**
 * Where an application reads a value from. The default precedence (lowest first) follows seed 000:
 * config file < environment variable < ConfigMap < Secret < Parameter Store. `workload` holds the
 * Kubernetes workload shape (`k8s:` keys: replicas, resources, autoscaler...), which no other layer
 * ever holds, so its rank never decides a winner; a declared precedence that omits it still sees it.
 */
export const SOURCE_LAYERS = ['file', 'env', 'configmap', 'secret', 'ssm', 'workload'] as const;
/** A configuration layer, as the application sees it. */
export type SourceLayer = (typeof SOURCE_LAYERS)[number];
/**
 * Lowest precedence first; the last layer holding a key wins. `workload` is not listed: it holds only
 * `k8s:` keys, and the engine ranks it above every listed layer wherever a precedence omits it.
 */
export const DEFAULT_PRECEDENCE: readonly SourceLayer[] = ['file', 'env', 'configmap', 'secret', 'ssm'];

/** How source-native names become logical keys. */
export type KeyStyle =
  /** The name relative to the declared prefix, as is: `/prod/api/db/timeout` under `/prod/api/` -> `db/timeout`. */
  | 'relative'
  /** Upper snake case, as environment variables are written: `db/timeout` or `db.timeout` -> `DB_TIMEOUT`. */
  | 'env';

/** Snapshot file formats the file source understands. */
export type FileFormat =
  /** `aws ssm get-parameters-by-path --recursive --output json` */
  | 'ssm-export'
  /** `aws ssm describe-parameters --output json` (metadata only: LastModifiedUser, Version, ...) */
  | 'ssm-describe'
  /** `kubectl get deploy,sts,ds,cronjob,cm -o json` (a List) or YAML manifests (multi-document) */
  | 'kubernetes'
  /** `KEY=value` lines */
  | 'dotenv'
  /** YAML or JSON application config; nested keys are flattened with `.` */
  | 'app-config';

/** One declared place an environment's configuration is read from. */
export type SourceSpec = SsmSourceSpec | EksSourceSpec | FileSourceSpec;

/** An SSM Parameter Store tree. */
export interface SsmSourceSpec {
  readonly kind: 'ssm';
  /** Path prefix, with leading and trailing slash: `/production-eu/api/`. */
  readonly path: string;
  readonly keyStyle: KeyStyle;
  /** Defaults to the environment's region. */
  readonly region?: string;
  /** The application that reads this tree (see {@link ApplicationSpec}); resolved by the parser. */
  readonly application?: string;
}

/** Workloads of an EKS cluster. */
export interface EksSourceSpec {
  readonly kind: 'eks';
  readonly cluster: string;
  readonly namespaces: readonly string[];
  /** `deployment/api-server` style filters; all workloads when empty. */
  readonly workloads: readonly string[];
  /** Defaults to the environment's region. */
  readonly region?: string;
  /** Declared applications by container (`deployment/api-server[/container]` -> name); resolved by the parser. */
  readonly workloadApplications?: Readonly<Record<string, string>>;
}

/** An exported snapshot file (path relative to the snapshot directory given to the driver). */
export interface FileSourceSpec {
  readonly kind: 'file';
  readonly path: string;
  /** Inferred from the name and content when absent. */
  readonly format?: FileFormat;
  readonly keyStyle: KeyStyle;
  /** SSM path prefix the export was taken under (for `ssm-export` key mapping). */
  readonly prefix?: string;
  /** Overrides the layer the format implies (dotenv -> env, app-config -> file, ...). */
  readonly layer?: SourceLayer;
  /** The application that reads this file (SSM exports, dotenv, app config); resolved by the parser. */
  readonly application?: string;
  /** For Kubernetes files: declared applications by container, as {@link EksSourceSpec.workloadApplications}. */
  readonly workloadApplications?: Readonly<Record<string, string>>;
}

/**
 * One application of the estate: the process (or processes) that read a set of keys. Keys are scoped
 * to their application, so two services that both read `PORT` are never compared with each other,
 * shadow each other or share a finding.
 */
export interface ApplicationSpec {
  readonly name: string;
  /**
   * Kubernetes containers that are this application: `deployment/api-server` (its default container)
   * or `deployment/api-server/app` (one container by name).
   */
  readonly workloads: readonly string[];
  /** Settings declared for this application only; they replace a shared setting of the same key. */
  readonly settings: ReadonlyMap<string, SettingSpec>;
  readonly location?: DeclarationLocation;
}

/** A named place configuration lives, such as `production-eu`. */
export interface EnvironmentSpec {
  readonly name: string;
  /** production, staging, ... Expected differences and constraints can be declared per tier. */
  readonly tier: string;
  readonly account?: string;
  readonly region?: string;
  /** Role assumed to read this environment when it lives in another account. */
  readonly roleArn?: string;
  /** Lowest precedence first. */
  readonly precedence: readonly SourceLayer[];
  readonly sources: readonly SourceSpec[];
}

/** Value constraints; all present ones must hold. */
export interface Constraints {
  /** `quantity`: a Kubernetes resource.Quantity (`2Gi` == `2048Mi`, `1000m` == `1`), compared by value. */
  readonly type?: 'string' | 'integer' | 'number' | 'boolean' | 'duration' | 'url' | 'quantity';
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** Regular expression in RE2 syntax (linear-time matching: no lookaround, no backreferences), anchored by the engine (whole value must match). */
  readonly pattern?: string;
}

/** Where something was declared in the baseline: used in errors and by `baseline accept`. */
export interface DeclarationLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The intended state of one logical key. Values are normalised to strings. */
export interface SettingSpec {
  readonly key: string;
  /** Set on a setting declared under `applications.<name>.settings`: it holds for that application only. */
  readonly application?: string;
  /**
   * For a shared setting: the applications it holds for. Absent: every declared application, or (when
   * the baseline declares none) every application that reads the key somewhere.
   */
  readonly applications?: readonly string[];
  /**
   * Declared only in `expected_differences` (seed 001's contract), not under `settings`: it says how
   * environments may differ, so it is judged where an application reads the key, and a key no
   * application reads anywhere is not reported missing everywhere.
   */
  readonly contractOnly?: boolean;
  /** Shared value for every environment without a more specific declaration. */
  readonly value?: string;
  /** Declared expected differences by environment name; `null` means "must be absent here". */
  readonly perEnvironment: Readonly<Record<string, string | null>>;
  /** Declared expected differences by tier; environment entries win over tier entries. */
  readonly perTier: Readonly<Record<string, string | null>>;
  /** Constraints for every environment. */
  readonly constraints: Constraints;
  /** Extra constraints for an environment or a tier (environment entries win). */
  readonly scopedConstraints: Readonly<Record<string, Constraints>>;
  readonly severity?: Severity;
  /** Audited by presence, type and version only; the value is never read, stored or printed. */
  readonly secret: boolean;
  /**
   * The baseline says `secret:` in so many words (either way). An explicit `secret: false` also turns
   * off detection by value shape for the key: its values are compared and shown even when they look
   * secret. Optional so settings built in code need not say it.
   */
  readonly secretDeclared?: boolean;
  /** A `missing` finding is raised when the key is absent. Defaults to true when a value is declared. */
  readonly required: boolean;
  /** Which environments must agree when no value is declared. */
  readonly parity: 'tier' | 'all' | 'none';
  /** The layer the key is expected to live in, when declared. */
  readonly layer?: SourceLayer;
  /** The SSM parameter that feeds the key's env var (`fed_from`), when declared. */
  readonly fedFrom?: FedFrom;
  readonly location?: DeclarationLocation;
  /** Environments whose expected value comes from one of their values files, and where in it. */
  readonly valuesOrigins?: Readonly<Record<string, ValuesOrigin>>;
}

/**
 * `fed_from`: an env var whose value is copied from an SSM parameter (by a deploy step, External
 * Secrets, the CSI driver). The parameter changing while the env var does not is drift.
 */
export interface FedFrom {
  /** A full parameter name (`/production-eu/api/db-url`) or one relative to each environment's SSM tree (`db-url`). */
  readonly ssm: string;
  /** Where `fed_from.ssm` is written, for validation errors. */
  readonly location?: DeclarationLocation;
}

/** Where a values file holds an environment's expected value: `config/production.yaml:12`. */
export interface ValuesOrigin extends DeclarationLocation {
  /** The value's place in the file: YAML/JSON node path, or `[KEY]` in a dotenv file. */
  readonly path: readonly (string | number)[];
  readonly format: 'yaml' | 'json' | 'dotenv' | 'helm';
}

/** A temporary, owned, dated deviation from the baseline. */
export interface ExceptionSpec {
  readonly key: string;
  /** The application the exception is for; every application reading the key when absent. */
  readonly application?: string;
  /** Environment name or tier the exception applies to; every environment when both absent. */
  readonly environment?: string;
  readonly tier?: string;
  /** The deviating value allowed; any value when absent. */
  readonly value?: string;
  readonly owner: string;
  readonly reason: string;
  /** ISO date `YYYY-MM-DD`; the exception holds through the end of that day (UTC). */
  readonly expires: string;
  readonly location?: DeclarationLocation;
}

/** Who counts as "the pipeline" when attributing changes. */
export interface ChangeAttribution {
  /** Kubernetes field managers whose changes are made by hand (`kubectl-set`, `kubectl-edit`, ...). */
  readonly outOfBandManagers: readonly string[];
  /** SSM principals (ARN substrings) of the deploy pipeline; anyone else is out of band. Empty: unknown. */
  readonly pipelinePrincipals: readonly string[];
}

/** What the engine does with live keys the baseline does not declare. */
export type UnmanagedPolicy = 'compare' | 'compare-tier' | 'report' | 'ignore';

/** The parsed, validated, normalised baseline. */
export interface Baseline {
  readonly environments: readonly EnvironmentSpec[];
  readonly settings: ReadonlyMap<string, SettingSpec>;
  /** Glob patterns (`*`, `?`) of keys never reported. */
  readonly ignore: readonly string[];
  /**
   * Keys no setting declares. `compare` (seed 001's contract: anything not declared different must be
   * identical) compares each such key across every environment; `compare-tier` within each tier;
   * `report` reports each as `unmanaged`; `ignore` says nothing.
   */
  readonly unmanaged: { readonly policy: UnmanagedPolicy; readonly severity: Severity };
  readonly exceptions: readonly ExceptionSpec[];
  readonly defaultSeverity: Severity;
  readonly attribution: ChangeAttribution;
  /** Files the baseline was read from, relative to the baseline directory. */
  readonly files: readonly string[];
  /**
   * Which environments must run the same image tag of a container (`version` findings): `all` (the
   * default when absent), `tier` (environments of the same tier only: staging may run ahead during a
   * release), or `none`. Optional so baselines built in code need not say it.
   */
  readonly images?: { readonly parity: 'tier' | 'all' | 'none' };
  /** Declared applications by name; optional so baselines built in code need not say it. */
  readonly applications?: ReadonlyMap<string, ApplicationSpec>;
}

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

/** The kinds of drift the engine reports. */
export const FINDING_TYPES = [
  'changed',
  'missing',
  'unmanaged',
  'parity',
  'exception-expired',
  'invalid',
  'shadowed',
  'version',
  'secret-version',
  'stale',
  'source-error',
] as const;
/** A kind of drift. */
export type FindingType = (typeof FINDING_TYPES)[number];

/** A suggested remedy. Commands never contain secret values. */
export interface Fix {
  /** One line a human reads. */
  readonly summary: string;
  /** Shell command that applies it, when there is one. */
  readonly command?: string;
  /** Baseline edit that applies it (used by `baseline accept`). */
  readonly baselineEdit?: BaselineEdit;
}

/**
 * A structural edit of the baseline YAML. `path` addresses a node from the document root, e.g.
 * `['settings', 'DB_TIMEOUT', 'environments', 'production-eu']`; `value: undefined` deletes it.
 */
export interface BaselineEdit {
  readonly path: readonly string[];
  readonly value: string | null | undefined | Readonly<Record<string, string>>;
  /** The file to edit when known; otherwise the file that declares the setting, or the main file. */
  readonly file?: string;
  /** `append` adds `value` to the sequence at `path` (exceptions, ignore). */
  readonly op?: 'set' | 'delete' | 'append';
}

/** A value shown to people: secrets are rendered as `[secret]` and flagged. */
export interface ShownValue {
  readonly text: string;
  readonly secret: boolean;
}

/** A typed difference between the live estate and the baseline. */
export interface Finding {
  /** Stable across runs: `type:environment:key` (`parity:production:KEY`, `version:production-eu:deployment/api/app`). */
  readonly id: string;
  readonly type: FindingType;
  readonly severity: Severity;
  /** Environment the finding is about; for parity, the environment that deviates. */
  readonly environment: string;
  readonly tier?: string;
  readonly region?: string;
  readonly account?: string;
  /** The application whose key this is; absent for findings not about one application. */
  readonly application?: string;
  readonly key: string;
  /** What the baseline wants; absent when nothing is declared. */
  readonly expected?: ShownValue;
  /** What is live; absent for `missing`. */
  readonly actual?: ShownValue;
  /** One sentence a human reads first. */
  readonly message: string;
  /** Where the actual value came from; the effective (winning) observation first. */
  readonly provenance: readonly Provenance[];
  /** For parity and version: the value per environment that was compared. */
  readonly comparedWith?: Readonly<Record<string, ShownValue>>;
  readonly fixes: { readonly revert?: Fix; readonly accept?: Fix };
}

/** The engine's verdict on one audit. */
export interface AuditResult {
  /** Sorted by severity (worst first), then environment, key, type. */
  readonly findings: readonly Finding[];
  /** Environments whose every source was read. */
  readonly completeEnvironments: readonly string[];
  /** Environments with at least one source that failed: their absent keys are unknown, not missing. */
  readonly partialEnvironments: readonly string[];
  readonly status: 'ok' | 'partial';
  readonly counts: Readonly<Record<FindingType, number>>;
}

/** How a finding moved between two runs. Alerts are sent for transitions only. */
export type TransitionKind =
  /** First seen (or seen again after it had been resolved). */
  | 'opened'
  /** Still open, but the actual value, expected value or provenance changed. */
  | 'changed'
  /** Still open, severity went up. */
  | 'escalated'
  /** Open before, gone now, and every source it depends on was read. */
  | 'resolved';

/** One finding's move, as recorded in history and sent to SNS and Slack. */
export interface Transition {
  readonly kind: TransitionKind;
  /** For `resolved`: the finding as it was last seen. */
  readonly finding: Finding;
  /** ISO 8601: when the finding was first opened (this episode). */
  readonly firstSeen: string;
  /** ISO 8601: the run that made this transition. */
  readonly at: string;
  /** For `changed` and `escalated`: what it was before. */
  readonly previous?: { readonly severity: Severity; readonly actual?: ShownValue; readonly expected?: ShownValue };
}

/** API calls made by a run, per `region:Service.Operation`. */
export type ApiCallStats = Readonly<Record<string, { readonly calls: number; readonly throttled: number }>>;

/** One audit run, as recorded in history and summarised in alerts. */
export interface RunSummary {
  readonly runId: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** `failed`: the baseline was invalid or nothing could be read; see `error`. */
  readonly status: 'ok' | 'partial' | 'failed';
  /** S3 version id (or content hash when read from disk) of the baseline used. */
  readonly baselineVersion?: string;
  readonly environments: readonly string[];
  readonly sources: readonly SourceStatus[];
  readonly counts: Readonly<Record<FindingType, number>>;
  readonly transitions: Readonly<Record<TransitionKind, number>>;
  readonly apiCalls: ApiCallStats;
  readonly error?: { readonly code: string; readonly message: string };
}
