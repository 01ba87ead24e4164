import { FINDING_TYPES, SEVERITIES } from '../../engine/model.js';
import type { AuditResult, Finding, FindingType, Severity } from '../../engine/model.js';

/**
 * What a reader asked to see (`scan --env`, `--severity`, `--type`). Every field narrows; an absent
 * field keeps everything. The same filter is applied before any renderer and before the exit code,
 * so every format and the verdict describe the same findings.
 */
export interface ReportFilter {
  /** Findings about these environments (a group finding `a+b` when any member is listed). */
  readonly environments?: readonly string[];
  /** Findings at least this severe. */
  readonly minSeverity?: Severity;
  readonly types?: readonly FindingType[];
}

/** True when the filter narrows nothing. */
export function isEmptyFilter(filter: ReportFilter): boolean {
  return filter.environments === undefined && filter.minSeverity === undefined && filter.types === undefined;
}

/** Whether an environment (or a `+`-joined group of them) is one the filter keeps. */
export function keepsEnvironment(filter: ReportFilter, environment: string): boolean {
  const wanted = filter.environments;
  if (wanted === undefined) return true;
  return environment.split('+').some((member) => wanted.includes(member));
}

/** Whether a finding passes every part of the filter. */
export function keepsFinding(filter: ReportFilter, finding: Finding): boolean {
  if (!keepsEnvironment(filter, finding.environment)) return false;
  if (filter.minSeverity !== undefined && SEVERITIES.indexOf(finding.severity) < SEVERITIES.indexOf(filter.minSeverity)) return false;
  return filter.types === undefined || filter.types.includes(finding.type);
}

/**
 * The audit as the filter sees it. Findings are narrowed by all three parts; completeness only by
 * environment: an unread source in a filtered-out environment says nothing about the environments
 * shown, while in a shown one it leaves keys of every type and severity unknown, so `--severity` and
 * `--type` never turn a partial audit into a complete one.
 */
export function filterAuditResult(result: AuditResult, filter: ReportFilter): AuditResult {
  if (isEmptyFilter(filter)) return result;
  const findings = result.findings.filter((finding) => keepsFinding(filter, finding));
  const partialEnvironments = result.partialEnvironments.filter((environment) => keepsEnvironment(filter, environment));
  const completeEnvironments = result.completeEnvironments.filter((environment) => keepsEnvironment(filter, environment));
  const counts = Object.fromEntries(FINDING_TYPES.map((type) => [type, 0])) as Record<FindingType, number>;
  for (const finding of findings) counts[finding.type] += 1;
  // A partial audit without any partial environment named (nothing read at all) stays partial.
  const status = partialEnvironments.length > 0 || (result.status === 'partial' && result.partialEnvironments.length === 0) ? 'partial' : 'ok';
  return { findings, completeEnvironments, partialEnvironments, status, counts };
}

/** `--env production-eu --severity high`, for the line that says a report is filtered. */
export function describeFilter(filter: ReportFilter): string {
  const parts: string[] = [];
  if (filter.environments !== undefined) parts.push(`environment ${filter.environments.join(', ')}`);
  if (filter.minSeverity !== undefined) parts.push(`severity ${filter.minSeverity} and above`);
  if (filter.types !== undefined) parts.push(`type ${filter.types.join(', ')}`);
  return parts.join('; ');
}
