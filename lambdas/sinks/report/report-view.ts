import { SEVERITIES } from '../../engine/model.js';
import type { Finding, Severity, SourceStatus, Transition } from '../../engine/model.js';
import type { ReportEnvironment, ReportInput } from './report-input.js';

/** Severities worst first, the order every report lists findings in. */
export const SEVERITIES_WORST_FIRST: readonly Severity[] = [...SEVERITIES].reverse();

/** A count per severity, every severity present. */
export type SeverityCounts = Record<Severity, number>;

/** One environment's section of a report. */
export interface EnvironmentView extends ReportEnvironment {
  /** False when one of its sources failed: keys absent there are unknown, not missing. */
  readonly complete: boolean;
  /** Worst first, then key, type, id. */
  readonly findings: readonly Finding[];
  readonly counts: SeverityCounts;
  /** Absent when the environment has no finding. */
  readonly worst?: Severity;
}

/**
 * The shape every human renderer (terminal, Markdown, HTML) walks: findings grouped and ordered once,
 * so the three formats cannot disagree on order, counts or what "partial" means.
 */
export interface ReportView {
  /** `partial` when the engine says so or when any source failed, whichever the input says first. */
  readonly status: 'ok' | 'partial';
  /** Environments with findings, worst first, then the rest; ties by name. */
  readonly environments: readonly EnvironmentView[];
  readonly failedSources: readonly SourceStatus[];
  /** Environments with at least one failed source, by name. */
  readonly partialEnvironments: readonly string[];
  readonly sourcesRead: number;
  readonly sourcesTotal: number;
  readonly totals: SeverityCounts;
  readonly findingCount: number;
  /** Open transitions (opened, changed, escalated) by finding id. */
  readonly transitionsByFinding: ReadonlyMap<string, Transition>;
  /** Findings resolved by this run, by id. */
  readonly resolved: readonly Transition[];
}

/** A zero count for every severity. */
export function emptySeverityCounts(): SeverityCounts {
  return { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
}

function rank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Worst severity first, then environment, key, type and id: total, so output never depends on input order. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    rank(b.severity) - rank(a.severity) ||
    compareText(a.environment, b.environment) ||
    compareText(a.key, b.key) ||
    compareText(a.type, b.type) ||
    compareText(a.id, b.id)
  );
}

/** Build the grouped, ordered view of a report input. Pure; the input is not modified. */
export function toReportView(input: ReportInput): ReportView {
  const { result } = input;
  const failedSources = input.sources.filter((s) => s.status === 'error').sort((a, b) => compareText(a.id, b.id));
  const partialEnvironments = [...new Set(result.partialEnvironments)].sort(compareText);
  const status = result.status === 'partial' || failedSources.length > 0 || partialEnvironments.length > 0 ? 'partial' : 'ok';

  const declared = new Map<string, ReportEnvironment>();
  for (const env of input.environments) declared.set(env.name, env);
  const byEnvironment = new Map<string, Finding[]>();
  for (const finding of result.findings) {
    const list = byEnvironment.get(finding.environment) ?? [];
    list.push(finding);
    byEnvironment.set(finding.environment, list);
    if (!declared.has(finding.environment)) {
      // A finding about an environment the caller did not list still gets a heading.
      declared.set(finding.environment, {
        name: finding.environment,
        tier: finding.tier ?? (isGroup(finding.environment) ? 'across tiers' : 'unknown'),
        ...(finding.region !== undefined ? { region: finding.region } : {}),
        ...(finding.account !== undefined ? { account: finding.account } : {}),
      });
    }
  }
  for (const name of partialEnvironments) if (!declared.has(name)) declared.set(name, { name, tier: 'unknown' });

  const totals = emptySeverityCounts();
  const environments: EnvironmentView[] = [...declared.values()].map((env) => {
    const findings = [...(byEnvironment.get(env.name) ?? [])].sort(compareFindings);
    const counts = emptySeverityCounts();
    for (const f of findings) {
      counts[f.severity] += 1;
      totals[f.severity] += 1;
    }
    const worst = findings[0]?.severity;
    return {
      name: env.name,
      tier: env.tier,
      ...(env.region !== undefined ? { region: env.region } : {}),
      ...(env.account !== undefined ? { account: env.account } : {}),
      complete: !partialEnvironments.includes(env.name),
      findings,
      counts,
      ...(worst !== undefined ? { worst } : {}),
    };
  });
  environments.sort(
    (a, b) =>
      (b.worst === undefined ? -1 : rank(b.worst)) - (a.worst === undefined ? -1 : rank(a.worst)) ||
      b.findings.length - a.findings.length ||
      compareText(a.name, b.name),
  );

  const transitionsByFinding = new Map<string, Transition>();
  const resolved: Transition[] = [];
  for (const t of input.transitions ?? []) {
    if (t.kind === 'resolved') resolved.push(t);
    else transitionsByFinding.set(t.finding.id, t);
  }
  resolved.sort((a, b) => compareFindings(a.finding, b.finding));

  return {
    status,
    environments,
    failedSources,
    partialEnvironments,
    sourcesRead: input.sources.length - failedSources.length,
    sourcesTotal: input.sources.length,
    totals,
    findingCount: result.findings.length,
    transitionsByFinding,
    resolved,
  };
}

/** `3 findings (1 critical, 2 high)`, or `0 findings`: severities worst first, zero counts left out. */
export function describeCounts(totals: SeverityCounts, total: number): string {
  const parts = SEVERITIES_WORST_FIRST.filter((s) => totals[s] > 0).map((s) => `${totals[s]} ${s}`);
  const head = plural(total, 'finding');
  return parts.length === 0 ? head : `${head} (${parts.join(', ')})`;
}

/** A group finding's environment: its members joined with `+`. */
function isGroup(environment: string): boolean {
  return environment.includes('+');
}

/** `1 environment`, `3 environments`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The sentence every human format closes on; never "no drift" unless every source was read. */
export function summarySentence(view: ReportView): string {
  // A finding on a group of environments (`staging+production`: a difference with no majority) is
  // about each member: count members, never the group as an environment of its own.
  const shown = new Set(view.environments.filter((e) => !isGroup(e.name)).map((e) => e.name));
  const envCount = shown.size;
  if (view.status === 'partial') {
    const unknownIn =
      view.partialEnvironments.length > 0
        ? `keys absent in ${view.partialEnvironments.join(', ')} are unknown, not missing`
        : 'keys absent there are unknown, not missing';
    return (
      `Incomplete audit: ${describeCounts(view.totals, view.findingCount)} in the sources that were read; ` +
      (view.failedSources.length > 0
        ? `${view.failedSources.length} of ${plural(view.sourcesTotal, 'source')} could not be read ` +
          `(${view.failedSources.map((s) => s.id).join(', ')}), so ${unknownIn}.`
        : `some sources could not be read, so ${unknownIn}.`)
    );
  }
  if (view.findingCount === 0) {
    return `No drift: ${plural(envCount, 'environment')}, ${plural(view.sourcesRead, 'source')} read.`;
  }
  // A group kept by `--env production-eu` also names members the filter left out: count the shown ones.
  const affected = new Set(
    view.environments
      .filter((e) => e.findings.length > 0)
      .flatMap((e) => e.name.split('+'))
      .filter((name) => shown.has(name)),
  ).size;
  return (
    `Drift found: ${describeCounts(view.totals, view.findingCount)} in ${affected} of ` +
    `${plural(envCount, 'environment')}; ${plural(view.sourcesRead, 'source')} read.`
  );
}
