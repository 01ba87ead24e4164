import type { Finding, Severity } from '../model.js';
import { SEVERITIES } from '../model.js';

/**
 * One finding's standing between runs: what history remembers so the next run can tell new drift
 * from drift it already alerted on.
 *
 * Kept apart from `Finding` because a finding is one audit's verdict while a state spans audits
 * (first seen, last seen, which run wrote it).
 */
export interface FindingState {
  /** The finding's stable id (`type:environment:key`). */
  readonly id: string;
  readonly status: 'open' | 'resolved';
  /** The finding as last seen, redacted (secret values are `[secret]`). */
  readonly finding: Finding;
  /** ISO 8601: when this episode opened; a finding resolved then seen again starts a new episode. */
  readonly firstSeen: string;
  /** ISO 8601: the last run that saw the finding (for a resolved state: the last run that saw it open). */
  readonly lastSeen: string;
  /** Hash of what makes two sightings "the same drift"; see `fingerprintFinding`. Never a value in clear. */
  readonly fingerprint: string;
  readonly severity: Severity;
  /** ISO 8601: when it was resolved; only on resolved states. */
  readonly resolvedAt?: string;
  /**
   * The run that last wrote this state. Set by `reconcile` on every state it touches and left as it
   * was on states it carries over untouched, so the history store writes only what this run changed.
   */
  readonly lastRunId?: string;
  /**
   * `lastRunId` of the state this one replaces, absent when the finding had no previous state. The
   * history store makes its write conditional on it (optimistic concurrency): a state moved by
   * another run since it was loaded is never overwritten silently.
   */
  readonly previousRunId?: string;
}

/** Severity rank, 0 for `info` up to 4 for `critical`; unknown severities rank lowest. */
export function severityRank(severity: Severity): number {
  return Math.max(0, SEVERITIES.indexOf(severity));
}
