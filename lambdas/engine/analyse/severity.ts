import { SEVERITIES, type Severity } from '../model.js';

/** Index of a severity in {@link SEVERITIES}: higher is worse. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The worse of `severity` and `floor`: `invalid` is at least high, `exception-expired` at least medium. */
export function atLeast(severity: Severity, floor: Severity): Severity {
  return severityRank(severity) >= severityRank(floor) ? severity : floor;
}

/** The worst of `severities`, undefined when there are none. */
export function worstSeverity(severities: Iterable<Severity>): Severity | undefined {
  let worst: Severity | undefined;
  for (const severity of severities) if (worst === undefined || severityRank(severity) > severityRank(worst)) worst = severity;
  return worst;
}
