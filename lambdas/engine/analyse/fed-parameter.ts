import type { Baseline, EnvironmentSpec, FedFrom } from '../model.js';
import { sourceKinds } from '../../sources/registry.js';
import { settingFor } from './setting-for.js';

/** An SSM tree an environment reads (live or from an export), and the application that reads it. */
export interface SsmTree {
  readonly path: string;
  readonly application?: string;
}

/** Where a `fed_from` name points in one environment. */
export type FedParameter =
  | { readonly kind: 'parameter'; readonly name: string }
  /** A relative name in an environment that declares no SSM tree. */
  | { readonly kind: 'no-tree' }
  /** A relative name in an environment with several SSM trees, none of them the setting's application's. */
  | { readonly kind: 'ambiguous'; readonly trees: readonly string[] }
  /** A full name under none of the environment's SSM trees: its value is never read, so never compared. */
  | { readonly kind: 'outside'; readonly trees: readonly string[] };

/** The SSM trees an environment declares: `sources.ssm` and the prefixes of its SSM export files, deduplicated. */
export function ssmTreesOf(env: EnvironmentSpec): SsmTree[] {
  const trees = new Map<string, SsmTree>();
  for (const source of env.sources) {
    // The kinds that hold SSM parameters say their prefix (a live tree's path, an export's `prefix`).
    const path = sourceKinds.of(source)?.placementPrefix?.(source)?.path;
    if (path === undefined || trees.has(path)) continue;
    const application = 'application' in source ? source.application : undefined;
    trees.set(path, { path, ...(application === undefined ? {} : { application }) });
  }
  return [...trees.values()];
}

/**
 * Resolves a `fed_from` name in one environment. A full name (leading `/`) stands as is, and must lie
 * under one of the environment's SSM trees (any application's: a parameter of a shared tree may feed
 * another service's env). A relative name is joined to the tree of the setting's application, else
 * to the environment's only tree: `db-url` in production-eu is `/production-eu/api/db-url`.
 */
export function fedParameterIn(fedFrom: FedFrom, env: EnvironmentSpec, application: string | undefined): FedParameter {
  const trees = ssmTreesOf(env);
  if (fedFrom.ssm.startsWith('/')) {
    return trees.some((tree) => fedFrom.ssm.startsWith(tree.path))
      ? { kind: 'parameter', name: fedFrom.ssm }
      : { kind: 'outside', trees: trees.map((tree) => tree.path) };
  }
  if (trees.length === 0) return { kind: 'no-tree' };
  const own = application === undefined ? [] : trees.filter((tree) => tree.application === application);
  const tree = own.length === 1 ? own[0] : trees.length === 1 ? trees[0] : undefined;
  if (tree === undefined) return { kind: 'ambiguous', trees: (own.length > 1 ? own : trees).map((entry) => entry.path) };
  return { kind: 'parameter', name: `${tree.path}${fedFrom.ssm}` };
}

/** A parameter name without its leading slash: an SSM ARN does not say whether the name had one. */
export function parameterKey(name: string): string {
  return name.startsWith('/') ? name.slice(1) : name;
}

/**
 * The parameter the baseline says feeds `key` as `application` reads it in `env` (the setting
 * `settingFor` picks, its `fed_from` resolved), or undefined when none is declared or it resolves nowhere.
 */
export function declaredFedParameter(
  baseline: Pick<Baseline, 'settings' | 'applications'>,
  env: EnvironmentSpec,
  application: string | undefined,
  key: string,
): string | undefined {
  const fedFrom = settingFor(baseline, key, application)?.fedFrom;
  if (fedFrom === undefined) return undefined;
  const resolved = fedParameterIn(fedFrom, env, application);
  return resolved.kind === 'parameter' ? resolved.name : undefined;
}
