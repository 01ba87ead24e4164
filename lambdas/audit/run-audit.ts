import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { CollectLiveOptions } from '../collect/collect-live.js';
import type { EnvironmentTarget } from '../events/change-targets.js';
import { analyse } from '../engine/analyse/analyse.js';
import { scopedResult } from '../engine/lifecycle/read-scope.js';
import { reconcile } from '../engine/lifecycle/reconcile.js';
import type { FindingState } from '../engine/lifecycle/finding-state.js';
import {
  FINDING_TYPES,
  type AuditResult,
  type Baseline,
  type FindingType,
  type RunSummary,
  type Snapshot,
  type SourceStatus,
  type Transition,
  type TransitionKind,
} from '../engine/model.js';
import { deliverOutbox, type DeliveryReport } from '../sinks/alerts/alert-outbox.js';
import { buildRunMessage } from '../sinks/alerts/run-message.js';
import type { HistoryStore, RollbackResult } from '../sinks/history/history-store.js';
import { outboxEntries, recorderOf, writeRunArtefacts, type RunOutput, type RunSink } from '../sinks/run-sink.js';
import type { AwsClientFactory } from '../sources/aws/aws-client-factory.js';
import { singleFunctionCollection, type CollectedRun, type LiveCollection } from './live-collection.js';
import { loadAuditBaseline, type AuditBaseline } from './load-audit-baseline.js';
import { lastAlertedRejection, rejectionStateKey, rememberAlertedRejection } from './rejection-alerts.js';
import { standardRunSinks } from './standard-run-sinks.js';

/** Everything a run touches, injected so tests point it at loopback stand-ins. */
export interface AuditDependencies {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly history: HistoryStore;
  /** Builds the SSM/EKS/STS clients of the live read, with the shared per-region budget. */
  readonly factory: AwsClientFactory;
  readonly bucket: string;
  readonly baselineKey: string;
  /** `reports/`: run reports, expired by the bucket's lifecycle rule. */
  readonly reportPrefix: string;
  /** `state/`: the last valid baseline and the previous live state; never expires. */
  readonly statePrefix: string;
  readonly topicArn: string;
  /** Set when AWS Chatbot is configured: it only shows its own custom-notification format. */
  readonly chatbotTopicArn?: string;
  readonly region?: string;
  readonly clock?: () => Date;
  /** Kubernetes API overrides per cluster (tests, port-forwards). */
  readonly eks?: CollectLiveOptions['eks'];
  /**
   * True when no other invocation can be running while this one does: the audit function has
   * reserved concurrency 1 (the `DriftAuditor` construct sets it). Every run then rolls back any run
   * still `recording` at once, without waiting out the lease, so a Lambda retry a minute after a
   * crash succeeds instead of being dead-lettered. Leave it unset anywhere runs may overlap.
   * @default false
   */
  readonly singleConcurrency?: boolean;
  /**
   * What the run produces and where it goes, in stage order (see `RunSink`). Exactly one sink records
   * the run (the history over `history`, whose outbox the sinks deliver from).
   * @default standardRunSinks(this): the S3 reports, the history, the alerts topic and, when configured, Chatbot
   */
  readonly sinks?: readonly RunSink[];
  /**
   * Where the run's snapshots come from. The fan-out's final step passes the targets its collectors
   * wrote (`fanOutCollection`); everything after collection is the same.
   * @default singleFunctionCollection: every source read in this process, incrementally from `live-state.json`
   */
  readonly collection?: LiveCollection;
  /**
   * Where the run's baseline comes from. The fan-out's final step passes the copy its plan step pinned,
   * so the run analyses exactly the baseline its targets were collected for.
   * @default loadAuditBaseline from `bucket`/`baselineKey`, falling back to the last valid one
   */
  readonly loadBaseline?: () => Promise<AuditBaseline>;
}

/** One scheduled event's identity: a redelivery carries the same key. */
export interface AuditTrigger {
  readonly idempotencyKey: string;
  /**
   * Cuts the live read short (the handler aborts it ahead of the function's timeout): sources still
   * reading become `aborted` source-errors and the run is recorded as partial instead of dying unrecorded.
   */
  readonly signal?: AbortSignal;
  /**
   * Set for a change-driven run: only these environments' touched items are re-read (see
   * `collectTargeted`) and only their keys move through the lifecycle; everything else is carried
   * over as it was. Absent: a sweep of everything the baseline declares.
   */
  readonly changes?: readonly EnvironmentTarget[];
}

/** What a run did, for the handler's log line and metrics. */
export type AuditOutcome =
  | {
      readonly kind: 'duplicate';
      readonly runId: string;
      /** Alerts of committed runs this invocation delivered from the outbox (a retry after SNS failed). */
      readonly delivery: DeliveryReport;
    }
  | {
      readonly kind: 'recorded';
      readonly run: RunSummary;
      readonly transitions: readonly Transition[];
      /** Whether this run had something to say and it reached the alerts topic in this invocation. */
      readonly alerted: boolean;
      readonly result?: AuditResult;
      /** Crashed runs this run rolled back before starting; their transitions are alerted again by this one. */
      readonly rolledBack: readonly RollbackResult[];
      /** What this invocation delivered from the outbox, this run's alert included; `error` when some wait. */
      readonly delivery: DeliveryReport;
      /** The states this run leaves open, for the drift metrics (oldest open, open per severity). */
      readonly openStates: readonly FindingState[];
      /** The environments the run audited, with their region; empty when no baseline could be used. */
      readonly environments: readonly { readonly name: string; readonly region?: string }[];
      /** A change-driven run: the targeted environments whose read failed (their changes wait for a retry). */
      readonly failedEnvironments?: readonly string[];
    };

/**
 * One audit, end to end: baseline from S3 (falling back to the last valid one), live read
 * (incremental for SSM), analysis, lifecycle against history, then the run's sinks: reports to S3,
 * idempotent recording with every sink's entry in the outbox, then delivery of every entry waiting in
 * the outbox. Composition only: every step lives in its own module. A delivery failure does not undo
 * the recorded run: it comes back in `delivery.error` and the entry is delivered by the next invocation.
 */
export async function runAudit(trigger: AuditTrigger, deps: AuditDependencies): Promise<AuditOutcome> {
  const clock = deps.clock ?? (() => new Date());
  const sinks = deps.sinks ?? standardRunSinks(deps);
  // Checked before anything is read or written: a list no sink records would lose the run.
  recorderOf(sinks);
  const claim = await deps.history.status(trigger.idempotencyKey);
  // A redelivery of a recorded event: nothing to record, but what its first delivery could not send goes now.
  if (claim.state === 'complete') return { kind: 'duplicate', runId: claim.runId, delivery: await deliverOutbox(deps.history, sinks) };
  // Any earlier delivery that died mid-way (this event's or another's): undo what it wrote, then run as a first attempt.
  const rolledBack = await deps.history.recoverCrashedRuns({ idempotencyKey: trigger.idempotencyKey, singleConcurrency: deps.singleConcurrency === true });

  const startedAt = clock();
  const runId = `${startedAt.toISOString()}#${trigger.idempotencyKey}`;
  const audited = await (deps.loadBaseline ?? (() => loadAuditBaseline(deps.s3, auditBaselineLocation(deps))))();
  const baselineError = audited.kind === 'current' ? undefined : { code: 'baseline-invalid', message: baselineErrorMessage(audited) };
  const rejectedVersion = audited.kind === 'current' ? undefined : (audited.rejectedVersion ?? 'absent');

  if (audited.kind === 'none') {
    const run = summary({
      runId,
      startedAt,
      finishedAt: clock(),
      status: 'failed',
      baseline: undefined,
      snapshots: [],
      result: undefined,
      transitions: [],
      apiCalls: {},
      error: baselineError,
    });
    return record(deps, sinks, { idempotencyKey: trigger.idempotencyKey, run, transitions: [], next: [] }, { rejectedVersion, rolledBack });
  }

  const collection =
    deps.collection ??
    singleFunctionCollection({
      s3: deps.s3,
      bucket: deps.bucket,
      statePrefix: deps.statePrefix,
      factory: deps.factory,
      clock,
      ...(deps.eks === undefined ? {} : { eks: deps.eks }),
    });
  const collected = await collectOf(collection, audited.baseline, trigger.changes, trigger.signal);
  const now = clock();
  const verdict = analyse({ baseline: audited.baseline, snapshots: collected.snapshots, now });
  // A change-driven run reports on what it read; what it rebuilt from the kept state is only compared with.
  const result = collected.scope === undefined ? verdict : scopedResult(verdict, collected.scope, collected.readSources ?? []);
  const previous = await deps.history.loadOpenStates();
  const declaredEnvironments = audited.baseline.environments.map((environment) => environment.name);
  const { transitions, next } = reconcile({
    previous,
    current: result,
    snapshots: collected.snapshots,
    declaredEnvironments,
    runId,
    now,
    ...(collected.scope === undefined ? {} : { scope: collected.scope }),
  });
  const run = summary({
    runId,
    startedAt,
    finishedAt: clock(),
    status: baselineError !== undefined ? 'failed' : result.status,
    baseline: { version: audited.version, baseline: audited.baseline },
    snapshots: collected.snapshots,
    result,
    transitions,
    apiCalls: collected.apiCalls,
    error: baselineError,
    ...(collected.readSources === undefined ? {} : { sources: collected.readSources }),
  });

  const output: RunOutput = {
    idempotencyKey: trigger.idempotencyKey,
    run,
    transitions,
    next,
    analysed: { baseline: audited.baseline, baselineVersion: audited.version, snapshots: collected.snapshots, result },
  };
  const outcome = await record(deps, sinks, output, { rejectedVersion, rolledBack });
  // Saved only once the run is recorded, so a crashed run is re-read in full next time.
  if (outcome.kind === 'recorded') await collected.commit();
  if (outcome.kind !== 'recorded' || collected.failedEnvironments === undefined) return outcome;
  return { ...outcome, failedEnvironments: collected.failedEnvironments };
}

/** Where `loadAuditBaseline` finds the run's baseline and keeps the last valid one. */
export function auditBaselineLocation(deps: Pick<AuditDependencies, 'bucket' | 'baselineKey' | 'statePrefix'>) {
  return { bucket: deps.bucket, key: deps.baselineKey, lastValidKey: `${deps.statePrefix}last-valid-baseline.json` };
}

/**
 * Drives the sinks through their stages (write, enqueue, record, deliver; see `RunSink`), with the
 * alert policy in between: a rejected baseline is alerted once per version, transitions every run.
 */
async function record(
  deps: AuditDependencies,
  sinks: readonly RunSink[],
  output: RunOutput,
  context: { readonly rejectedVersion: string | undefined; readonly rolledBack: readonly RollbackResult[] },
): Promise<AuditOutcome> {
  const { rejectedVersion, rolledBack } = context;
  const { run, transitions } = output;
  const links = await writeRunArtefacts(sinks, output);
  const rejectionKey = rejectionStateKey(deps.statePrefix);
  const rejectionAlerted = rejectedVersion !== undefined && (await lastAlertedRejection(deps.s3, deps.bucket, rejectionKey)) === rejectedVersion;
  const message = rejectionAlerted && transitions.length === 0 ? undefined : buildRunMessage(run, transitions, links.report);
  // Every lane's entry is recorded with the run, in the outbox: committed with it, and delivered however long its destination is down.
  const entries = outboxEntries(sinks, output, { links, ...(message === undefined ? {} : { alert: message }) });
  const recorded = await recorderOf(sinks).record(output, entries);
  if (recorded.duplicate) return { kind: 'duplicate', runId: recorded.runId, delivery: await deliverOutbox(deps.history, sinks) };
  // After the commit: the rejection's alert is in the outbox now, delivered at least once from there.
  if (message !== undefined && rejectedVersion !== undefined && !rejectionAlerted) {
    await rememberAlertedRejection(deps.s3, deps.bucket, rejectionKey, rejectedVersion, new Date(run.finishedAt));
  }
  const delivery = await deliverOutbox(deps.history, sinks);
  return {
    kind: 'recorded',
    run,
    transitions,
    alerted: message !== undefined && delivery.deliveredRuns.includes(run.runId),
    rolledBack,
    delivery,
    openStates: output.next.filter((state) => state.status === 'open'),
    environments: (output.analysed?.baseline.environments ?? []).map((environment) => ({
      name: environment.name,
      ...(environment.region === undefined ? {} : { region: environment.region }),
    })),
    ...(output.analysed === undefined ? {} : { result: output.analysed.result }),
  };
}

interface SummaryInput {
  readonly runId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly status: RunSummary['status'];
  readonly baseline: { readonly version: string; readonly baseline: Baseline } | undefined;
  readonly snapshots: readonly Snapshot[];
  readonly result: AuditResult | undefined;
  readonly transitions: readonly Transition[];
  readonly apiCalls: RunSummary['apiCalls'];
  readonly error: RunSummary['error'] | undefined;
  /** The sources the run read, when not every snapshot's (a change-driven run). */
  readonly sources?: readonly SourceStatus[];
}

function summary(input: SummaryInput): RunSummary {
  const counts = Object.fromEntries(FINDING_TYPES.map((type) => [type, input.result?.counts[type] ?? 0])) as Record<FindingType, number>;
  const kinds: TransitionKind[] = ['opened', 'changed', 'escalated', 'resolved'];
  const transitions = Object.fromEntries(kinds.map((kind) => [kind, input.transitions.filter((t) => t.kind === kind).length])) as Record<
    TransitionKind,
    number
  >;
  return {
    runId: input.runId,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    status: input.status,
    ...(input.baseline === undefined ? {} : { baselineVersion: input.baseline.version }),
    environments: input.baseline?.baseline.environments.map((environment) => environment.name) ?? [],
    sources: input.sources ?? input.snapshots.flatMap((snapshot) => snapshot.sources),
    counts,
    transitions,
    apiCalls: input.apiCalls,
    ...(input.error === undefined ? {} : { error: input.error }),
  };
}

/** Says which baseline was rejected, which one (if any) the run audited instead, then the located errors. */
function baselineErrorMessage(audited: Exclude<AuditBaseline, { kind: 'current' }>): string {
  const rejected =
    audited.rejectedVersion === undefined || audited.rejectedVersion === 'absent' ? 'the baseline' : `baseline version ${audited.rejectedVersion}`;
  const instead =
    audited.kind === 'fallback'
      ? `audited against the last valid baseline (version ${audited.version})`
      : 'no earlier valid baseline is kept, so nothing was audited';
  return `${rejected} was rejected; ${instead}:\n${audited.errors}`;
}

/** A sweep reads everything; a change-driven run only what its events touched, where the collection can. */
function collectOf(
  collection: LiveCollection,
  baseline: Baseline,
  changes: readonly EnvironmentTarget[] | undefined,
  signal: AbortSignal | undefined,
): Promise<CollectedRun> {
  if (changes === undefined) return collection.collect(baseline, signal);
  if (collection.collectChanges === undefined)
    throw new Error('this collection cannot run a change-driven audit: change events go to the single-function read');
  return collection.collectChanges(baseline, changes, signal);
}
