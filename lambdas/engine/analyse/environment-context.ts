import type { Baseline, EnvironmentSpec, ImageObservation, Observation, PodObservation, Snapshot, SourceStatus } from '../model.js';
import { UnknownEnvironmentError } from './errors.js';

/** One key's observations in one environment: a single one (the common case, no array) or several. */
export type KeyObservations = Observation | Observation[];

/** Everything the engine knows about one audited environment, built in one pass over its snapshot(s). */
export interface EnvironmentContext {
  /** Position in `baseline.environments`: the tie-breaker for parity and version references. */
  readonly index: number;
  readonly spec: EnvironmentSpec;
  /** Layer -> position in the environment's precedence (higher wins); absent layers rank lowest. */
  readonly rank: Readonly<Record<string, number>>;
  /**
   * Highest rank among the layers of sources that failed, `-Infinity` when none did. A key whose
   * winning layer ranks at or below it may really be set in the unread source, so it is not judged.
   */
  readonly failedRank: number;
  /** Every source was read (and there was at least one). */
  readonly complete: boolean;
  readonly observations: readonly Observation[];
  readonly images: readonly ImageObservation[];
  readonly sources: readonly SourceStatus[];
  /** Running pods of the audited workloads (empty when not read). */
  readonly pods: readonly PodObservation[];
  /** Observations of declared keys, by setting index (see {@link DeclaredIndex}); undefined: absent. */
  readonly declared: readonly (KeyObservations | undefined)[];
  /** Observations of keys the baseline does not declare, by scoped key (see `scopedKey`). */
  readonly undeclared: ReadonlyMap<string, KeyObservations>;
  /** The setting index every environment of the audit shares. */
  readonly declaredIndex: DeclaredIndex;
  /**
   * Applications with at least one observation here. A key of an application that does not run in
   * this environment at all is not missing here: the application is, and that is not configuration.
   */
  readonly applications: ReadonlySet<string | undefined>;
}

/**
 * Application -> key -> position of the setting in the audit's setting list. Two levels rather than
 * one map of concatenated keys: grouping a million observations then allocates no string per
 * observation, and the application's inner map is found once per run of observations of it.
 */
export type DeclaredIndex = ReadonlyMap<string | undefined, ReadonlyMap<string, { readonly index: number }>>;

/**
 * Makes the plan of an observed key that has none yet, when one holds for it (a shared setting, or the
 * contract), adding it to the declared index; undefined leaves the key undeclared.
 */
export type ResolvePlan = (application: string | undefined, key: string) => { readonly index: number } | undefined;

/** A declared index holding one setting, for narrowed audits (`explain`). */
export function singleSettingIndex(application: string | undefined, key: string): DeclaredIndex {
  return new Map([[application, new Map([[key, { index: 0 }]])]]);
}

/**
 * The identity of a key within its application. Keys of no application keep their bare name, so an
 * estate whose sources name no application costs nothing extra.
 */
export function scopedKey(application: string | undefined, key: string): string {
  return application === undefined ? key : `${application}\u0000${key}`;
}

/** Rank of layers not in the precedence list: below every listed layer. */
export const UNLISTED_RANK = -1;

/**
 * Builds the context of every environment that has a snapshot, in baseline declaration order.
 * Several snapshots of one environment are merged (a driver may hand over one per source).
 * Environments without a snapshot are not audited: the caller chose not to read them.
 *
 * @throws UnknownEnvironmentError when a snapshot names an environment the baseline does not declare.
 */
export function buildEnvironmentContexts(
  baseline: Baseline,
  snapshots: readonly Snapshot[],
  declaredIndex: DeclaredIndex,
  resolve?: ResolvePlan,
): EnvironmentContext[] {
  const indexByName = new Map<string, number>();
  baseline.environments.forEach((env, index) => {
    indexByName.set(env.name, index);
  });
  const byEnvironment = new Map<number, Snapshot[]>();
  for (const snapshot of snapshots) {
    const index = indexByName.get(snapshot.environment);
    if (index === undefined) {
      throw new UnknownEnvironmentError(
        snapshot.environment,
        baseline.environments.map((env) => env.name),
      );
    }
    const list = byEnvironment.get(index);
    if (list === undefined) byEnvironment.set(index, [snapshot]);
    else list.push(snapshot);
  }
  const contexts: EnvironmentContext[] = [];
  for (const [index, spec] of baseline.environments.entries()) {
    const parts = byEnvironment.get(index);
    if (parts !== undefined) contexts.push(buildContext(index, spec, parts, declaredIndex, resolve));
  }
  return contexts;
}

function buildContext(
  index: number,
  spec: EnvironmentSpec,
  parts: readonly Snapshot[],
  declaredIndex: DeclaredIndex,
  resolve: ResolvePlan | undefined,
): EnvironmentContext {
  const first = parts[0] as Snapshot;
  const observations = parts.length === 1 ? first.observations : parts.flatMap((part) => part.observations);
  const images = parts.length === 1 ? first.images : parts.flatMap((part) => part.images);
  const sources = parts.length === 1 ? first.sources : parts.flatMap((part) => part.sources);
  const pods = parts.flatMap((part) => part.pods ?? []);
  const rank: Record<string, number> = Object.create(null) as Record<string, number>;
  spec.precedence.forEach((layer, position) => {
    rank[layer] = position;
  });
  // The workload layer holds only `k8s:` keys, which no other layer holds: a precedence that omits it
  // still sees it, ranked above the rest so a failed SSM or file source never hides the workload shape.
  rank['workload'] ??= spec.precedence.length;
  let failedRank = Number.NEGATIVE_INFINITY;
  let complete = sources.length > 0;
  for (const source of sources) {
    if (source.status === 'ok') continue;
    complete = false;
    // A failed source that does not say which layers it serves could have held anything.
    if (source.layers.length === 0) failedRank = Number.POSITIVE_INFINITY;
    for (const layer of source.layers) failedRank = Math.max(failedRank, rank[layer] ?? UNLISTED_RANK);
  }
  const { declared, undeclared } = groupByKey(observations, declaredIndex, resolve);
  const applications = new Set<string | undefined>();
  let previous: string | undefined;
  for (const observation of observations) {
    // Observations of one application come in runs: one Set operation a run, not one an observation.
    if (observation.application === previous && applications.size > 0) continue;
    previous = observation.application;
    applications.add(previous);
  }
  // A workload that runs but sets no env is running all the same: its image says so.
  for (const image of images) applications.add(image.application);
  return { index, spec, rank, failedRank, complete, observations, images, sources, pods, declared, undeclared, declaredIndex, applications };
}

/**
 * Groups observations by key in one pass: declared keys into an array by setting index (one map
 * lookup per observation, and the audit then walks a plain array), the rest into a map. A key seen
 * once holds its observation itself; an array is made only for the second one, so a clean estate
 * allocates nothing per key.
 */
export function groupByKey(
  observations: readonly Observation[],
  declaredIndex: DeclaredIndex,
  resolve?: ResolvePlan,
): { declared: (KeyObservations | undefined)[]; undeclared: Map<string, KeyObservations> } {
  let size = 0;
  for (const keys of declaredIndex.values()) size += keys.size;
  const declared = new Array<KeyObservations | undefined>(size).fill(undefined);
  const undeclared = new Map<string, KeyObservations>();
  let application: string | undefined;
  let keys = declaredIndex.get(undefined);
  for (const observation of observations) {
    if (observation.application !== application) {
      application = observation.application;
      keys = declaredIndex.get(application);
    }
    let setting = keys?.get(observation.key);
    if (setting === undefined && resolve !== undefined) {
      setting = resolve(application, observation.key);
      // A new plan may have made the application's map: look it up again.
      if (setting !== undefined) keys = declaredIndex.get(application);
    }
    if (setting !== undefined) {
      const seen = declared[setting.index];
      if (seen === undefined) declared[setting.index] = observation;
      else if (Array.isArray(seen)) seen.push(observation);
      else declared[setting.index] = [seen, observation];
    } else {
      const key = scopedKey(observation.application, observation.key);
      const seen = undeclared.get(key);
      if (seen === undefined) undeclared.set(key, observation);
      else if (Array.isArray(seen)) seen.push(observation);
      else undeclared.set(key, [seen, observation]);
    }
  }
  return { declared, undeclared };
}

/** An application's key's observations as grouped, whether declared or not. */
export function entryOf(env: EnvironmentContext, application: string | undefined, key: string): KeyObservations | undefined {
  const setting = env.declaredIndex.get(application)?.get(key);
  return setting === undefined ? env.undeclared.get(scopedKey(application, key)) : env.declared[setting.index];
}

/** Rank of a layer in the environment's precedence; layers not listed rank lowest. */
export function rankOf(env: EnvironmentContext, layer: string): number {
  return env.rank[layer] ?? UNLISTED_RANK;
}

/**
 * Orders one key's observations as the application resolves them: values the platform overrode
 * (`overriddenBy`: the process never sees them) last, whatever their layer; then highest layer first, then by
 * location (so two workloads disagreeing in the winning layer resolve to the first by name), then by
 * every other field, so the order never depends on the order sources reported them in.
 * Sorts the engine's own array in place.
 */
export function orderObservations(list: Observation[], env: EnvironmentContext): Observation[] {
  return list.sort(
    (a, b) => overriddenRank(a) - overriddenRank(b) || rankOf(env, b.provenance.layer) - rankOf(env, a.provenance.layer) || compareObservations(a, b),
  );
}

function overriddenRank(observation: Observation): number {
  return observation.overriddenBy === undefined ? 0 : 1;
}

/** An application's key's observations in resolution order (winner first); empty when the key is absent. */
export function observationsOf(env: EnvironmentContext, application: string | undefined, key: string): readonly Observation[] {
  const seen = entryOf(env, application, key);
  if (seen === undefined) return [];
  return Array.isArray(seen) ? orderObservations(seen, env) : [seen];
}

/**
 * True when the winning observation ranks at or below a layer whose source failed: the unread source
 * may hold the real effective value, so changed/parity/shadowed/invalid are not judged for this key.
 * The same layer counts: of two SSM trees, the unread one may hold the key too and win the tie.
 */
export function isBlocked(env: EnvironmentContext, winner: Observation): boolean {
  return env.failedRank !== Number.NEGATIVE_INFINITY && rankOf(env, winner.provenance.layer) <= env.failedRank;
}

function compareObservations(a: Observation, b: Observation): number {
  const pa = a.provenance;
  const pb = b.provenance;
  return (
    compareText(pa.location, pb.location) ||
    compareText(pa.file ?? '', pb.file ?? '') ||
    compareText(pa.source, pb.source) ||
    compareText(valueText(a), valueText(b)) ||
    compareText(pa.changedAt ?? '', pb.changedAt ?? '') ||
    compareText(pa.changedBy ?? '', pb.changedBy ?? '') ||
    compareText(pa.version ?? '', pb.version ?? '') ||
    compareText(pa.region ?? '', pb.region ?? '') ||
    compareText(pa.account ?? '', pb.account ?? '')
  );
}

// Orders secrets by reference only: their values are never held, let alone compared.
function valueText(observation: Observation): string {
  return observation.value.kind === 'plain' ? `p:${observation.value.value}` : `s:${observation.value.ref ?? ''}`;
}

/** Code-unit string order: locale-independent, so output is identical on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
