/**
 * Small builders of in-memory baselines and snapshots for engine tests: every test states only what
 * matters to it and gets sensible, valid defaults for the rest.
 */
import {
  DEFAULT_PRECEDENCE,
  type Baseline,
  type ChangeAttribution,
  type EnvironmentSpec,
  type ExceptionSpec,
  type ImageObservation,
  type Observation,
  type SettingSpec,
  type Snapshot,
  type SourceLayer,
  type SourceStatus,
} from '../../../../lambdas/engine/model.js';

/** An environment with one SSM prefix and one EKS namespace, default precedence. */
export function environment(name: string, tier: string, overrides: Partial<EnvironmentSpec> = {}): EnvironmentSpec {
  return {
    name,
    tier,
    region: 'us-east-1',
    account: '111111111111',
    precedence: DEFAULT_PRECEDENCE,
    sources: [
      { kind: 'ssm', path: `/${name}/api/`, keyStyle: 'env' },
      { kind: 'eks', cluster: name, namespaces: ['api'], workloads: [] },
    ],
    ...overrides,
  };
}

/** A setting; `required` defaults to true when a value is declared, as the baseline parser does. */
export function setting(key: string, overrides: Partial<SettingSpec> = {}): SettingSpec {
  return {
    key,
    perEnvironment: {},
    perTier: {},
    constraints: {},
    scopedConstraints: {},
    secret: false,
    required: overrides.value !== undefined,
    parity: 'none',
    ...overrides,
  };
}

/** An exception; `expires` defaults to a date in the future of the tests' clock. */
export function exception(key: string, overrides: Partial<ExceptionSpec> = {}): ExceptionSpec {
  return { key, owner: 'alice', reason: 'testing', expires: '2099-12-31', ...overrides };
}

/** Who counts as the pipeline in tests. */
export const ATTRIBUTION: ChangeAttribution = {
  outOfBandManagers: ['kubectl-set', 'kubectl-edit'],
  pipelinePrincipals: ['role/deploy-pipeline'],
};

/** A baseline from environments and settings; everything else defaults (report unmanaged as low). */
export function baseline(
  options: {
    environments: readonly EnvironmentSpec[];
    settings?: readonly SettingSpec[];
  } & Partial<Omit<Baseline, 'environments' | 'settings'>>,
): Baseline {
  const { environments, settings = [], ...rest } = options;
  return {
    environments,
    settings: new Map(settings.map((s) => [s.key, s])),
    ignore: [],
    unmanaged: { policy: 'report', severity: 'low' },
    exceptions: [],
    defaultSeverity: 'medium',
    attribution: ATTRIBUTION,
    files: ['baseline.yaml'],
    ...rest,
  };
}

interface ChangeOptions {
  readonly changedBy?: string;
  readonly changedAt?: string;
}

/** A Parameter Store value: `/<env>/api/<KEY>`, String unless `secure`. */
export function ssmValue(
  environmentName: string,
  key: string,
  value: string,
  options: ChangeOptions & { readonly secure?: boolean; readonly region?: string; readonly prefix?: string } = {},
): Observation {
  const name = `${options.prefix ?? `/${environmentName}/api/`}${key}`;
  const type = options.secure === true ? 'SecureString' : 'String';
  return {
    key,
    value: options.secure === true ? { kind: 'secret' } : { kind: 'plain', value },
    provenance: {
      source: 'ssm',
      layer: 'ssm',
      location: name,
      version: '1',
      region: options.region ?? 'us-east-1',
      ...change(options),
      target: { kind: 'ssm-parameter', name, type },
    },
  };
}

interface WorkloadOptions extends ChangeOptions {
  readonly namespace?: string;
  readonly workload?: string;
  readonly container?: string;
}

/** A container env var (`deployment/api-server` container `app` in namespace `api` by default). */
export function envVar(key: string, value: string, options: WorkloadOptions = {}): Observation {
  const namespace = options.namespace ?? 'api';
  const workload = options.workload ?? 'deployment/api-server';
  const container = options.container ?? 'app';
  return {
    key,
    value: { kind: 'plain', value },
    provenance: {
      source: 'kubernetes',
      layer: 'env',
      location: `${workload} container ${container}`,
      ...change(options),
      target: { kind: 'workload-env', namespace, workload, container, variable: key },
    },
  };
}

/** A container env var taken from a Secret by secretKeyRef: recorded by name and key only. */
export function secretRef(key: string, secretName: string, options: WorkloadOptions = {}): Observation {
  const namespace = options.namespace ?? 'api';
  const workload = options.workload ?? 'deployment/api-server';
  const container = options.container ?? 'app';
  return {
    key,
    value: { kind: 'secret', ref: `${secretName}/${key}` },
    provenance: {
      source: 'kubernetes',
      layer: 'secret',
      location: `${workload} container ${container}`,
      ...change(options),
      target: { kind: 'workload-env', namespace, workload, container, variable: key },
    },
  };
}

/** A ConfigMap data key (`api-config` in `api` by default). */
export function configMapValue(
  key: string,
  value: string,
  options: ChangeOptions & { readonly namespace?: string; readonly configMap?: string } = {},
): Observation {
  const namespace = options.namespace ?? 'api';
  const configMap = options.configMap ?? 'api-config';
  return {
    key,
    value: { kind: 'plain', value },
    provenance: {
      source: 'kubernetes',
      layer: 'configmap',
      location: `configmap/${configMap}`,
      ...change(options),
      target: { kind: 'configmap-key', namespace, configMap, dataKey: key },
    },
  };
}

/** An application config file value (layer `file`). */
export function fileValue(key: string, value: string, file = 'config/production.yml', path = key): Observation {
  return {
    key,
    value: { kind: 'plain', value },
    provenance: { source: 'app-config', layer: 'file', location: file, file, target: { kind: 'file-key', file, path } },
  };
}

/** A container image `repository:tag` in a workload. */
export function image(
  repository: string,
  tag: string,
  options: ChangeOptions & { readonly namespace?: string; readonly workload?: string; readonly container?: string; readonly digest?: string } = {},
): ImageObservation {
  const namespace = options.namespace ?? 'api';
  const workload = options.workload ?? 'deployment/api-server';
  const container = options.container ?? 'app';
  return {
    workload,
    namespace,
    container,
    image: `${repository}:${tag}${options.digest === undefined ? '' : `@${options.digest}`}`,
    repository,
    tag,
    ...(options.digest === undefined ? {} : { digest: options.digest }),
    provenance: { source: 'kubernetes', layer: 'env', location: `${workload} container ${container}`, ...change(options) },
  };
}

/** A source that was read. */
export function okSource(id: string, kind: SourceStatus['kind'], layers: readonly SourceLayer[]): SourceStatus {
  return { id, kind, layers, status: 'ok', itemCount: 1 };
}

/** A source that failed with `code` and `message`. */
export function failedSource(
  id: string,
  kind: SourceStatus['kind'],
  layers: readonly SourceLayer[],
  message = `cannot read ${id}: AccessDenied`,
  code = 'AccessDenied',
): SourceStatus {
  return { id, kind, layers, status: 'error', itemCount: 0, error: { code, message } };
}

/** The sources `snapshot` reports when a test does not say: SSM, EKS and files, all read. */
export function defaultSources(environmentName: string): SourceStatus[] {
  return [
    okSource(`ssm:us-east-1:/${environmentName}/api/`, 'ssm', ['ssm']),
    okSource(`eks:${environmentName}/api`, 'eks', ['env', 'configmap', 'secret']),
    okSource(`file:${environmentName}/app-config.yml`, 'file', ['file']),
  ];
}

/** One environment's snapshot; every default source read unless `sources` is given. */
export function snapshot(
  environmentName: string,
  observations: readonly Observation[],
  options: { readonly images?: readonly ImageObservation[]; readonly sources?: readonly SourceStatus[] } = {},
): Snapshot {
  return {
    environment: environmentName,
    takenAt: '2026-11-23T11:00:00Z',
    observations,
    images: options.images ?? [],
    sources: options.sources ?? defaultSources(environmentName),
  };
}

function change(options: ChangeOptions): { changedBy?: string; changedAt?: string } {
  return {
    ...(options.changedBy === undefined ? {} : { changedBy: options.changedBy }),
    ...(options.changedAt === undefined ? {} : { changedAt: options.changedAt }),
  };
}
