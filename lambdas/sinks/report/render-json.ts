import { FINDING_TYPES } from '../../engine/model.js';
import type { Finding, FindingType, SourceStatus, Transition } from '../../engine/model.js';
import { compareText, findingJson, ordered, shown } from './finding-json.js';
import type { Json } from './finding-json.js';
import type { ReportInput } from './report-input.js';
import { REPORT_SCHEMA_ID } from './report-schema.js';
import type { JsonReport } from './report-schema.js';
import { compareFindings, emptySeverityCounts, summarySentence, toReportView } from './report-view.js';

function sourceJson(s: SourceStatus): Json {
  return ordered(s, ['id', 'kind', 'layers', 'status', 'itemCount', 'error', 'warnings']);
}

function transitionJson(t: Transition): Json {
  const previous =
    t.previous === undefined
      ? undefined
      : ordered({ ...t.previous, actual: shown(t.previous.actual), expected: shown(t.previous.expected) }, ['severity', 'expected', 'actual']);
  return ordered({ ...t, finding: findingJson(t.finding), previous }, ['kind', 'at', 'firstSeen', 'previous', 'finding']);
}

function typeCounts(findings: readonly Finding[]): Record<FindingType, number> {
  const counts = Object.fromEntries(FINDING_TYPES.map((t) => [t, 0])) as Record<FindingType, number>;
  for (const f of findings) counts[f.type] += 1;
  return counts;
}

/**
 * The machine-readable report, `schema: "drift-audit.report/1"` (see `reportSchema` in
 * `report-schema.ts`, which documents every field and yields a JSON Schema).
 *
 * `complete` is the first property: false when any source could not be read.
 * Stable bytes for the same input: findings worst first then environment, key, type; environments
 * by name; sources by id; object fields in a fixed order; two-space indent and a final newline.
 * Counts are recomputed from the findings so they always match what the report lists. Every secret
 * value is `[secret]` whatever its text said.
 */
export function renderJson(input: ReportInput): string {
  const view = toReportView(input);
  const findings = [...input.result.findings].sort(compareFindings);
  const environments = [...view.environments]
    .sort((a, b) => compareText(a.name, b.name))
    .map((env) => ({
      name: env.name,
      tier: env.tier,
      region: env.region ?? null,
      account: env.account ?? null,
      complete: env.complete,
      counts: env.counts,
    }));
  const transitions =
    input.transitions === undefined
      ? null
      : [...input.transitions].sort((a, b) => compareFindings(a.finding, b.finding) || compareText(a.kind, b.kind)).map(transitionJson);
  const bySeverity = emptySeverityCounts();
  for (const f of findings) bySeverity[f.severity] += 1;
  const report = {
    // First, so a reader that stops early (or a human skimming) cannot miss an incomplete audit.
    complete: view.status === 'ok',
    schema: REPORT_SCHEMA_ID,
    generatedAt: input.generatedAt,
    status: view.status,
    summary: summarySentence(view),
    baselineVersion: input.baselineVersion ?? null,
    counts: { total: findings.length, bySeverity, byType: typeCounts(findings) },
    environments,
    sources: [...input.sources].sort((a, b) => compareText(a.id, b.id)).map(sourceJson),
    findings: findings.map(findingJson),
    transitions,
  } satisfies Record<keyof JsonReport, unknown>;
  return `${JSON.stringify(report, null, 2)}\n`;
}
