import { SEVERITIES } from '../../engine/model.js';
import type { FindingType, Severity } from '../../engine/model.js';
import type { ReportInput } from './report-input.js';
import { describeCounts, SEVERITIES_WORST_FIRST, summarySentence } from './report-view.js';
import type { EnvironmentView, ReportView } from './report-view.js';
import { terminalText } from './terminal-text.js';
import type { Colors, Paint } from './terminal-style.js';
import { severityPaint } from './terminal-style.js';
import { visibleLength, wrapItems, wrapPrefixed } from './wrap-text.js';

/** The verdict sentence's colour: yellow for an incomplete audit, green for none, red for drift. */
export function verdictPaint(c: Colors, view: ReportView): Paint {
  if (view.status === 'partial') return (t) => c.bold(c.yellow(t));
  return view.findingCount === 0 ? (t) => c.bold(c.green(t)) : (t) => c.bold(c.red(t));
}

/**
 * The block a terminal report opens with, so the answer is on the first screen whatever follows:
 * the verdict sentence, what the report is narrowed to, the unread sources of a partial audit, then
 * the counts by severity, by type and by environment, each worst first.
 */
export function summaryLines(input: ReportInput, view: ReportView, c: Colors, width: number): string[] {
  const out: string[] = [];
  // Wrapped here; the report's last line repeats it whole, for scripts and CI logs.
  out.push(...wrapPrefixed(terminalText(summarySentence(view)), '', '  ', width, verdictPaint(c, view)));
  if (input.filter !== undefined) {
    const { description, shown, total } = input.filter;
    out.push(...wrapPrefixed(terminalText(`Showing ${shown} of ${total} findings: ${description}.`), '', '  ', width, c.dim));
  }
  if (view.status === 'partial') out.push(...partialLines(view, c, width));
  if (view.findingCount > 0) {
    out.push('');
    const bySeverity = SEVERITIES_WORST_FIRST.filter((s) => view.totals[s] > 0).map((s) => severityPaint(c, s)(`${view.totals[s]} ${s}`));
    out.push(...wrapItems(bySeverity, `  ${c.dim('severity')}     `, ' '.repeat(15), width));
    out.push(...wrapItems(typeCounts(view), `  ${c.dim('type')}         `, ' '.repeat(15), width));
  }
  out.push(...environmentLines(view, c, width));
  return out;
}

/** Why each unread source was not read; the verdict above already says what that leaves unknown. */
function partialLines(view: ReportView, c: Colors, width: number): string[] {
  return view.failedSources.flatMap((source) => {
    const reason = source.error === undefined ? 'unknown error' : `${source.error.code}: ${source.error.message}`;
    return wrapPrefixed(terminalText(`not read: ${source.id} — ${reason}`), `  ${c.yellow('!')} `, '      ', width);
  });
}

/** `changed 9 · parity 4 · missing 2`: the type with the worst finding first, then the most findings. */
function typeCounts(view: ReportView): string[] {
  const byType = new Map<FindingType, { count: number; worst: Severity }>();
  for (const env of view.environments) {
    for (const finding of env.findings) {
      const entry = byType.get(finding.type);
      if (entry === undefined) byType.set(finding.type, { count: 1, worst: finding.severity });
      else {
        entry.count += 1;
        if (SEVERITIES.indexOf(finding.severity) > SEVERITIES.indexOf(entry.worst)) entry.worst = finding.severity;
      }
    }
  }
  return [...byType.entries()]
    .sort(([a, x], [b, y]) => SEVERITIES.indexOf(y.worst) - SEVERITIES.indexOf(x.worst) || y.count - x.count || (a < b ? -1 : a > b ? 1 : 0))
    .map(([type, { count }]) => `${type} ${count}`);
}

/** One line per environment, worst first, those in sync last; names padded to one column. */
function environmentLines(view: ReportView, c: Colors, width: number): string[] {
  if (view.environments.length === 0) return [];
  const nameWidth = Math.min(MAX_NAME_COLUMN, Math.max(...view.environments.map((env) => terminalText(env.name).length)));
  return ['', `  ${c.dim('environment')}`, ...view.environments.flatMap((env) => environmentLine(env, nameWidth, c, width))];
}

/** Widest environment name the name column is padded to; a group (`a+b`) is often longer. */
const MAX_NAME_COLUMN = 16;

/** `production-us  12 findings (...)  production · us-east-1 · 1234`; what does not fit goes below. */
function environmentLine(env: EnvironmentView, nameWidth: number, c: Colors, width: number): string[] {
  const facts = [env.tier, env.region, env.account].filter((f): f is string => f !== undefined);
  let state: string;
  let paint: Paint;
  if (env.findings.length > 0) {
    state = describeCounts(env.counts, env.findings.length);
    paint = env.worst === undefined ? (t) => t : severityPaint(c, env.worst);
  } else if (env.complete) {
    state = '✓ in sync';
    paint = c.green;
  } else {
    state = '? unknown: not every source could be read';
    paint = c.yellow;
  }
  if (!env.complete && env.findings.length > 0) state += '  (partial: absent keys unknown)';
  const name = `    ${c.bold(terminalText(env.name).padEnd(nameWidth))}  `;
  const indent = ' '.repeat(6 + nameWidth);
  const lines = wrapPrefixed(state, name, indent, width, paint);
  if (facts.length === 0) return lines;
  const factText = c.dim(terminalText(facts.join(' · ')));
  const last = lines.length - 1;
  if (visibleLength(lines[last] as string) + 2 + visibleLength(factText) <= width) lines[last] = `${lines[last]}  ${factText}`;
  else lines.push(...wrapPrefixed(terminalText(facts.join(' · ')), indent, indent, width, c.dim));
  return lines;
}
