import { callsSince, concatenatePayloads, type CollectLiveOptions } from '../collect/collect-live.js';
import { LIVE_STATE_SCHEMA, type LiveState } from '../collect/live-state.js';
import { redactLiveState } from '../collect/redact-live-state.js';
import { secretKeyOf } from '../collect/secret-keys.js';
import type { ReconcileScope } from '../engine/lifecycle/read-scope.js';
import type { ApiCallStats, Baseline, EnvironmentSpec, Snapshot, SourceSpec, SourceStatus } from '../engine/model.js';
import { NOT_READ_CODE } from '../sources/change-reader.js';
import { sourceKinds } from '../sources/registry.js';
import type { LiveRead, LiveReadContext, SourceKind } from '../sources/source-kind.js';
import type { EnvironmentTarget } from './change-targets.js';

/** Options of {@link collectTargeted}: those of a live read, the previous state being what targeted reads build on. */
export type CollectTargetedOptions = Omit<CollectLiveOptions, 'environments' | 'onProgress'>;

/** What a change-driven read produced. */
export interface CollectTargetedResult {
  /** One per declared environment, in declaration order (untouched ones replayed from the previous state). */
  readonly snapshots: readonly Snapshot[];
  /** The calls this read made (replays make none). */
  readonly apiCalls: ApiCallStats;
  /** What the run read: the only keys its lifecycle may move. */
  readonly scope: ReconcileScope;
  /** The previous state with every source re-read replaced: what the next run (targeted or sweep) builds on. */
  readonly persistedState: LiveState;
  /** Targeted environments with a source whose read failed: their changes were not audited. */
  readonly failedEnvironments: readonly string[];
  /** The statuses of the sources read this run (not those replayed): what the run's summary reports. */
  readonly readSources: readonly SourceStatus[];
}

interface Planned {
  readonly environment: string;
  readonly kind: SourceKind;
  /** Re-read this run (its failure fails the environment's changes) rather than replayed. */
  readonly fresh: boolean;
  readonly read: () => Promise<LiveRead & { readonly keys?: readonly string[] }>;
}

/**
 * The live read of a change-driven run. For each targeted environment: the touched sources re-read
 * item by item on top of the previous state where their kind can (SSM: the changed names alone), or in
 * full where it cannot (a cluster source, or a tree with no previous state, makes the whole
 * environment in scope); the other sources replayed from the previous state when it holds them,
 * otherwise read in full, so every layer of a key in scope is as current as the key. Environments no
 * change touched are replayed (SSM trees from their records, no call) so parity has something to
 * compare with, and their unkept sources are `not-read`: none of their keys is in scope.
 *
 * Never throws for a read failure: a failed source is an error status, as in a sweep.
 */
export async function collectTargeted(
  baseline: Baseline,
  targets: readonly EnvironmentTarget[],
  options: CollectTargetedOptions,
): Promise<CollectTargetedResult> {
  const clock = options.clock ?? (() => new Date());
  const before = options.factory.counter.stats();
  const secretKey = secretKeyOf(baseline);
  const byName = new Map(targets.map((target) => [target.environment, target]));
  const scope: { environment: string; keys?: readonly string[] }[] = [];
  const planned: Planned[] = [];

  for (const environment of baseline.environments) {
    const target = byName.get(environment.name);
    const sources = environment.sources.flatMap((spec, index) => {
      const kind = sourceKinds.of(spec);
      return kind?.live === undefined ? [] : [{ spec, index, kind, context: contextOf(kind, environment, options, clock, secretKey) }];
    });
    if (target === undefined) {
      for (const { spec, kind, context } of sources) planned.push(replayed(environment.name, kind, spec, context));
      continue;
    }
    const targeted = sources.map((source) => {
      const items = target.sources.get(source.index);
      return { ...source, items, plan: items === undefined ? undefined : source.kind.live?.changes?.planTargeted(source.spec, source.context, items) };
    });
    const whole = targeted.some((source) => source.items !== undefined && source.plan === undefined);
    const keys = new Set<string>();
    for (const { spec, kind, context, items, plan } of targeted) {
      if (!whole && plan !== undefined) {
        keys.add(plan.id);
        planned.push({ environment: environment.name, kind, fresh: true, read: () => plan.read() });
        continue;
      }
      const replay = whole || items !== undefined ? undefined : kind.live?.changes?.replay(spec, context);
      if (replay !== undefined && replay.result.status.status === 'ok') {
        planned.push({ environment: environment.name, kind, fresh: false, read: async () => replay });
        continue;
      }
      const full = kind.live?.plan(spec, context);
      if (full === undefined) continue;
      keys.add(full.id);
      planned.push({ environment: environment.name, kind, fresh: true, read: () => full.read() });
    }
    scope.push(whole ? { environment: environment.name } : { environment: environment.name, keys: [...keys] });
  }

  const results = await Promise.all(planned.map(async (source) => ({ source, read: await source.read() })));
  for (const { source, read } of results) {
    if (read.keys === undefined || read.result.status.status !== 'ok') continue;
    const entry = scope.find((candidate) => candidate.environment === source.environment);
    if (entry?.keys !== undefined) entry.keys = [...new Set([...entry.keys, ...read.keys])].sort();
  }

  const takenAt = clock().toISOString();
  const snapshots = baseline.environments.map((environment): Snapshot => {
    const mine = results.filter(({ source }) => source.environment === environment.name).map(({ read }) => read.result);
    return { environment: environment.name, takenAt, ...concatenatePayloads(mine), sources: mine.map((result) => result.status) };
  });
  const failedEnvironments = [
    ...new Set(results.filter(({ source, read }) => source.fresh && read.result.status.status !== 'ok').map(({ source }) => source.environment)),
  ];
  return {
    snapshots,
    apiCalls: callsSince(before, options.factory.counter.stats()),
    scope: { environments: scope },
    persistedState: mergedState(options.previous, results, baseline, takenAt),
    failedEnvironments,
    readSources: results.filter(({ source }) => source.fresh).map(({ read }) => read.result.status),
  };
}

/** A source not re-read: as the previous state holds it, or `not-read`. */
function replayed(environment: string, kind: SourceKind, spec: SourceSpec, context: LiveReadContext): Planned {
  const replay = kind.live?.changes?.replay(spec, context);
  if (replay !== undefined) return { environment, kind, fresh: false, read: async () => replay };
  // A kind without change support has nothing to replay: its source reads as not read this run.
  const id = kind.live?.plan(spec, context).id ?? spec.kind;
  return {
    environment,
    kind,
    fresh: false,
    read: async () => ({
      result: {
        observations: [],
        images: [],
        status: {
          id,
          kind: kind.name,
          layers: [],
          status: 'error',
          itemCount: 0,
          error: { code: NOT_READ_CODE, message: `${id} was not read by this change-driven run` },
        },
      },
    }),
  };
}

function contextOf(
  kind: SourceKind,
  environment: EnvironmentSpec,
  options: CollectTargetedOptions,
  clock: () => Date,
  secretKey: (key: string) => boolean,
): LiveReadContext {
  const statePart = kind.live?.statePart;
  const previous = statePart === undefined ? undefined : (options.previous?.[statePart] as Readonly<Record<string, unknown>> | undefined);
  return { environment, options, clock, secretKey, previous };
}

/** The previous state, each source read or replayed this run put back as it now is, redacted for storage. */
function mergedState(
  previous: LiveState | undefined,
  results: readonly { readonly source: Planned; readonly read: LiveRead }[],
  baseline: Baseline,
  takenAt: string,
): LiveState {
  const parts: Record<string, Record<string, unknown>> = {};
  for (const kind of sourceKinds.all) {
    const statePart = kind.live?.statePart;
    if (statePart !== undefined) parts[statePart] = { ...((previous?.[statePart] as Readonly<Record<string, unknown>> | undefined) ?? {}) };
  }
  for (const { source, read } of results) {
    const statePart = source.kind.live?.statePart;
    if (statePart === undefined || read.state === undefined || read.result.status.status !== 'ok') continue;
    parts[statePart] = { ...parts[statePart], [read.result.status.id]: read.state };
  }
  return redactLiveState({ ssm: {}, kubernetes: {}, ...parts, schema: LIVE_STATE_SCHEMA, takenAt } as LiveState, baseline);
}
