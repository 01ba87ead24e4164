import type { EstateMatrix } from '../../engine/analyse/estate-matrix.js';
import type { AuditResult, SourceStatus, Transition } from '../../engine/model.js';
import type { ReportTimeline } from './report-timeline.js';

/** An environment as the report heads it. */
export interface ReportEnvironment {
  readonly name: string;
  readonly tier: string;
  readonly region?: string;
  readonly account?: string;
}

/**
 * Everything a report renders: the engine's verdict plus the run context the engine does not know.
 *
 * Renderers never read the clock: `generatedAt` is passed in so the same input gives the same bytes.
 */
export interface ReportInput {
  readonly result: AuditResult;
  /** ISO 8601 time the report describes (the run's time, or the CLI's `--now`). */
  readonly generatedAt: string;
  /** S3 version id or content hash of the baseline audited against. */
  readonly baselineVersion?: string;
  /** Every audited environment, including those without findings. */
  readonly environments: readonly ReportEnvironment[];
  /** Every declared source and whether it was read. */
  readonly sources: readonly SourceStatus[];
  /** Set when rendering a run whose lifecycle is known (Lambda): findings are tagged new/changed/escalated. */
  readonly transitions?: readonly Transition[];
  /** The keys x environments matrix of the audit (HTML estate report); absent: the report has no matrix. */
  readonly matrix?: EstateMatrix;
  /** Drift opened, changed and resolved per region from the history; absent: no timeline section. */
  readonly timeline?: ReportTimeline;
  /**
   * Set when `result` holds only the findings a reader asked for (`scan --env`, `--severity`,
   * `--type`): what the filter keeps and how many of the audit's findings it shows.
   */
  readonly filter?: { readonly description: string; readonly shown: number; readonly total: number };
}
