/**
 * The baseline vocabulary: environments, their declared sources, settings, applications, exceptions.
 */
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
