import type { ChangeAttribution, Finding, Observation, PodEnvFeed, PodObservation, Provenance, Severity } from '../../model.js';
import { attribute, describeChange } from '../attribution.js';
import { compareText, type EnvironmentContext } from '../environment-context.js';
import { findingId } from '../finding-id.js';
import { parameterKey } from '../fed-parameter.js';
import type { IgnoreMatcher } from '../ignore-matcher.js';
import { ssmParameterIndex } from '../ssm-parameter-index.js';
import { shellWord } from '../shell-quote.js';
import { findingBase } from './key-context.js';

/** What {@link staleFindings} judges and with what. */
export interface StaleAudit {
  readonly environments: readonly EnvironmentContext[];
  readonly severity: Severity;
  readonly attribution: ChangeAttribution;
  /** Matched against the finding key, the workload (`deployment/api-server`). */
  readonly ignore?: IgnoreMatcher;
  /**
   * The SSM parameter the baseline declares (`fed_from`) as feeding an application's env var in an
   * environment, resolved; undefined when none is declared. Makes a `secretKeyRef` variable no
   * visible controller syncs judged as the External Secrets / CSI ones are.
   */
  readonly fedParameter?: (env: EnvironmentContext, application: string | undefined, variable: string) => string | undefined;
}

/** Why a group of pods needs a restart: one finding each. */
interface Cause {
  /** `template`, `configmap/api-config` or `ssm:/production-eu/api/DB_PASSWORD`: part of the finding id. */
  readonly id: string;
  readonly pods: PodObservation[];
  /** What feeds the env from the changed source (variables or subPath files), for the message. */
  readonly variables: Set<string>;
  /** Latest change of the source the pods predate (feeds), as ISO 8601. */
  changedAt?: string;
  /** The changed source's provenance (ConfigMap or SSM parameter), or the workload's for a template. */
  source?: Provenance;
  parameterVersion?: string;
}

/**
 * `stale`: running pods lag what their workload or their feeding source says, and only a restart
 * brings them level. Three causes, one finding per (workload, cause), so a cause alerts once however
 * many pods it holds and whichever of them are replaced on the way:
 * - the pod's template is older than the workload's current one (see `PodTemplateState`), and no
 *   rollout is under way (a Deployment whose controller has not observed its spec yet or whose
 *   Progressing condition says it is replacing pods is left alone: the rollout will do the restart);
 * - a container started before the ConfigMap key feeding its env (or a `subPath` file) last changed:
 *   the kubelet resolves env at container start and never again;
 * - a container started before the SSM parameter behind the synced Secret it reads (External Secrets,
 *   Secrets Store CSI driver) last changed (`LastModifiedDate`): the Secret may be refreshed, the env
 *   is not. Parameters outside the audited SSM trees have no known change time and are not judged.
 *
 * Pods of a template that is being rolled away are not judged for their feeds either: the rollout
 * replaces them. The fix is `kubectl rollout restart`; the times and names are the evidence.
 */
export function staleFindings(audit: StaleAudit): Finding[] {
  const findings: Finding[] = [];
  for (const env of audit.environments) {
    if (env.pods.length === 0) continue;
    const parameters = ssmParameterIndex(env.observations);
    const declaredFeed = declaredFeeds(env, audit);
    const causes = new Map<string, Cause>();
    const causeOf = (pod: PodObservation, id: string): Cause => {
      const group = `${pod.namespace}/${pod.workload}\u0000${pod.application ?? ''}\u0000${id}`;
      let cause = causes.get(group);
      if (cause === undefined) {
        cause = { id, pods: [], variables: new Set() };
        causes.set(group, cause);
      }
      if (!cause.pods.includes(pod)) cause.pods.push(pod);
      return cause;
    };
    for (const pod of env.pods) {
      const replacing = pod.template.current === false && pod.template.rollout === 'in-progress';
      if (replacing) continue;
      if (pod.template.current === false) {
        const cause = causeOf(pod, 'template');
        cause.source ??= workloadProvenance(pod);
      }
      for (const feed of pod.feeds) judgeFeed(pod, declaredFeed(pod, feed), parameters, causeOf);
    }
    for (const cause of causes.values()) {
      const finding = staleFinding(env, cause, audit);
      if (audit.ignore?.ignores(finding.key, finding.application) === true) continue;
      findings.push(finding);
    }
  }
  return findings;
}

/**
 * Turns a `secretKeyRef` feed into an SSM one when the baseline declares the variable `fed_from` a
 * parameter; the variable's application is the one its env observation names (a sidecar's is
 * `api-server/pgbouncer`), else the pod's.
 */
function declaredFeeds(env: EnvironmentContext, audit: StaleAudit): (pod: PodObservation, feed: PodEnvFeed) => PodEnvFeed {
  const fedParameter = audit.fedParameter;
  if (fedParameter === undefined) return (_pod, feed) => feed;
  let applications: Map<string, string | undefined> | undefined;
  return (pod, feed) => {
    if (feed.kind !== 'secret') return feed;
    applications ??= containerApplications(env.observations);
    const place = `${pod.namespace}\u0000${pod.workload}\u0000${feed.container}\u0000${feed.variable}`;
    const application = applications.has(place) ? applications.get(place) : pod.application;
    const parameter = fedParameter(env, application, feed.variable);
    if (parameter === undefined) return feed;
    return { ...feed, kind: 'ssm', parameter, via: 'fed_from in the baseline' };
  };
}

/** namespace, workload, container, variable -> the application of the env var, from the env observations. */
function containerApplications(observations: readonly Observation[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const observation of observations) {
    const target = observation.provenance.target;
    if (target?.kind !== 'workload-env') continue;
    out.set(`${target.namespace}\u0000${target.workload}\u0000${target.container}\u0000${target.variable}`, observation.application);
  }
  return out;
}

function judgeFeed(
  pod: PodObservation,
  feed: PodEnvFeed,
  parameters: ReadonlyMap<string, Observation>,
  causeOf: (pod: PodObservation, id: string) => Cause,
): void {
  const started = feed.startedAt ?? pod.startedAt;
  if (started === undefined) return;
  if (feed.kind === 'configmap') {
    if (feed.changedAt === undefined || !after(feed.changedAt, started)) return;
    const cause = causeOf(pod, `configmap/${feed.configMap}`);
    cause.variables.add(feed.variable);
    if (cause.changedAt === undefined || after(feed.changedAt, cause.changedAt)) {
      cause.changedAt = feed.changedAt;
      cause.source = {
        source: 'kubernetes',
        layer: 'configmap',
        location: `configmap/${feed.configMap}`,
        changedAt: feed.changedAt,
        ...(feed.changedBy === undefined ? {} : { changedBy: feed.changedBy }),
        ...podLabels(pod),
      };
    }
    return;
  }
  if (feed.kind === 'secret') return;
  const parameter = parameters.get(parameterKey(feed.parameter));
  const changedAt = parameter?.provenance.changedAt;
  if (parameter === undefined || changedAt === undefined || !after(changedAt, started)) return;
  const cause = causeOf(pod, `ssm:${feed.parameter}`);
  cause.variables.add(`${feed.variable} (${feed.secret} via ${feed.via})`);
  cause.changedAt = changedAt;
  cause.source = parameter.provenance;
  if (parameter.provenance.version !== undefined) cause.parameterVersion = parameter.provenance.version;
}

function staleFinding(env: EnvironmentContext, cause: Cause, audit: StaleAudit): Finding {
  const first = cause.pods[0] as PodObservation;
  const pods = [...cause.pods].sort((a, b) => compareText(a.name, b.name));
  const { namespace, workload, application } = first;
  const source = cause.source === undefined ? undefined : attribute(cause.source, audit.attribution);
  const id = findingId('stale', env.spec.name, `${namespace}/${workload}:${cause.id}`, application);
  const names = pods.map((pod) => `${pod.name} (started ${pod.startedAt ?? 'at an unknown time'})`).join(', ');
  const count = `${pods.length} pod${pods.length === 1 ? '' : 's'} of ${workload} in namespace ${namespace}`;
  let expected: string;
  let actual: string;
  let message: string;
  if (cause.id === 'template') {
    const running = [...new Set(pods.map((pod) => pod.template.podRevision ?? 'an unknown revision'))].sort(compareText).join(', ');
    const current = first.template.workloadRevision ?? 'the current template';
    const stalled = pods.some((pod) => pod.template.rollout === 'stalled') ? ' (its rollout exceeded its progress deadline)' : '';
    expected = current;
    actual = running;
    message = `${count} run an older pod template than ${workload}'s current one${stalled}: ${running} instead of ${current}; pods: ${names}`;
  } else {
    const what = cause.id.startsWith('ssm:') ? `SSM parameter ${cause.id.slice('ssm:'.length)}` : cause.id;
    const version = cause.parameterVersion === undefined ? '' : ` to version ${cause.parameterVersion}`;
    const change = source === undefined ? undefined : describeChange(source);
    expected = `env from ${what} as of ${cause.changedAt}`;
    actual = `env from before ${cause.changedAt}`;
    message =
      `${count} started before ${what} changed at ${cause.changedAt}${version}${change === undefined ? '' : ` (${change})`}; ` +
      `${[...cause.variables].sort(compareText).join(', ')} still hold${cause.variables.size === 1 ? 's' : ''} the earlier value until a restart; pods: ${names}`;
  }
  return {
    ...findingBase('stale', env.spec, workload, audit.severity, application, id),
    expected: { text: expected, secret: false },
    actual: { text: actual, secret: false },
    message,
    provenance: [...(source === undefined ? [] : [source]), ...pods.map(podProvenance)],
    fixes: {
      revert: {
        summary: `Restart ${workload} in namespace ${namespace} so its pods start from ${cause.id === 'template' ? 'the current template' : 'the current values'}`,
        command: `kubectl -n ${shellWord(namespace)} rollout restart ${shellWord(workload)}`,
      },
    },
  };
}

function after(a: string, b: string): boolean {
  const left = Date.parse(a);
  const right = Date.parse(b);
  return Number.isFinite(left) && Number.isFinite(right) && left > right;
}

function podLabels(pod: PodObservation): Pick<Provenance, 'file' | 'region' | 'account' | 'cluster'> {
  return {
    ...(pod.file === undefined ? {} : { file: pod.file }),
    ...(pod.region === undefined ? {} : { region: pod.region }),
    ...(pod.account === undefined ? {} : { account: pod.account }),
    ...(pod.cluster === undefined ? {} : { cluster: pod.cluster }),
  };
}

function workloadProvenance(pod: PodObservation): Provenance {
  return { source: 'kubernetes', layer: 'env', location: pod.workload, ...podLabels(pod) };
}

/** A pod as evidence: its start time is the "changed at" of what it runs. */
function podProvenance(pod: PodObservation): Provenance {
  return {
    source: 'kubernetes',
    layer: 'env',
    location: `pod/${pod.name}`,
    ...(pod.startedAt === undefined ? {} : { changedAt: pod.startedAt }),
    ...(pod.template.podRevision === undefined ? {} : { version: pod.template.podRevision }),
    ...podLabels(pod),
  };
}
