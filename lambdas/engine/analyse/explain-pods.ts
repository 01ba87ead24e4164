/**
 * Seed 001's "SSH into the pod and look at the config", answered from the snapshot: for one key of
 * one application, the running pods, when each started, and whether what it read at start can still
 * be what its source says now. Env vars are built when a container starts and never refreshed, so a
 * pod that started before its ConfigMap key or SSM parameter last changed still holds the earlier
 * value (the `stale` rule reports the same pods as findings).
 */
import type { Baseline, EnvironmentSpec, PodEnvFeed, PodObservation, Snapshot } from '../model.js';
import { declaredFedParameter, parameterKey } from './fed-parameter.js';
import { ssmParameterIndex } from './ssm-parameter-index.js';

/** One running pod of the explained application, as explain prints it. */
export interface ExplainedPod {
  readonly name: string;
  readonly namespace: string;
  /** `deployment/api-server` */
  readonly workload: string;
  /** ISO 8601: the containers' last start. */
  readonly startedAt?: string;
  /** False when the pod runs an older template than its workload's current one; undefined when unknown. */
  readonly templateCurrent?: boolean;
  /** Where the pod's env read the key at container start, when it came from a ConfigMap or SSM: `configmap api-config key DB_TIMEOUT`. */
  readonly readFrom?: string;
  /** ISO 8601: when that source last changed, when known. */
  readonly sourceChangedAt?: string;
  /** The pod started before its source last changed, or runs an old template: it needs a restart to see the current value. */
  readonly restartNeeded: boolean;
}

/** The pods of `application` in `environment` (sorted by namespace, name), with what they read `key` from. */
export function explainPods(
  baseline: Pick<Baseline, 'settings' | 'applications'>,
  environment: EnvironmentSpec,
  snapshot: Snapshot | undefined,
  application: string | undefined,
  key: string,
): ExplainedPod[] {
  if (snapshot?.pods === undefined || application === undefined) return [];
  const parameters = ssmParameterIndex(snapshot.observations);
  const fedParameter = declaredFedParameter(baseline, environment, application, key);
  return snapshot.pods
    .filter((pod) => pod.application === application)
    .map((pod) => explainPod(pod, key, fedParameter, (name) => parameters.get(parameterKey(name))?.provenance.changedAt))
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name));
}

function explainPod(
  pod: PodObservation,
  key: string,
  fedParameter: string | undefined,
  parameterChangedAt: (name: string) => string | undefined,
): ExplainedPod {
  const feed = pod.feeds.find((candidate) => candidate.variable === key);
  const source = feed === undefined ? undefined : feedSource(feed, fedParameter, parameterChangedAt);
  const started = feed?.startedAt ?? pod.startedAt;
  const oldTemplate = pod.template.current === false && pod.template.rollout !== 'in-progress';
  const sourceNewer = source?.changedAt !== undefined && started !== undefined && Date.parse(source.changedAt) > Date.parse(started);
  return {
    name: pod.name,
    namespace: pod.namespace,
    workload: pod.workload,
    ...(started === undefined ? {} : { startedAt: started }),
    ...(pod.template.current === undefined ? {} : { templateCurrent: pod.template.current }),
    ...(source === undefined ? {} : { readFrom: source.description }),
    ...(source?.changedAt === undefined ? {} : { sourceChangedAt: source.changedAt }),
    restartNeeded: oldTemplate || sourceNewer,
  };
}

/** What a pod read a key from at start, and when that last changed. */
interface FeedSource {
  readonly description: string;
  readonly changedAt?: string;
}

interface FeedContext {
  readonly fedParameter: string | undefined;
  readonly parameterChangedAt: (name: string) => string | undefined;
}

type FeedOf<K extends PodEnvFeed['kind']> = Extract<PodEnvFeed, { readonly kind: K }>;

/** One describer per feed kind: a new kind of feed does not typecheck until it is described here. */
const FEED_SOURCES: { readonly [K in PodEnvFeed['kind']]: (feed: FeedOf<K>, context: FeedContext) => FeedSource } = {
  configmap: (feed) => ({ description: `configmap ${feed.configMap} key ${feed.dataKey}`, ...changed(feed.changedAt) }),
  ssm: (feed, { parameterChangedAt }) => ({ description: `ssm ${feed.parameter} via ${feed.via}`, ...changed(parameterChangedAt(feed.parameter)) }),
  // A Secret nothing visible syncs: only a declared `fed_from` says where its value comes from.
  secret: (feed, { fedParameter, parameterChangedAt }) =>
    fedParameter === undefined
      ? { description: feed.secret }
      : { description: `ssm ${fedParameter} (fed_from) through ${feed.secret}`, ...changed(parameterChangedAt(fedParameter)) },
};

function feedSource(feed: PodEnvFeed, fedParameter: string | undefined, parameterChangedAt: (name: string) => string | undefined): FeedSource {
  // The describer is looked up by the feed's own kind, so the argument always has its type.
  const describe = FEED_SOURCES[feed.kind] as (feed: PodEnvFeed, context: FeedContext) => FeedSource;
  return describe(feed, { fedParameter, parameterChangedAt });
}

function changed(changedAt: string | undefined): { changedAt?: string } {
  return changedAt === undefined ? {} : { changedAt };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
