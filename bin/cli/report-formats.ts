import { renderHtml } from '../../lambdas/sinks/report/render-html.js';
import { renderJson } from '../../lambdas/sinks/report/render-json.js';
import { renderMarkdown } from '../../lambdas/sinks/report/render-markdown.js';
import { renderSarif } from '../../lambdas/sinks/report/render-sarif.js';
import { renderTerminal } from '../../lambdas/sinks/report/render-terminal.js';
import type { ReportInput } from '../../lambdas/sinks/report/report-input.js';
import { sarifInputOf } from './sarif-input.js';
import type { AuditOutcome } from './scan-command.js';

/** What a renderer may know of the invocation besides the report itself. */
export interface RenderContext {
  /** Colour is wanted (a terminal, no NO_COLOR, no --output). */
  readonly color: boolean;
  /** Columns of the terminal (or COLUMNS), for formats that wrap. */
  readonly width: number;
  readonly verbose: boolean;
  readonly compact: boolean;
  /** The audit behind the report: SARIF locates findings in the baseline's files. */
  readonly outcome: AuditOutcome;
}

/**
 * The report formats of `scan --format`, each with its renderer: add a format here and it is a
 * `--format` choice, listed in help, with nothing else to change. `terminal` is the default.
 */
export const REPORT_RENDERERS = {
  terminal: (input, context) => renderTerminal(input, { color: context.color, width: context.width, verbose: context.verbose, compact: context.compact }),
  json: (input) => renderJson(input),
  markdown: (input) => renderMarkdown(input),
  html: (input) => renderHtml(input),
  sarif: (input, context) => renderSarif(sarifInputOf(context.outcome, input)),
} as const satisfies Record<string, (input: ReportInput, context: RenderContext) => string>;

/** One of the formats of {@link REPORT_RENDERERS}. */
export type ReportFormat = keyof typeof REPORT_RENDERERS;

/** Output formats of `scan`, in help order. */
export const REPORT_FORMATS = Object.keys(REPORT_RENDERERS) as readonly ReportFormat[];

/** Renders `input` in `format`. */
export function renderReport(format: ReportFormat, input: ReportInput, context: RenderContext): string {
  return REPORT_RENDERERS[format](input, context);
}
