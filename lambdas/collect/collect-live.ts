import type { Baseline, EnvironmentSpec, ImageObservation, Observation, Snapshot, SourceStatus, ApiCallStats } from '../engine/model.js';
import type { AwsClientFactory } from '../sources/aws/aws-client-factory.js';
import { EksSource, eksSourceId, type EksReadResult, type EksSourceOptions } from '../sources/eks/eks-source.js';
import type { KubeObject } from '../sources/eks/kube-client.js';
import { createSsmSource, ssmSourceId, type SsmSourceReadResult } from '../sources/ssm/ssm-source.js';
import type { SsmParameterRecord } from '../sources/ssm/ssm-observations.js';
import type { SourceReadResult } from '../sources/source.js';
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
  readonly id: string;
  readonly read: () => Promise<SourceReadResult>;
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
      const result = await source.read();
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
      return { environment: source.environment.name, result };
    }),
  );

  const takenAt = clock().toISOString();
  const ssm: Record<string, readonly SsmParameterRecord[]> = {};
  const kubernetes: Record<string, readonly KubeObject[]> = {};
  for (const { result } of results) {
    if (result.status.status !== 'ok') continue;
    if ('records' in result) ssm[result.status.id] = (result as SsmSourceReadResult).records;
    if ('objects' in result) kubernetes[result.status.id] = (result as EksReadResult).objects;
  }

  const snapshots = environments.map((environment): Snapshot => {
    const mine = results.filter((entry) => entry.environment === environment.name).map((entry) => entry.result);
    const observations: Observation[] = [];
    const images: ImageObservation[] = [];
    for (const result of mine) {
      observations.push(...result.observations);
      images.push(...result.images);
    }
    return { environment: environment.name, takenAt, observations, images, sources: mine.map((result) => result.status) };
  });

  const apiCalls = callsSince(before, options.factory.counter.stats());
  const state: LiveState = { schema: LIVE_STATE_SCHEMA, takenAt, ssm, kubernetes };
  return { snapshots, apiCalls, state, persistedState: redactLiveState(state, baseline) };
}

/** What `after` counted beyond `before` (counters only grow); keys with no new call are left out. */
function callsSince(before: ApiCallStats, after: ApiCallStats): ApiCallStats {
  const delta: Record<string, { calls: number; throttled: number }> = {};
  for (const [key, entry] of Object.entries(after)) {
    const earlier = before[key];
    const calls = entry.calls - (earlier?.calls ?? 0);
    if (calls > 0) delta[key] = { calls, throttled: entry.throttled - (earlier?.throttled ?? 0) };
  }
  return delta;
}

function planSources(environment: EnvironmentSpec, options: CollectLiveOptions, clock: () => Date, secretKey: (key: string) => boolean): PlannedSource[] {
  const planned: PlannedSource[] = [];
  for (const spec of environment.sources) {
    if (spec.kind === 'ssm') {
      const region = spec.region ?? environment.region;
      if (region === undefined) {
        planned.push(
          failing(
            environment,
            `ssm:?:${spec.path}`,
            'ssm',
            'no-region',
            `SSM source ${spec.path} of ${environment.name} has no region: set region on the source or the environment`,
          ),
        );
        continue;
      }
      const id = ssmSourceId(region, spec.path);
      const source = createSsmSource(options.factory, environment, spec, options.previous?.ssm[id], secretKey);
      planned.push({ environment, id, read: () => source.read(options.signal) });
    } else if (spec.kind === 'eks') {
      const region = spec.region ?? environment.region;
      const id = eksSourceId(spec);
      if (region === undefined) {
        planned.push(
          failing(
            environment,
            id,
            'eks',
            'no-region',
            `EKS cluster ${spec.cluster} of ${environment.name} has no region: set region on the source or the environment`,
          ),
        );
        continue;
      }
      const target = { region, ...(environment.roleArn === undefined ? {} : { roleArn: environment.roleArn }) };
      const source = new EksSource({
        spec,
        region,
        ...(environment.account === undefined ? {} : { account: environment.account }),
        eks: options.factory.eks(target),
        counter: options.factory.counter,
        clock,
        secretKey,
        ...options.eks?.(spec.cluster),
      });
      planned.push({ environment, id, read: () => source.read(options.signal) });
    }
    // File sources are exported snapshots: the offline reader's business, not a live read.
  }
  return planned;
}

function failing(environment: EnvironmentSpec, id: string, kind: SourceStatus['kind'], code: string, message: string): PlannedSource {
  const status: SourceStatus = {
    id,
    kind,
    layers: kind === 'ssm' ? ['ssm'] : ['env', 'configmap', 'secret'],
    status: 'error',
    itemCount: 0,
    error: { code, message },
  };
  return { environment, id, read: async () => ({ observations: [], images: [], status }) };
}
