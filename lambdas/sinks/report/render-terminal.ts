import pc from 'picocolors';
import type { Finding, Fix, ShownValue, Transition } from '../../engine/model.js';
import { formatBaselineEdit } from './format-baseline-edit.js';
import { formatProvenance } from './format-provenance.js';
import type { ReportInput } from './report-input.js';
import { compareFindings, summarySentence, toReportView } from './report-view.js';
import type { ReportView } from './report-view.js';
import { comparedPairs, shownText } from './shown-value.js';
import { compactLines } from './terminal-compact.js';
import type { Colors, Paint } from './terminal-style.js';
import { severityLabel } from './terminal-style.js';
import { summaryLines, verdictPaint } from './terminal-summary.js';
import { terminalBlock, terminalText } from './terminal-text.js';
import { visibleLength, wrapPrefixed } from './wrap-text.js';

/** Options for {@link renderTerminal}. */
export interface TerminalOptions {
  /** Emit ANSI colours. The CLI passes `process.stdout.isTTY` (and honours `NO_COLOR`); tests force it. */
  readonly color: boolean;
  /**
   * Columns to wrap prose at (the CLI passes the terminal's); commands are never wrapped so they stay
   * copyable. Narrower than {@link MIN_WIDTH} is rendered at that width. @default 100
   */
  readonly width?: number;
  /** Also print finding ids, every provenance entry with file and region, and every source. @default false */
  readonly verbose?: boolean;
  /** One line per key and type, grouped across environments, instead of each finding in full. @default false */
  readonly compact?: boolean;
}

/** The narrowest layout: below it prose would wrap a word a line. */
export const MIN_WIDTH = 40;

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
  private readonly compact: boolean;
  private readonly out: string[] = [];

  constructor(options: TerminalOptions) {
    this.c = pc.createColors(options.color);
    const width = options.width ?? 100;
    this.width = Number.isFinite(width) ? Math.max(MIN_WIDTH, Math.floor(width)) : 100;
    this.verbose = options.verbose ?? false;
    this.compact = options.compact ?? false;
  }

  render(input: ReportInput, view: ReportView): string {
    this.header(input);
    this.out.push(...summaryLines(input, view, this.c, this.width));
    if (this.compact) this.out.push(...compactLines(view, this.c, this.width));
    else this.findings(view);
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
    const restPrefix = rest ?? ' '.repeat(visibleLength(first) + 2);
    this.out.push(...wrapPrefixed(terminalText(text), first, restPrefix, this.width, paint));
  }

  private header(input: ReportInput): void {
    const parts = ['drift-audit report', terminalText(input.generatedAt)];
    if (input.baselineVersion !== undefined) parts.push(`baseline ${terminalText(input.baselineVersion)}`);
    this.out.push(...wrapPrefixed(parts.join(' · '), '', '  ', this.width, this.c.bold));
  }

  /** Every finding in full, worst first across environments (then environment, key, type). */
  private findings(view: ReportView): void {
    const all = view.environments.flatMap((env) => env.findings).sort(compareFindings);
    if (all.length > 0) this.out.push('');
    for (const finding of all) this.finding(finding, view.transitionsByFinding.get(finding.id));
  }

  private finding(f: Finding, transition: Transition | undefined): void {
    const { c } = this;
    let title = `  ${severityLabel(c, f.severity)}  ${f.type}  ${c.bold(terminalText(f.key))}  ${c.dim(terminalText(f.environment))}`;
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
      else {
        // Too long for one line: each on its own, wrapped like prose (shownText keeps a secret masked).
        this.prose(`expected ${f.expected === undefined ? '(not declared)' : shownText(f.expected)}`, indent);
        this.prose(`actual ${f.actual === undefined ? '(absent)' : shownText(f.actual)}`, indent);
      }
    }
    if (f.comparedWith !== undefined) {
      const pairs = comparedPairs(f.comparedWith);
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
    // Again at the end of a long report, one line, never wrapped: CI logs and scripts read the last line.
    this.out.push(verdictPaint(this.c, view)(terminalText(summarySentence(view))));
  }
}

/**
 * The human report for a terminal. It opens with the verdict and the counts by severity, type and
 * environment (worst first), so the answer is on the first screen; then every finding worst first
 * across environments, each with a severity marker, its message, expected → actual, where the value
 * came from and both fixes (or, `compact`, one line per key and type across environments); and it
 * closes with the verdict again, on the last line, where CI logs and scripts read it.
 *
 * A partial run names the sources it could not read and never claims "no drift"; a clean complete run
 * says "No drift: N environments, M sources read". Untrusted text has control characters escaped so a
 * hostile value cannot drive the terminal. Deterministic: no clock, no locale.
 */
export function renderTerminal(input: ReportInput, options: TerminalOptions): string {
  return new TerminalReport(options).render(input, toReportView(input));
}
