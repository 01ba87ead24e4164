import { FINDING_TYPES, type Finding, type FindingType } from '../model.js';
import { compareText } from './environment-context.js';
import { severityRank } from './severity.js';

/** Report order: worst severity first, then environment, key, type and id (code-unit order, locale-free). */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    compareText(a.environment, b.environment) ||
    compareText(a.key, b.key) ||
    compareText(a.type, b.type) ||
    compareText(a.id, b.id)
  );
}

/** Findings per type, every type present (zero included) so consumers never miss a column. */
export function countFindings(findings: readonly Finding[]): Record<FindingType, number> {
  const counts = Object.fromEntries(FINDING_TYPES.map((type) => [type, 0])) as Record<FindingType, number>;
  for (const finding of findings) counts[finding.type] += 1;
  return counts;
}
