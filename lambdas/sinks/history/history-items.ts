import { redactFinding, redactShownValue } from '../../engine/lifecycle/redact-finding.js';
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import { severityRank } from '../../engine/lifecycle/finding-state.js';
import type { RunSummary, Severity, Transition, TransitionKind } from '../../engine/model.js';
import { historyKeys } from './table-schema.js';

/** Default retention of transitions, runs, claims and resolved states: a year and a month of margin. */
export const DEFAULT_RETENTION_DAYS = 400;

/** A transition as history returns it: the transition plus the run that made it. */
export interface RecordedTransition extends Transition {
  readonly runId: string;
}

/** Whether a run finished recording (`complete`) or is still being written (or crashed while it was). */
export type RecordingStatus = 'recording' | 'complete';

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
    transition: JSON.stringify(safe),
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
    state: JSON.stringify(safe),
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
