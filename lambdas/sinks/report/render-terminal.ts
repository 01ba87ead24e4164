import pc from 'picocolors';
import type { Finding, Fix, Severity, ShownValue, Transition } from '../../engine/model.js';
import { formatBaselineEdit } from './format-baseline-edit.js';
import { formatProvenance } from './format-provenance.js';
import type { ReportInput } from './report-input.js';
import { describeCounts, summarySentence, toReportView } from './report-view.js';
import type { EnvironmentView, ReportView } from './report-view.js';
import { SECRET_TEXT, shownText } from './shown-value.js';
import { terminalBlock, terminalText } from './terminal-text.js';
import { wrapText } from './wrap-text.js';

/** Options for {@link renderTerminal}. */
export interface TerminalOptions {
  /** Emit ANSI colours. The CLI passes `process.stdout.isTTY` (and honours `NO_COLOR`); tests force it. */
  readonly color: boolean;
  /** Columns to wrap prose at; commands are never wrapped so they stay copyable. @default 100 */
  readonly width?: number;
  /** Also print finding ids, every provenance entry with file and region, and every source. @default false */
  readonly verbose?: boolean;
}

type Colors = ReturnType<typeof pc.createColors>;

/** Length as seen on screen: SGR colour codes take no columns. */
function visibleLength(text: string): number {
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}
type Paint = (text: string) => string;

/** A marker per severity that still reads without colour (`--no-color`, CI logs). */
const MARKERS: Readonly<Record<Severity, string>> = {
  critical: '✖',
  high: '▲',
  medium: '◆',
  low: '●',
  info: '○',
};

function severityPaint(c: Colors, severity: Severity): Paint {
  switch (severity) {
    case 'critical':
      return (t) => c.bold(c.red(t));
    case 'high':
      return c.red;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    case 'info':
      return c.dim;
  }
}

const TRANSITION_LABELS: Readonly<Record<Transition['kind'], string>> = {
  opened: 'new',
  changed: 'changed',
  escalated: 'escalated',
  resolved: 'resolved',
};

/** Renders one report; holds the options so the helpers stay one-liners. */
class TerminalReport {
  private readonly c: Colors;
  private readonly width: number;
  private readonly verbose: boolean;
  private readonly out: string[] = [];
  /** The last environment written had no finding (see {@link environment}). */
  private quiet = false;

  constructor(options: TerminalOptions) {
    this.c = pc.createColors(options.color);
    this.width = Math.max(40, options.width ?? 100);
    this.verbose = options.verbose ?? false;
  }

  render(input: ReportInput, view: ReportView): string {
    this.header(input, view);
    for (const env of view.environments) this.environment(env, view);
    if (view.resolved.length > 0) this.resolved(view.resolved);
    if (this.verbose) this.sources(input);
    this.out.push('');
    this.summary(view);
    return `${this.out.join('\n')}\n`;
  }

  private value(value: ShownValue | undefined, missing: string): string {
    if (value === undefined) return this.c.dim(missing);
    const text = shownText(value);
    return value.secret ? this.c.magenta(text) : terminalText(text);
  }

  /**
   * Prose wrapped to the width after `first` (the first line's prefix); later lines start with
   * `rest`, which defaults to the first prefix's width plus two spaces.
   */
  private prose(text: string, first: string, paint: Paint = (t) => t, rest?: string): void {
    const firstWidth = visibleLength(first);
    const restPrefix = rest ?? ' '.repeat(firstWidth + 2);
    const lines = wrapText(terminalText(text), this.width - Math.max(firstWidth, visibleLength(restPrefix)));
    lines.forEach((line, i) => {
      this.out.push((i === 0 ? first : restPrefix) + paint(line));
    });
  }

  private header(input: ReportInput, view: ReportView): void {
    const { c } = this;
    const parts = ['drift-audit report', terminalText(input.generatedAt)];
    if (input.baselineVersion !== undefined) parts.push(`baseline ${terminalText(input.baselineVersion)}`);
    this.out.push(c.bold(parts.join(' · ')));
    if (view.status === 'partial') {
      const failed = view.failedSources.length;
      this.prose(
        `PARTIAL: ${failed > 0 ? `${failed} of ${view.sourcesTotal} sources` : 'some sources'} could not be read; ` +
          (view.partialEnvironments.length > 0
            ? `keys absent in ${view.partialEnvironments.join(', ')} are unknown, not missing.`
            : 'keys absent there are unknown, not missing.'),
        '',
        (t) => c.bold(c.yellow(t)),
      );
      for (const source of view.failedSources) {
        const reason = source.error === undefined ? 'unknown error' : `${source.error.code}: ${source.error.message}`;
        this.prose(`${source.id} — ${reason}`, `  ${c.yellow('!')} `);
      }
    }
  }

  private environment(env: EnvironmentView, view: ReportView): void {
    const { c } = this;
    const facts = [env.tier, env.region, env.account].filter((f): f is string => f !== undefined);
    let state: string;
    if (env.findings.length > 0) state = describeCounts(env.counts, env.findings.length);
    else if (env.complete) state = c.green('✓ in sync');
    else state = c.yellow('? unknown: not every source could be read');
    const partial = env.complete || env.findings.length === 0 ? '' : `  ${c.yellow('(partial: absent keys unknown)')}`;
    // Environments without findings come last and sit together, one line each.
    const quiet = env.findings.length === 0;
    if (!(quiet && this.quiet)) this.out.push('');
    this.quiet = quiet;
    this.out.push(`${c.bold(terminalText(env.name))}  ${c.dim(terminalText(facts.join(' · ')))}  ${state}${partial}`);
    for (const finding of env.findings) this.finding(finding, view.transitionsByFinding.get(finding.id));
  }

  private finding(f: Finding, transition: Transition | undefined): void {
    const { c } = this;
    const paint = severityPaint(c, f.severity);
    let title = `  ${paint(`${MARKERS[f.severity]} ${f.severity.toUpperCase()}`)}  ${f.type}  ${c.bold(terminalText(f.key))}`;
    if (transition !== undefined) {
      let tag = TRANSITION_LABELS[transition.kind];
      if (transition.kind === 'escalated' && transition.previous !== undefined) tag += ` from ${transition.previous.severity}`;
      tag += `, open since ${transition.firstSeen.slice(0, 10)}`;
      title += `  ${c.magenta(`[${terminalText(tag)}]`)}`;
    }
    this.out.push(title);
    const indent = '      ';
    if (this.verbose) this.out.push(`${indent}${c.dim(`id ${terminalText(f.id)}`)}`);
    this.prose(f.message, indent);
    this.values(f, indent);
    this.provenance(f, indent);
    if (f.fixes.revert !== undefined) this.fix('revert', f.fixes.revert, indent);
    if (f.fixes.accept !== undefined) this.fix('accept', f.fixes.accept, indent);
  }

  private values(f: Finding, indent: string): void {
    const { c } = this;
    if (f.expected !== undefined || f.actual !== undefined) {
      const expected = `${c.dim('expected')} ${this.value(f.expected, '(not declared)')}`;
      const actual = `${c.dim('actual')} ${this.value(f.actual, '(absent)')}`;
      const plainLength =
        `expected ${f.expected === undefined ? '(not declared)' : shownText(f.expected)} → actual ${f.actual === undefined ? '(absent)' : shownText(f.actual)}`
          .length + indent.length;
      if (plainLength <= this.width) this.out.push(`${indent}${expected} → ${actual}`);
      else this.out.push(`${indent}${expected}`, `${indent}${actual}`);
    }
    if (f.comparedWith !== undefined) {
      const values = f.comparedWith;
      const pairs = Object.keys(values)
        .sort()
        .map((env) => {
          const v = values[env];
          return `${env} ${v === undefined ? SECRET_TEXT : shownText(v)}`;
        });
      // Plain text through prose (which escapes and wraps); colour would be escaped as data.
      this.prose(`compared with ${pairs.join(' · ')}`, indent);
    }
  }

  private provenance(f: Finding, indent: string): void {
    const { c } = this;
    const shown = this.verbose ? f.provenance : f.provenance.slice(0, 1);
    shown.forEach((p, i) => {
      const text = formatProvenance(p, { dateStyle: this.verbose ? 'iso' : 'day', detailed: this.verbose });
      this.prose(`${i === 0 ? 'from' : 'also'} ${text}`, indent, (line) => this.markOutOfBand(line));
    });
    const hidden = f.provenance.length - shown.length;
    if (hidden > 0) this.out.push(`${indent}${c.dim(`+${hidden} more source${hidden === 1 ? '' : 's'} (--verbose)`)}`);
  }

  /** Colour "outside the pipeline" after wrapping, so colour codes never count as columns. */
  private markOutOfBand(line: string): string {
    return line.replace(/outside the pipeline/, (t) => this.c.yellow(t));
  }

  private fix(label: 'revert' | 'accept', fix: Fix, indent: string): void {
    const { c } = this;
    const pad = ' '.repeat(label.length + 2);
    this.prose(fix.summary, `${indent}${c.bold(label)}  `, undefined, indent + pad);
    if (fix.command !== undefined) {
      terminalBlock(fix.command).forEach((line, i) => {
        this.out.push(`${indent}${pad}${c.cyan(`${i === 0 ? '$' : ' '} ${line}`)}`);
      });
    }
    if (fix.baselineEdit !== undefined) {
      this.out.push(`${indent}${pad}${c.green(terminalText(formatBaselineEdit(fix.baselineEdit)))}`);
    }
  }

  private resolved(resolved: readonly Transition[]): void {
    const { c } = this;
    this.out.push('');
    this.out.push(c.bold(c.green(`Resolved (${resolved.length})`)));
    for (const t of resolved) {
      const f = t.finding;
      this.prose(`${f.type} ${f.key} in ${f.environment} (was ${f.severity}, open since ${t.firstSeen.slice(0, 10)})`, `  ${c.green('✓')} `);
    }
  }

  private sources(input: ReportInput): void {
    const { c } = this;
    this.out.push('');
    this.out.push(c.bold('Sources'));
    const sorted = [...input.sources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const s of sorted) {
      const state = s.status === 'ok' ? c.green('ok') : c.yellow(`error ${terminalText(s.error?.code ?? '')}`.trim());
      this.out.push(`  ${terminalText(s.id)}  ${s.layers.join(',')}  ${s.itemCount} items  ${state}`);
      for (const warning of s.warnings ?? []) this.prose(`warning: ${warning}`, '    ');
    }
  }

  private summary(view: ReportView): void {
    const { c } = this;
    const paint: Paint = view.status === 'partial' ? (t) => c.bold(c.yellow(t)) : view.findingCount === 0 ? (t) => c.bold(c.green(t)) : (t) => c.bold(c.red(t));
    // One line, never wrapped: CI logs and scripts read the last line.
    this.out.push(paint(terminalText(summarySentence(view))));
  }
}

/**
 * The human report for a terminal: findings grouped by environment (worst first), each with a
 * severity marker, its message, expected → actual, where the value came from and both fixes,
 * closed by one summary line.
 *
 * A partial run names the sources it could not read and never claims "no drift"; a clean complete run
 * says "No drift: N environments, M sources read". Untrusted text has control characters escaped so a
 * hostile value cannot drive the terminal. Deterministic: no clock, no locale.
 */
export function renderTerminal(input: ReportInput, options: TerminalOptions): string {
  return new TerminalReport(options).render(input, toReportView(input));
}
