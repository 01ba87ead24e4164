/**
 * The drift-audit engine as a library (`import { parseBaseline, analyse } from 'drift-audit/engine'`):
 * parse a baseline from file texts, audit snapshots against it, reconcile with the previous run.
 *
 * Pure like everything under `lambdas/engine/`: plain data in, plain data out, no AWS SDK and no
 * filesystem, so it runs in any driver (a Lambda, a CLI, a test). The vocabulary is `model.ts`.
 */
export * from './model.js';
export { parseBaseline, type BaselineFile, type BaselineParseResult } from './baseline/parse-baseline.js';
export { formatBaselineIssue, type BaselineIssue } from './baseline/baseline-issue.js';
export { analyse, type AnalyseInput } from './analyse/analyse.js';
export { reconcile, type FindingState, type ReconcileInput, type ReconcileOutput } from './lifecycle/reconcile.js';
export { redactFinding } from './lifecycle/redact-finding.js';
