import type { RevertTarget, SettingSpec, SourceLayer } from '../model.js';
import { sourceKinds } from '../../sources/registry.js';
import type { PlacementTarget } from '../../sources/revert-target-kind.js';
import type { RevertTargetKind } from '../../sources/revert-target-kind.js';
import { revertTargetKindOf, revertTargetKinds } from '../../sources/revert-targets.js';
import { compareText, type EnvironmentContext } from './environment-context.js';

export type { PlacementTarget };

const templates = new WeakMap<EnvironmentContext, Map<RevertTarget['kind'], RevertTarget>>();

/**
 * Where to put a key that is absent: the setting's declared `layer`, else the environment's first
 * declared SSM prefix. SSM names are the prefix plus the key; Kubernetes places reuse the workload or
 * ConfigMap that already holds the environment's other keys of that layer (the first by name, so the
 * answer does not depend on read order). Undefined when the environment gives nothing to go on.
 * Which target kind places a layer, and how, is the target kind's (see `revert-target-kind.ts`).
 */
export function placementFor(env: EnvironmentContext, setting: SettingSpec, secret: boolean): PlacementTarget | undefined {
  const prefix = firstPlacementPrefix(env);
  const layer: SourceLayer | undefined = setting.layer ?? (prefix === undefined ? undefined : 'ssm');
  const kind = revertTargetKinds().find((candidate) => candidate.layer === layer);
  if (kind === undefined) return undefined;
  const template = templateOf(env, kind);
  return kind.place(setting.key, {
    secret,
    ...(template === undefined ? {} : { template }),
    ...(prefix === undefined ? {} : { prefix }),
  });
}

function firstPlacementPrefix(env: EnvironmentContext): { path: string; region?: string } | undefined {
  for (const source of env.spec.sources) {
    const kind = sourceKinds.of(source);
    const prefix = kind?.placementPrefix?.(source);
    if (prefix !== undefined) return prefix;
  }
  return undefined;
}

// One scan of the environment per audit, and only when a key needs placing.
function templateOf(env: EnvironmentContext, kind: RevertTargetKind): RevertTarget | undefined {
  let byKind = templates.get(env);
  if (byKind === undefined) {
    byKind = new Map();
    const names = new Map<RevertTarget['kind'], string>();
    for (const observation of env.observations) {
      const target = observation.provenance.target;
      if (target === undefined) continue;
      const name = revertTargetKindOf(target).templateName(target);
      const best = names.get(target.kind);
      if (best === undefined || compareText(name, best) < 0) {
        names.set(target.kind, name);
        byKind.set(target.kind, target);
      }
    }
    templates.set(env, byKind);
  }
  return byKind.get(kind.name);
}
