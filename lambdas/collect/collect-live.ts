import type { ApiCallStats, Baseline, EnvironmentSpec, Snapshot } from '../engine/model.js';
import type { AwsClientFactory } from '../sources/aws/aws-client-factory.js';
import type { EksSourceOptions } from '../sources/eks/eks-source.js';
import { sourceKinds } from '../sources/registry.js';
import type { SourceReadResult } from '../sources/source.js';
import type { LiveRead, SourceKind } from '../sources/source-kind.js';
import { LIVE_STATE_SCHEMA, type LiveState } from './live-state.js';
import { redactLiveState } from './redact-live-state.js';
import { secretKeyOf } from './secret-keys.js';

/** One step of a live read, for progress lines. */
export interface CollectProgress {
  readonly environment: string;
  readonly sourceId: string;
  readonly phase: 'start' | 'done' | 'error';
  /** Observations read (done), or the error message (error). */
  readonly items?: number;
  readonly message?: string;
}

/** Options of {@link collectLive}. */
export interface CollectLiveOptions {
  /** Builds every SDK client; its shared budget paces each region and its counter counts every call. */
  readonly factory: AwsClientFactory;
  /** The previous run's state: SSM sources read incrementally from it. */
  readonly previous?: LiveState;
  /** Only these environments (all when absent). */
  readonly environments?: readonly string[];
  readonly onProgress?: (event: CollectProgress) => void;
  readonly signal?: AbortSignal;
  /** @default () => new Date() */
  readonly clock?: () => Date;
  /** Kubernetes API overrides (stand-ins, port-forwards) and client tuning, per cluster name. */
  readonly eks?: (cluster: string) => Pick<EksSourceOptions, 'apiServer' | 'kube'> | undefined;
}

/** What a live read produced. */
export interface CollectLiveResult {
  /** One per audited environment, in baseline declaration order. */
  readonly snapshots: readonly Snapshot[];
  /**
   * Every API call this read made, per `region:Service.Operation`, throttled ones apart: the
   * factory's counter minus what it held before, so a factory kept warm across scheduled runs does
   * not report earlier runs' calls again.
   */
  readonly apiCalls: ApiCallStats;
  /**
   * Raw records, for `drift-audit snapshot` (which redacts what it writes). Holds plain values of
   * secret-looking keys and whole Kubernetes objects: never store it as it is.
   */
  readonly state: LiveState;
  /** What may be stored for the next incremental run: {@link redactLiveState} of `state`. */
  readonly persistedState: LiveState;
}

interface PlannedSource {
  readonly environment: EnvironmentSpec;
  readonly kind: SourceKind;
  readonly id: string;
  readonly read: () => Promise<LiveRead>;
}

/**
 * Reads every declared SSM tree and EKS cluster of every environment at once: regions and accounts
 * concurrently, SSM paced by the factory's per-region budget so the audit never crowds out the
 * applications reading their own configuration. A source that fails becomes an error status in its
 * environment's snapshot and everything else goes on; this never throws for a read failure.
 * Aborting `signal` (a deadline) turns the sources still reading into `aborted` errors.
 *
 * Give each concurrent read its own factory: the reported API calls are what the factory's counter
 * gained during this read, so two reads sharing one at the same time would count each other's calls.
 */
export async function collectLive(baseline: Baseline, options: CollectLiveOptions): Promise<CollectLiveResult> {
  const clock = options.clock ?? (() => new Date());
  const wanted = options.environments === undefined ? undefined : new Set(options.environments);
  const environments = baseline.environments.filter((environment) => wanted === undefined || wanted.has(environment.name));
  const before = options.factory.counter.stats();
  const secretKey = secretKeyOf(baseline);
  const planned = environments.flatMap((environment) => planSources(environment, options, clock, secretKey));

  const results = await Promise.all(
    planned.map(async (source) => {
      options.onProgress?.({ environment: source.environment.name, sourceId: source.id, phase: 'start' });
      const { result, state } = await source.read();
      if (result.status.status === 'ok') {
        options.onProgress?.({ environment: source.environment.name, sourceId: source.id, phase: 'done', items: result.status.itemCount });
      } else {
        options.onProgress?.({
          environment: source.environment.name,
          sourceId: source.id,
          phase: 'error',
          ...(result.status.error === undefined ? {} : { message: result.status.error.message }),
        });
      }
      return { environment: source.environment.name, statePart: source.kind.live?.statePart, result, state };
    }),
  );

  const takenAt = clock().toISOString();
  // Each kind's part of the state, by source id: what its successful reads left (see LiveReader.statePart).
  const parts: Record<string, Record<string, unknown>> = { ssm: {}, kubernetes: {} };
  for (const { statePart, result, state } of results) {
    if (result.status.status !== 'ok' || statePart === undefined || state === undefined) continue;
    parts[statePart] = { ...parts[statePart], [result.status.id]: state };
  }

  const snapshots = environments.map((environment): Snapshot => {
    const mine = results.filter((entry) => entry.environment === environment.name).map((entry) => entry.result);
    return { environment: environment.name, takenAt, ...concatenatePayloads(mine), sources: mine.map((result) => result.status) };
  });

  const apiCalls = callsSince(before, options.factory.counter.stats());
  // The parts hold what each kind's reader returned for its own part (see LiveReader.statePart).
  const state = { ...parts, schema: LIVE_STATE_SCHEMA, takenAt } as LiveState;
  return { snapshots, apiCalls, state, persistedState: redactLiveState(state, baseline) };
}

/** What `after` counted beyond `before` (counters only grow); keys with no new call are left out. */
export function callsSince(before: ApiCallStats, after: ApiCallStats): ApiCallStats {
  const delta: Record<string, { calls: number; throttled: number }> = {};
  for (const [key, entry] of Object.entries(after)) {
    const earlier = before[key];
    const calls = entry.calls - (earlier?.calls ?? 0);
    if (calls > 0) delta[key] = { calls, throttled: entry.throttled - (earlier?.throttled ?? 0) };
  }
  return delta;
}

/**
 * The environment's snapshot payload: every list a read result carries besides its status
 * (observations, images, whatever a kind adds), concatenated in read order under its own name.
 * Shared with the fan-out's final step, which assembles the same snapshots from its targets.
 */
export function concatenatePayloads(results: readonly SourceReadResult[]): Pick<Snapshot, 'observations' | 'images'> {
  const payload: Record<string, unknown[]> = { observations: [], images: [] };
  for (const result of results) {
    for (const [name, value] of Object.entries(result)) {
      if (name === 'status' || !Array.isArray(value)) continue;
      payload[name] = [...(payload[name] ?? []), ...value];
    }
  }
  // Each name's lists come from SourceReadResult's fields of that name, which Snapshot mirrors.
  return payload as unknown as Pick<Snapshot, 'observations' | 'images'>;
}

function planSources(environment: EnvironmentSpec, options: CollectLiveOptions, clock: () => Date, secretKey: (key: string) => boolean): PlannedSource[] {
  const planned: PlannedSource[] = [];
  for (const spec of environment.sources) {
    const kind = sourceKinds.of(spec);
    // Kinds without a live reader (snapshot files) are the offline reader's business.
    if (kind?.live === undefined) continue;
    const previous = kind.live.statePart === undefined ? undefined : (options.previous?.[kind.live.statePart] as Readonly<Record<string, unknown>> | undefined);
    const read = kind.live.plan(spec, { environment, options, clock, secretKey, previous });
    planned.push({ environment, kind, id: read.id, read: () => read.read() });
  }
  return planned;
}
