import type { BaselineFile } from './baseline-file.js';
import type { BaselineIssue } from './baseline-issue.js';
import { BASELINE_LIMITS, formatBytes, type BaselineLimits } from './baseline-limits.js';

/**
 * Files larger than a baseline file may be, and the file that takes the baseline past its total, by
 * UTF-8 byte length and before the YAML library sees any text: parsing costs memory in proportion to
 * what it is given, so the size is the first thing to refuse on.
 */
export function checkBaselineSize(
  files: readonly BaselineFile[],
  limits: Pick<BaselineLimits, 'fileBytes' | 'bundleBytes'> = BASELINE_LIMITS,
): BaselineIssue[] {
  const issues: BaselineIssue[] = [];
  let total = 0;
  let totalReported = false;
  for (const file of files) {
    const bytes = Buffer.byteLength(file.text, 'utf8');
    total += bytes;
    if (bytes > limits.fileBytes) {
      issues.push(
        sizeIssue(
          file,
          `the file is ${bytes.toLocaleString('en')} bytes (${formatBytes(bytes)}); a baseline file may be at most ${formatBytes(limits.fileBytes)}`,
        ),
      );
    } else if (total > limits.bundleBytes && !totalReported) {
      issues.push(
        sizeIssue(
          file,
          `with this file the baseline is ${total.toLocaleString('en')} bytes (${formatBytes(total)}); all its files together may be at most ${formatBytes(limits.bundleBytes)}`,
        ),
      );
    }
    if (total > limits.bundleBytes) totalReported = true;
  }
  return issues;
}

function sizeIssue(file: BaselineFile, message: string): BaselineIssue {
  return { code: 'limit-exceeded', severity: 'error', file: file.name, line: 1, column: 1, path: '', message };
}
