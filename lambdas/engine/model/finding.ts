/**
 * The finding vocabulary: drift found by the engine, its fixes, and how findings move between runs.
 */
import type { Severity } from './baseline.js';
import type { Provenance } from './observation.js';

/** The kinds of drift the engine reports. */
export const FINDING_TYPES = [
  'changed',
  'missing',
  'unmanaged',
  'parity',
  'exception-expired',
  'invalid',
  'shadowed',
  'version',
  'secret-version',
  'stale',
  'source-error',
] as const;
/** A kind of drift. */
export type FindingType = (typeof FINDING_TYPES)[number];

/** A suggested remedy. Commands never contain secret values. */
export interface Fix {
  /** One line a human reads. */
  readonly summary: string;
  /** Shell command that applies it, when there is one. */
  readonly command?: string;
  /** Baseline edit that applies it (used by `baseline accept`). */
  readonly baselineEdit?: BaselineEdit;
}

/**
 * A structural edit of the baseline YAML. `path` addresses a node from the document root, e.g.
 * `['settings', 'DB_TIMEOUT', 'environments', 'production-eu']`; `value: undefined` deletes it.
 */
export interface BaselineEdit {
  readonly path: readonly string[];
  readonly value: string | null | undefined | Readonly<Record<string, string>>;
  /** The file to edit when known; otherwise the file that declares the setting, or the main file. */
  readonly file?: string;
  /** `append` adds `value` to the sequence at `path` (exceptions, ignore). */
  readonly op?: 'set' | 'delete' | 'append';
}

/** A value shown to people: secrets are rendered as `[secret]` and flagged. */
export interface ShownValue {
  readonly text: string;
  readonly secret: boolean;
}

/** A typed difference between the live estate and the baseline. */
export interface Finding {
  /** Stable across runs: `type:environment:key` (`parity:production:KEY`, `version:production-eu:deployment/api/app`). */
  readonly id: string;
  readonly type: FindingType;
  readonly severity: Severity;
  /** Environment the finding is about; for parity, the environment that deviates. */
  readonly environment: string;
  readonly tier?: string;
  readonly region?: string;
  readonly account?: string;
  /** The application whose key this is; absent for findings not about one application. */
  readonly application?: string;
  readonly key: string;
  /** What the baseline wants; absent when nothing is declared. */
  readonly expected?: ShownValue;
  /** What is live; absent for `missing`. */
  readonly actual?: ShownValue;
  /** One sentence a human reads first. */
  readonly message: string;
  /** Where the actual value came from; the effective (winning) observation first. */
  readonly provenance: readonly Provenance[];
  /** For parity and version: the value per environment that was compared. */
  readonly comparedWith?: Readonly<Record<string, ShownValue>>;
  readonly fixes: { readonly revert?: Fix; readonly accept?: Fix };
}

/** The engine's verdict on one audit. */
export interface AuditResult {
  /** Sorted by severity (worst first), then environment, key, type. */
  readonly findings: readonly Finding[];
  /** Environments whose every source was read. */
  readonly completeEnvironments: readonly string[];
  /** Environments with at least one source that failed: their absent keys are unknown, not missing. */
  readonly partialEnvironments: readonly string[];
  readonly status: 'ok' | 'partial';
  readonly counts: Readonly<Record<FindingType, number>>;
}

/** How a finding moved between two runs. Alerts are sent for transitions only. */
export type TransitionKind =
  /** First seen (or seen again after it had been resolved). */
  | 'opened'
  /** Still open, but the actual value, expected value or provenance changed. */
  | 'changed'
  /** Still open, severity went up. */
  | 'escalated'
  /** Open before, gone now, and every source it depends on was read. */
  | 'resolved';

/** One finding's move, as recorded in history and sent to SNS and Slack. */
export interface Transition {
  readonly kind: TransitionKind;
  /** For `resolved`: the finding as it was last seen. */
  readonly finding: Finding;
  /** ISO 8601: when the finding was first opened (this episode). */
  readonly firstSeen: string;
  /** ISO 8601: the run that made this transition. */
  readonly at: string;
  /** For `changed` and `escalated`: what it was before. */
  readonly previous?: { readonly severity: Severity; readonly actual?: ShownValue; readonly expected?: ShownValue };
}
