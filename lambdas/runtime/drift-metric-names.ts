/**
 * The drift metrics the audit function emits (EMF, in the stack's metrics namespace) and the dashboard
 * graphs: the contract between `lambdas/sinks/metrics/drift-metrics.ts` and `lib/drift-auditor-dashboard.ts`.
 * Renaming one orphans every datapoint already stored under the old name.
 */
export const DRIFT_METRIC = {
  /** Open findings at the end of the run; dimensions service, environment, region, severity. */
  openDrift: 'OpenDrift',
  /** Seconds since the oldest open finding was first seen (0 when none); service, environment, region. */
  oldestOpenDriftAge: 'OldestOpenDriftAge',
  /** Seconds from a value's last change (provenance `changedAt`) to the run that opened its finding; service, environment, region. */
  detectionLatency: 'DetectionLatency',
  /** Seconds a finding stayed open, on its resolution; service, environment, region. */
  timeToResolve: 'TimeToResolve',
  /** 1 for a run that could not read every source, else 0; service only. */
  partialRuns: 'PartialRuns',
} as const;

/** Dimension names of the drift metrics (with Powertools' own `service`). */
export const DRIFT_DIMENSION = { environment: 'environment', region: 'region', severity: 'severity' } as const;

/** The `region` dimension of an environment with no region (snapshot files): CloudWatch refuses an empty value. */
export const NO_REGION = 'none';
