import { SEVERITIES } from '../../engine/model.js';
import type { Finding, FindingType, Severity } from '../../engine/model.js';
import type { ReportView } from './report-view.js';
import { comparedPairs, shownText } from './shown-value.js';
import { terminalText } from './terminal-text.js';
import type { Colors } from './terminal-style.js';
import { severityLabel } from './terminal-style.js';
import { visibleLength, wrapText } from './wrap-text.js';

/** Widest key the key column is padded to. */
const MAX_KEY_COLUMN = 24;
/** Widest type the type column is padded to (`unmanaged`; `exception-expired` pushes its line). */
const MAX_TYPE_COLUMN = 9;

/** The findings of one application's key and type across environments: one compact line. */
interface KeyGroup {
  /** The key as the line names it: `application:key` when findings of several applications are shown. */
  readonly key: string;
  readonly type: FindingType;
  readonly worst: Severity;
  /** Worst first, then environment (the report view's order). */
  readonly findings: readonly Finding[];
}

/**
 * Findings grouped by application, key and type, the group with the worst finding first, then key and
 * type. Two services that both read `PORT` are two keys (never one line), so when the findings shown
 * belong to more than one application a line names its key as `application:key`, the notation `ignore`
 * patterns use; a single-application estate keeps bare keys.
 */
export function groupByKey(view: ReportView): KeyGroup[] {
  const groups = new Map<string, Finding[]>();
  const applications = new Set<string>();
  for (const env of view.environments) {
    for (const finding of env.findings) {
      if (finding.application !== undefined) applications.add(finding.application);
      const id = `${finding.application ?? ''}\u0000${finding.key}\u0000${finding.type}`;
      const list = groups.get(id) ?? [];
      list.push(finding);
      groups.set(id, list);
    }
  }
  const rank = (severity: Severity) => SEVERITIES.indexOf(severity);
  return [...groups.values()]
    .map((findings) => {
      const sorted = [...findings].sort((a, b) => rank(b.severity) - rank(a.severity) || compareText(a.environment, b.environment));
      const first = sorted[0] as Finding;
      const key = applications.size > 1 && first.application !== undefined ? `${first.application}:${first.key}` : first.key;
      return { key, type: first.type, worst: first.severity, findings: sorted };
    })
    .sort((a, b) => rank(b.worst) - rank(a.worst) || compareText(a.key, b.key) || compareText(a.type, b.type));
}

/**
 * `production-us 60s≠10s`: the environment, what runs and, after `≠`, what the baseline expects.
 * Secrets are `[secret]` (the engine already masked them; {@link shownText} never unmasks). A finding
 * less severe than its line's worst says its own severity, so one line never overstates another.
 */
function cell(finding: Finding, lineWorst: Severity): string {
  const severity = finding.severity === lineWorst ? '' : ` (${finding.severity})`;
  if (finding.environment.includes('+') && finding.comparedWith !== undefined) {
    // A difference with no majority is about the group: show each member's value, none is "expected".
    return terminalText(`${comparedPairs(finding.comparedWith).join(' vs ')}${severity}`);
  }
  const actual = finding.actual === undefined ? '(absent)' : shownText(finding.actual);
  const expected = finding.expected === undefined ? '' : `≠${shownText(finding.expected)}`;
  return terminalText(`${finding.environment} ${actual}${expected}${severity}`);
}

/**
 * The compact report body (`scan --compact`): one line per key and type, worst first, listing every
 * environment it drifted in, `DB_TIMEOUT  changed  production-us 60s≠10s · production-eu 45s≠10s`.
 * Lines longer than `width` continue, indented, at a cell boundary; a cell longer than a line is
 * wrapped at its spaces.
 */
export function compactLines(view: ReportView, c: Colors, width: number): string[] {
  const groups = groupByKey(view);
  if (groups.length === 0) return [];
  // Columns line up for common lengths; a longer key or type pushes its own line instead of widening all.
  const keyWidth = Math.min(MAX_KEY_COLUMN, Math.max(...groups.map((group) => terminalText(group.key).length)));
  const typeWidth = Math.min(MAX_TYPE_COLUMN, Math.max(...groups.map((group) => group.type.length)));
  const out: string[] = [''];
  for (const group of groups) {
    const head = `${severityLabel(c, group.worst, true)}  ${c.bold(terminalText(group.key).padEnd(keyWidth))}  ${group.type.padEnd(typeWidth)}  `;
    // Continuation lines start under the first cell when that leaves room, else four columns in.
    const indent = visibleLength(head) <= width / 2 ? ' '.repeat(visibleLength(head)) : '    ';
    out.push(
      ...layoutCells(
        head,
        indent,
        group.findings.map((finding) => cell(finding, group.worst)),
        width,
      ),
    );
  }
  return out;
}

function layoutCells(head: string, indent: string, cells: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = head;
  /** Puts `text` after `line`, wrapping it at its spaces when it does not fit the rest of the line. */
  const append = (text: string) => {
    const parts = wrapText(text, Math.max(20, width - visibleLength(line)));
    line += parts[0] ?? '';
    for (const part of parts.slice(1)) {
      lines.push(line);
      line = indent + part;
    }
  };
  cells.forEach((text, i) => {
    if (i === 0) {
      // A head too wide to leave the first cell room: the cell starts the next line.
      if (visibleLength(line) + text.length > width && visibleLength(line) > indent.length) {
        lines.push(line.trimEnd());
        line = indent;
      }
      append(text);
    } else if (visibleLength(line) + 3 + text.length <= width) {
      line += ` · ${text}`;
    } else {
      lines.push(line);
      line = indent;
      append(text);
    }
  });
  lines.push(line);
  return lines;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
