/**
 * The run vocabulary: one audit run as recorded in history and summarised in alerts.
 */
import type { FindingType, TransitionKind } from './finding.js';
import type { SourceStatus } from './observation.js';

/** API calls made by a run, per `region:Service.Operation`. */
export type ApiCallStats = Readonly<Record<string, { readonly calls: number; readonly throttled: number }>>;

/** One audit run, as recorded in history and summarised in alerts. */
export interface RunSummary {
  readonly runId: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** `failed`: the baseline was invalid or nothing could be read; see `error`. */
  readonly status: 'ok' | 'partial' | 'failed';
  /** S3 version id (or content hash when read from disk) of the baseline used. */
  readonly baselineVersion?: string;
  readonly environments: readonly string[];
  readonly sources: readonly SourceStatus[];
  readonly counts: Readonly<Record<FindingType, number>>;
  readonly transitions: Readonly<Record<TransitionKind, number>>;
  readonly apiCalls: ApiCallStats;
  readonly error?: { readonly code: string; readonly message: string };
}
