import { SEVERITIES, type Severity } from '../model.js';

/** Index of a severity in {@link SEVERITIES}: higher is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The worse of `severity` and `floor`: `invalid` is at least high, `exception-expired` at least medium. */
export function atLeast(severity: Severity, floor: Severity): Severity {
  return severityRank(severity) >= severityRank(floor) ? severity : floor;
}
