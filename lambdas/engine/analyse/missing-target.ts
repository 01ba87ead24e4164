import type { RevertTarget, SettingSpec, SourceLayer } from '../model.js';
import { compareText, type EnvironmentContext } from './environment-context.js';

/** Where a value that is not live anywhere should be put, and the region for SSM commands. */
export interface PlacementTarget {
  readonly target: RevertTarget;
  readonly region?: string;
}

const templates = new WeakMap<EnvironmentContext, Map<RevertTarget['kind'], RevertTarget>>();

/**
 * Where to put a key that is absent: the setting's declared `layer`, else the environment's first
 * declared SSM prefix. SSM names are the prefix plus the key; Kubernetes places reuse the workload or
 * ConfigMap that already holds the environment's other keys of that layer (the first by name, so the
 * answer does not depend on read order). Undefined when the environment gives nothing to go on.
 */
export function placementFor(env: EnvironmentContext, setting: SettingSpec, secret: boolean): PlacementTarget | undefined {
  const layer: SourceLayer | undefined = setting.layer ?? (firstSsmPrefix(env) === undefined ? undefined : 'ssm');
  const key = setting.key;
  switch (layer) {
    case 'ssm': {
      const prefix = firstSsmPrefix(env);
      if (prefix === undefined) return undefined;
      return {
        target: { kind: 'ssm-parameter', name: `${prefix.path}${key}`, type: secret ? 'SecureString' : 'String' },
        ...(prefix.region === undefined ? {} : { region: prefix.region }),
      };
    }
    case 'env': {
      const template = templateOf(env, 'workload-env');
      return template?.kind === 'workload-env' ? { target: { ...template, variable: key } } : undefined;
    }
    case 'configmap': {
      const template = templateOf(env, 'configmap-key');
      return template?.kind === 'configmap-key' ? { target: { ...template, dataKey: key } } : undefined;
    }
    case 'file': {
      const template = templateOf(env, 'file-key');
      return template?.kind === 'file-key' ? { target: { ...template, path: key } } : undefined;
    }
    default:
      return undefined;
  }
}

function firstSsmPrefix(env: EnvironmentContext): { path: string; region?: string } | undefined {
  for (const source of env.spec.sources) {
    if (source.kind === 'ssm') return { path: source.path, ...(source.region === undefined ? {} : { region: source.region }) };
    if (source.kind === 'file' && source.prefix !== undefined) return { path: source.prefix };
  }
  return undefined;
}

// One scan of the environment per audit, and only when a key needs placing.
function templateOf(env: EnvironmentContext, kind: RevertTarget['kind']): RevertTarget | undefined {
  let byKind = templates.get(env);
  if (byKind === undefined) {
    byKind = new Map();
    const names = new Map<RevertTarget['kind'], string>();
    for (const observation of env.observations) {
      const target = observation.provenance.target;
      if (target === undefined) continue;
      const name = templateName(target);
      const best = names.get(target.kind);
      if (best === undefined || compareText(name, best) < 0) {
        names.set(target.kind, name);
        byKind.set(target.kind, target);
      }
    }
    templates.set(env, byKind);
  }
  return byKind.get(kind);
}

function templateName(target: RevertTarget): string {
  switch (target.kind) {
    case 'ssm-parameter':
      return target.name;
    case 'workload-env':
      return `${target.namespace}/${target.workload}/${target.container}`;
    case 'configmap-key':
      return `${target.namespace}/${target.configMap}`;
    case 'file-key':
      return target.file;
    case 'workload-replicas':
    case 'container-resources':
    case 'container-probe':
    case 'hpa':
    case 'pdb':
      return `${target.namespace}/${target.workload}`;
  }
}
