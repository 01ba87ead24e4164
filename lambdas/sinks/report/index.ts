/**
 * Report renderers: the same audit as terminal text, versioned JSON, Markdown (PR comments, step
 * summaries), a self-contained HTML page (stored in S3, linked from alerts) and SARIF (code scanning),
 * plus `explain` output.
 */
export type { ReportEnvironment, ReportInput } from './report-input.js';
export { renderTerminal } from './render-terminal.js';
export type { TerminalOptions } from './render-terminal.js';
export { renderJson } from './render-json.js';
export { REPORT_SCHEMA_ID, reportSchema, findingSchema } from './report-schema.js';
export type { JsonReport } from './report-schema.js';
export { renderMarkdown } from './render-markdown.js';
export type { MarkdownOptions } from './render-markdown.js';
export { renderHtml } from './render-html.js';
export { renderSarif, SARIF_FINGERPRINT_KEY, SARIF_MAX_RESULTS, SARIF_SCHEMA_URI } from './render-sarif.js';
export type { SarifInput } from './render-sarif.js';
export { EXPLANATION_SCHEMA_ID, renderExplanationJson, renderExplanationTerminal } from './render-explanation.js';
export type { ExplanationTerminalOptions } from './render-explanation.js';
export { summarySentence, toReportView } from './report-view.js';
export type { EnvironmentView, ReportView } from './report-view.js';
export { SECRET_TEXT } from './shown-value.js';
