import type { Baseline } from '../model.js';
import { readBaselineDocument, type BaselineDocument } from './baseline-document.js';
import type { BaselineFile } from './baseline-file.js';
import type { BaselineIssue } from './baseline-issue.js';
import { BASELINE_LIMITS } from './baseline-limits.js';
import { checkBaselineSize } from './check-baseline-size.js';
import { checkPatterns } from './check-patterns.js';
import { baselineFileSchema } from './baseline-schema.js';
import { checkBaselineReferences } from './check-baseline-references.js';
import { checkFedFrom } from './check-fed-from.js';
import { mergeBaselineFiles } from './merge-baseline-files.js';
import { normaliseBaseline } from './normalise-baseline.js';
import { toBaselineIssues } from './to-baseline-issues.js';
import { applyValuesFiles } from './values-files/apply-values-files.js';
import { separateValuesFiles } from './values-files/values-references.js';

export type { BaselineFile } from './baseline-file.js';

/**
 * The outcome of parsing a baseline. `issues` holds errors only; warnings (declarations that can
 * never take effect) are reported beside a usable baseline.
 */
export type BaselineParseResult =
  | { readonly ok: true; readonly baseline: Baseline; readonly issues: []; readonly warnings: readonly BaselineIssue[] }
  | { readonly ok: false; readonly issues: BaselineIssue[]; readonly warnings: readonly BaselineIssue[] };

/**
 * Parses, validates and normalises a baseline made of several YAML files whose sections merge.
 *
 * Every problem of every file is collected in one pass (YAML syntax, schema, duplicates across files,
 * references to environments and tiers, secrets with values), each located by file, line and column,
 * so a person fixes them all in one go. Pure: the files come in as text.
 *
 * A baseline past `BASELINE_LIMITS` (bytes, nodes, nesting, aliases) is refused with a located issue
 * saying which limit, before the work it would cost is done; it never throws, overflows the stack or
 * runs out of memory.
 */
export function parseBaseline(files: readonly BaselineFile[]): BaselineParseResult {
  if (files.length === 0) {
    return {
      ok: false,
      issues: [
        {
          code: 'no-files',
          severity: 'error',
          file: '',
          line: 1,
          column: 1,
          path: '',
          message: 'no baseline file given; expected at least one *.yaml file',
        },
      ],
      warnings: [],
    };
  }

  // Too large a file is refused whole, before any text reaches the YAML library.
  const tooLarge = checkBaselineSize(files);
  if (tooLarge.length > 0) return { ok: false, issues: tooLarge, warnings: [] };
  // The environments' values files are read as values, not as baseline sections.
  const { baseline: baselineFiles, values: valuesFiles } = separateValuesFiles(files);
  const documents: BaselineDocument[] = [];
  let nodes = 0;
  for (const file of baselineFiles) {
    const document = readBaselineDocument(file, { nodeBudget: BASELINE_LIMITS.nodes - nodes });
    documents.push(document);
    nodes += document.nodes;
    // Past the node limit nothing more is read or checked: bounding that work is the point of the limit.
    if (nodes > BASELINE_LIMITS.nodes) {
      return {
        ok: false,
        issues: sortIssues(
          documents.flatMap((read) => read.issues),
          documents,
        ).filter((issue) => issue.severity === 'error'),
        warnings: [],
      };
    }
  }
  const found: BaselineIssue[] = documents.flatMap((document) => document.issues);
  for (const document of documents) {
    if (!document.readable) continue;
    // A file holding only comments is an empty baseline file, not an error.
    const data = document.data ?? {};
    const result = baselineFileSchema.safeParse(data);
    if (!result.success) found.push(...toBaselineIssues(result.error.issues, document, baselineFileSchema));
  }
  found.push(...checkPatterns(documents));

  const { merged, issues: mergeIssues } = mergeBaselineFiles(documents);
  found.push(...mergeIssues);
  // Cross-file references are only meaningful when every file could be read: an environment declared
  // in a file with a syntax error would otherwise show up as "unknown" everywhere it is used.
  if (documents.every((document) => document.readable)) found.push(...checkBaselineReferences(merged, documents));

  const sorted = sortIssues(found, documents);
  const errors = sorted.filter((issue) => issue.severity === 'error');
  const warnings = sorted.filter((issue) => issue.severity === 'warning');
  if (errors.length > 0) return { ok: false, issues: errors, warnings };
  const normalised = normaliseBaseline(
    merged,
    baselineFiles.map((file) => file.name),
  );
  const values = applyValuesFiles(normalised, merged, valuesFiles);
  const valuesErrors = values.issues.filter((issue) => issue.severity === 'error');
  const allWarnings = [...warnings, ...values.issues.filter((issue) => issue.severity === 'warning')];
  if (valuesErrors.length > 0) return { ok: false, issues: valuesErrors, warnings: allWarnings };
  // fed_from resolves against each environment's SSM trees, known only once the baseline is normalised.
  const fedIssues = checkFedFrom(values.baseline);
  if (fedIssues.length > 0) return { ok: false, issues: sortIssues(fedIssues, documents), warnings: allWarnings };
  return { ok: true, baseline: values.baseline, issues: [], warnings: allWarnings };
}

/** File order as given, then position, then code: stable output for people and for tests. */
function sortIssues(issues: readonly BaselineIssue[], documents: readonly BaselineDocument[]): BaselineIssue[] {
  const order = new Map(documents.map((document, index) => [document.name, index]));
  const unique = new Map<string, BaselineIssue>();
  for (const issue of issues) {
    const id = `${issue.file}\u0000${issue.line}\u0000${issue.column}\u0000${issue.code}\u0000${issue.path}\u0000${issue.message}`;
    if (!unique.has(id)) unique.set(id, issue);
  }
  return [...unique.values()].sort(
    (a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
