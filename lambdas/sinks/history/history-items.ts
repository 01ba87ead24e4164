import { redactFinding, redactShownValue } from '../../engine/lifecycle/redact-finding.js';
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import { severityRank } from '../../engine/lifecycle/finding-state.js';
import type { RunSummary, Severity, Transition, TransitionKind } from '../../engine/model.js';
import { boundStrings, MIN_PREVIEW_BYTES, VALUE_PREVIEW_BYTES } from './bounded-text.js';
import { HistoryWriteError } from './history-errors.js';
import { historyKeys } from './table-schema.js';

/** Default retention of transitions, runs, claims and resolved states: a year and a month of margin. */
export const DEFAULT_RETENTION_DAYS = 400;

/** A transition as history returns it: the transition plus the run that made it. */
export interface RecordedTransition extends Transition {
  readonly runId: string;
}

/** Whether a run finished recording (`complete`) or is still being written (or crashed while it was). */
export type RecordingStatus = 'recording' | 'complete';

/**
 * Where an idempotency claim stands. `recording` -> `complete` is the commit; `recording` ->
 * `rolling-back` -> `rolled-back` is a rollback, which first takes the claim out of `recording` so a
 * late commit of the crashed run can no longer land. A `rolled-back` claim may be claimed again.
 */
export type ClaimStatus = RecordingStatus | 'rolling-back' | 'rolled-back';

/**
 * Largest UTF-8 text of any one value (or message, or command) a history item keeps; longer ones are
 * kept as a preview and a SHA-256 fingerprint (`previewText`). The full value stays in the S3 report.
 */
export const HISTORY_VALUE_PREVIEW_BYTES = VALUE_PREVIEW_BYTES;

/**
 * Budget of the one JSON document a transition or state item holds. A state item holds two (the state
 * and the `priorState` it replaced) plus bookkeeping, so two budgets stay well inside DynamoDB's 400 KB.
 */
export const HISTORY_DOCUMENT_BUDGET_BYTES = 160 * 1024;

/** A run as history returns it. */
export interface RecordedRun {
  readonly summary: RunSummary;
  readonly recording: RecordingStatus;
}

/** The item of one transition. Every key attribute is a string; `transition` holds the redacted JSON. */
export interface TransitionItem {
  readonly pk: string;
  readonly sk: string;
  readonly itemType: 'transition';
  readonly runId: string;
  readonly at: string;
  readonly kind: TransitionKind;
  readonly findingId: string;
  readonly type: string;
  readonly severity: Severity;
  readonly environment: string;
  readonly region: string;
  readonly key: string;
  readonly transition: string;
  readonly gsi1pk: string;
  readonly gsi1sk: string;
  readonly gsi2pk: string;
  readonly gsi2sk: string;
  readonly gsi3pk: string;
  readonly gsi3sk: string;
  readonly expiresAt: number;
}

/** Attributes of a finding's state item besides its keys and the bookkeeping the store adds. */
export interface StateAttributes {
  readonly itemType: 'state';
  readonly findingId: string;
  readonly status: FindingState['status'];
  readonly severity: Severity;
  readonly type: string;
  readonly environment: string;
  readonly region: string;
  readonly key: string;
  readonly lastRunId: string;
  /** The redacted `FindingState` as JSON. */
  readonly state: string;
  /** Present while open: the finding is in the sparse `open` index. */
  readonly openpk?: string;
  readonly opensk?: string;
  /** Present once resolved: open states never expire. */
  readonly expiresAt?: number;
}

/** Epoch seconds `days` after an ISO time: the TTL attribute DynamoDB expires items by. */
export function expiresAt(isoTime: string, days: number): number {
  return Math.floor(Date.parse(isoTime) / 1000) + Math.round(days * 86_400);
}

/** The item recording one transition of `runId`. */
export function toTransitionItem(transition: Transition, runId: string, retentionDays: number): TransitionItem {
  const finding = redactFinding(transition.finding);
  const safe: Transition = {
    ...transition,
    finding,
    ...(transition.previous === undefined ? {} : { previous: redactPrevious(transition.previous) }),
  };
  return {
    pk: historyKeys.findingPk(finding.id),
    sk: historyKeys.transitionSk(transition.at, transition.kind),
    itemType: 'transition',
    runId,
    at: transition.at,
    kind: transition.kind,
    findingId: finding.id,
    type: finding.type,
    severity: finding.severity,
    environment: finding.environment,
    region: regionOf(finding.region),
    key: finding.key,
    transition: boundedJson(safe, `transition ${transition.kind} of finding ${finding.id}`),
    gsi1pk: historyKeys.regionPk(finding.region),
    gsi1sk: historyKeys.timeAndIdSk(transition.at, finding.id),
    gsi2pk: historyKeys.keyPk(finding.key),
    gsi2sk: historyKeys.timeAndEnvironmentSk(transition.at, finding.environment),
    gsi3pk: historyKeys.environmentPk(finding.environment),
    gsi3sk: historyKeys.timeAndIdSk(transition.at, finding.id),
    expiresAt: expiresAt(transition.at, retentionDays),
  };
}

/** The state item's attributes for `state`; `runId` is the run writing it. */
export function toStateAttributes(state: FindingState, runId: string, retentionDays: number): StateAttributes {
  const finding = redactFinding(state.finding);
  const safe: FindingState = { ...state, finding, lastRunId: runId };
  const common = {
    itemType: 'state' as const,
    findingId: state.id,
    status: state.status,
    severity: state.severity,
    type: finding.type,
    environment: finding.environment,
    region: regionOf(finding.region),
    key: finding.key,
    lastRunId: runId,
    state: boundedJson(safe, `state of finding ${state.id}`),
  };
  if (state.status === 'open') {
    return {
      ...common,
      openpk: historyKeys.openPk,
      opensk: historyKeys.openSk(severityRank(state.severity), finding.environment, state.id),
    };
  }
  return { ...common, expiresAt: expiresAt(state.resolvedAt ?? state.lastSeen, retentionDays) };
}

/**
 * `value` as JSON with every value bounded: previews of at most {@link HISTORY_VALUE_PREVIEW_BYTES}
 * each, cut further (512, then 256 bytes) when many values together would still exceed
 * {@link HISTORY_DOCUMENT_BUDGET_BYTES} (a parity finding compared across hundreds of environments).
 */
function boundedJson(value: unknown, what: string): string {
  let size = 0;
  for (const maxBytes of [HISTORY_VALUE_PREVIEW_BYTES, 512, MIN_PREVIEW_BYTES]) {
    const json = JSON.stringify(boundStrings(value, maxBytes));
    size = Buffer.byteLength(json);
    if (size <= HISTORY_DOCUMENT_BUDGET_BYTES) return json;
  }
  throw new HistoryWriteError(
    `cannot store ${what}: with every value cut to ${MIN_PREVIEW_BYTES} bytes it still takes ${size} bytes, over the ${HISTORY_DOCUMENT_BUDGET_BYTES} a history item allows`,
  );
}

/** Parses the `transition` attribute of a transition item. */
export function fromTransitionItem(item: Record<string, unknown>): RecordedTransition {
  const transition = JSON.parse(String(item['transition'])) as Transition;
  return { ...transition, runId: String(item['runId']) };
}

/** Parses the `state` attribute of a state item. */
export function fromStateItem(item: Record<string, unknown>): FindingState {
  return JSON.parse(String(item['state'])) as FindingState;
}

/** Parses a run item. */
export function fromRunItem(item: Record<string, unknown>): RecordedRun {
  return {
    summary: JSON.parse(String(item['summary'])) as RunSummary,
    recording: item['recording'] === 'complete' ? 'complete' : 'recording',
  };
}

function regionOf(region: string | undefined): string {
  return historyKeys.regionPk(region).slice('REGION#'.length);
}

function redactPrevious(previous: NonNullable<Transition['previous']>): NonNullable<Transition['previous']> {
  return {
    severity: previous.severity,
    ...(previous.actual === undefined ? {} : { actual: redactShownValue(previous.actual) }),
    ...(previous.expected === undefined ? {} : { expected: redactShownValue(previous.expected) }),
  };
}

/** One alert waiting in the outbox: what to publish, to which lane (one lane per destination topic). */
export interface OutboxMessage {
  /** The destination, by role (`topic`, `chatbot`): the topic ARN is resolved at delivery. */
  readonly lane: string;
  readonly subject: string;
  readonly body: string;
  /** SNS message attributes: a string, or a list of strings (published as `String.Array`). */
  readonly attributes: Readonly<Record<string, string | readonly string[]>>;
}

/** An outbox entry as the store returns it for delivery. */
export interface PendingAlert extends OutboxMessage {
  /** The run that recorded the transitions the alert is about. */
  readonly runId: string;
  readonly idempotencyKey: string;
  /** Its key in the lane's partition; entries are delivered in this order (run start time). */
  readonly sk: string;
}

/** The outbox item of `message`, recorded as part of `run`: one per run and lane. */
export function toOutboxItem(message: OutboxMessage, run: Pick<RunSummary, 'runId' | 'startedAt'>, idempotencyKey: string, retentionDays: number) {
  return {
    pk: historyKeys.outboxPk(message.lane),
    sk: historyKeys.runSk(run.startedAt, run.runId),
    itemType: 'outbox' as const,
    lane: message.lane,
    runId: run.runId,
    idempotencyKey,
    startedAt: run.startedAt,
    subject: message.subject,
    body: message.body,
    // JSON rather than a map: attribute lists may be empty, and DynamoDB sets may not.
    attributes: JSON.stringify(message.attributes),
    expiresAt: expiresAt(run.startedAt, retentionDays),
  };
}

/** Parses an outbox item. */
export function fromOutboxItem(item: Record<string, unknown>): PendingAlert {
  return {
    lane: String(item['lane']),
    subject: String(item['subject']),
    body: String(item['body']),
    attributes: JSON.parse(String(item['attributes'] ?? '{}')) as PendingAlert['attributes'],
    runId: String(item['runId']),
    idempotencyKey: String(item['idempotencyKey']),
    sk: String(item['sk']),
  };
}

/**
 * A fence: what a rollback leaves at the key of an item a crashed run wrote or may still write. Every
 * write of a run is conditional on the item not naming that run in `fencedRuns`, so a write of the
 * crashed run that lands late (a request the client gave up on, a frozen Lambda thawed) is refused
 * instead of bringing the run back. It carries no index attributes, so no query sees it; it expires.
 */
export function toFenceItem(key: { pk: string; sk: string }, fencedRuns: ReadonlySet<string>, now: Date, retentionDays: number) {
  return { ...key, itemType: 'fence' as const, fencedRuns: new Set(fencedRuns), expiresAt: expiresAt(now.toISOString(), retentionDays) };
}
