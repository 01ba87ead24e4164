import { relative, sep } from 'node:path';
import { repositoryRoot } from '../../lambdas/baseline/read-values-files.js';
import type { ReportInput } from '../../lambdas/sinks/report/report-input.js';
import type { SarifInput } from '../../lambdas/sinks/report/render-sarif.js';
import type { AuditOutcome } from './scan-command.js';

/**
 * The SARIF renderer's input for a CLI audit: the baseline, its files, and the baseline directory's
 * path from the repository root (the nearest directory above it holding `.git`, as for values files),
 * since code scanning resolves every result's URI against the root of the repository it annotates.
 */
export function sarifInputOf(outcome: AuditOutcome, input: ReportInput): SarifInput {
  const fromRoot = relative(repositoryRoot(outcome.loaded.dir), outcome.loaded.dir).split(sep).join('/');
  return { ...input, baseline: outcome.loaded.baseline, files: outcome.loaded.files, baselineDirFromRoot: fromRoot };
}
