import type { FindingState } from '../engine/lifecycle/finding-state.js';
import type { AuditResult, Baseline, RunSummary, Snapshot, Transition } from '../engine/model.js';
import type { ReportLocation, RunMessage } from './alerts/run-message.js';
import type { OutboxMessage, PendingAlert } from './history/history-items.js';

/** What one run produced: every sink receives the same value. */
export interface RunOutput {
  /** The scheduled event's identity: a redelivery carries the same key. */
  readonly idempotencyKey: string;
  readonly run: RunSummary;
  readonly transitions: readonly Transition[];
  /** Every finding state after the run (the lifecycle's `next`); those this run changed carry its run id. */
  readonly next: readonly FindingState[];
  /** What was analysed; absent when the run failed before analysing (no usable baseline). */
  readonly analysed?: {
    readonly baseline: Baseline;
    /** The S3 version of the baseline the run audited against. */
    readonly baselineVersion: string;
    readonly snapshots: readonly Snapshot[];
    readonly result: AuditResult;
  };
}

/** What the `write` stage left for later stages to point at. */
export interface RunLinks {
  /** The run's full report, which alerts link to. */
  readonly report?: ReportLocation;
}

/** What a sink may put in its outbox lane: the lane itself is the sink's name. */
export type OutboxEntry = Omit<OutboxMessage, 'lane'>;

/** What the enqueue stage knows besides the run. */
export interface EnqueueContext {
  /**
   * The run's alert after the alert policy (a run alerts on transitions, and a rejected baseline once
   * per version), with the links of the write stage; undefined when the run has nothing to alert.
   */
  readonly alert?: RunMessage;
  readonly links: RunLinks;
}

/** What the record stage did. */
export interface RunRecordResult {
  /** True when this event was already recorded completely: nothing was written, nothing new is alerted. */
  readonly duplicate: boolean;
  /** The run that recorded the event (an earlier one on a duplicate). */
  readonly runId: string;
}

/**
 * One destination of what a run produces (the S3 reports, the DynamoDB history, the SNS alert, the
 * Chatbot message, ...). A run drives its sinks through four stages, each sink taking part in those it
 * implements, in the order the sinks are listed:
 *
 * 1. `write`, before anything is recorded: artefacts the record and the alerts point at (reports).
 *    A throw fails the invocation with nothing recorded, so its retry writes again: nothing is lost.
 * 2. `enqueue`: the entry this sink delivers after the commit. It goes into the sink's own outbox lane
 *    (named after the sink) and is committed with the run, or rolled back with it.
 * 3. `record`: exactly one sink records the run (the history), with every lane's entry, and commits it.
 * 4. `deliver`, after the commit, once per committed entry of the sink's lane, oldest run first. A
 *    throw leaves that entry and the rest of the lane for the next invocation (a lane never delivers
 *    out of order) and is reported as the invocation's `AlertDeliveryError`; the other lanes are still
 *    delivered. At least once: an entry is acknowledged only after `deliver` returns.
 *
 * Why the outbox rather than calling each sink after the commit: a destination that is down, or a
 * crash between the commit and the call, would lose that run's output; from the outbox it is
 * delivered by the next invocation, however long the outage lasts.
 */
export interface RunSink {
  /** Names the sink in errors and logs, and is its outbox lane; stable, since lanes are stored. */
  readonly name: string;
  /** Where `deliver` sends (a topic ARN), named in delivery errors. @default the sink's name */
  readonly destination?: string;
  /**
   * True for the sink whose delivery is the run's alert: its deliveries make the outcome `alerted`
   * and are `deliveredRuns` in the delivery report. @default false
   */
  readonly alerting?: boolean;
  /**
   * True for a sink whose delivery must never fail the audit (pull requests: a rate-limited API is
   * routine): its failures are reported in the delivery's `deferred`, not its `error`, so the
   * invocation succeeds, and the entry stays in the lane for the next run. @default false
   */
  readonly deferrable?: boolean;
  write?(output: RunOutput): Promise<RunLinks>;
  enqueue?(output: RunOutput, context: EnqueueContext): OutboxEntry | undefined;
  record?(output: RunOutput, entries: readonly OutboxMessage[]): Promise<RunRecordResult>;
  deliver?(entry: PendingAlert): Promise<void>;
}

/** A list of sinks that cannot run: no sink records the run, several do, or two share a name. */
export class RunSinkCompositionError extends Error {
  override readonly name = 'RunSinkCompositionError';
  readonly code = 'RUN_SINKS_INVALID';
}

/** The one sink of `sinks` that records runs; throws when there is none or more than one, or two sinks share a lane. */
export function recorderOf(sinks: readonly RunSink[]): RunSink & Required<Pick<RunSink, 'record'>> {
  const names = sinks.map((sink) => sink.name);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) {
    throw new RunSinkCompositionError(`run sinks need distinct names (each is an outbox lane); ${[...new Set(repeated)].join(', ')} is used twice`);
  }
  const recorders = sinks.filter((sink) => sink.record !== undefined);
  const [recorder] = recorders;
  if (recorders.length !== 1 || recorder === undefined) {
    throw new RunSinkCompositionError(
      `a run needs exactly one sink that records it (the history); got ${recorders.length}${recorders.length > 0 ? `: ${recorders.map((sink) => sink.name).join(', ')}` : ''} among ${sinks.map((sink) => sink.name).join(', ') || 'no sinks'}`,
    );
  }
  return recorder as RunSink & Required<Pick<RunSink, 'record'>>;
}

/** Runs the write stage of every sink, in order, and merges what they link to. */
export async function writeRunArtefacts(sinks: readonly RunSink[], output: RunOutput): Promise<RunLinks> {
  let links: RunLinks = {};
  for (const sink of sinks) if (sink.write !== undefined) links = { ...links, ...(await sink.write(output)) };
  return links;
}

/** The outbox entries of every sink for this run, each in the sink's own lane. */
export function outboxEntries(sinks: readonly RunSink[], output: RunOutput, context: EnqueueContext): OutboxMessage[] {
  return sinks.flatMap((sink) => {
    const entry = sink.enqueue?.(output, context);
    return entry === undefined ? [] : [{ ...entry, lane: sink.name }];
  });
}
