import type { DeclarationLocation } from '../model.js';

/**
 * Stable codes of baseline problems. Tests and tools match on these, never on message wording.
 */
export type BaselineIssueCode =
  /** The file is not well-formed YAML. */
  | 'yaml-syntax'
  /** A key is declared twice: in one mapping, or in two files of the same baseline. */
  | 'duplicate-key'
  /** A key the format does not know at that position (a typo, most often). */
  | 'unknown-key'
  /** A key the format requires is absent. */
  | 'missing-key'
  /** A value of the wrong kind: a list where a mapping belongs, a mapping where a string belongs, ... */
  | 'invalid-type'
  /** A value of the right kind that is not allowed: an unknown severity, a malformed region, ... */
  | 'invalid-value'
  /**
   * A `pattern` that does not compile as an ECMAScript regular expression, or that RE2 (the linear-time
   * engine patterns are matched with) cannot compile: lookaround and backreferences.
   */
  | 'invalid-pattern'
  /** A name used where an environment name is expected that no environment declares. */
  | 'unknown-environment'
  /** A name used where a tier is expected that no environment declares. */
  | 'unknown-tier'
  /** Two declarations that cannot both hold (the same expected difference twice, min above max, ...). */
  | 'conflict'
  /** A secret setting declares a value or value constraint: secrets are audited by presence only. */
  | 'secret-value'
  /** The baseline declares no environment at all. */
  | 'no-environments'
  /** No file was given to parse. */
  | 'no-files'
  /** A file or the whole baseline is too large, too deep or uses too many aliases (`BASELINE_LIMITS`). */
  | 'limit-exceeded'
  /** An alias inside the node its anchor names: the data would contain itself. */
  | 'recursive-alias'
  /** Warning: a declaration that can never take effect because the key matches an `ignore` pattern. */
  | 'ignored-key'
  /**
   * Warning: a setting whose name looks secret and that does not say `secret` declares a value; it is
   * audited by presence only, so the value is never compared (`secret: false` opts out).
   */
  | 'implicit-secret'
  /** A values file an environment names is not among the files read (not found, or not in the bundle). */
  | 'values-file-missing'
  /** A values file path that leaves the repository the baseline lives in (or is absolute). */
  | 'values-path'
  /** A values file whose format cannot be told from its name. */
  | 'values-format'
  /** Warning: a `keys:` mapping whose path no values file of the environment holds. */
  | 'values-unmapped'
  /** Warning: a `k8s:` workload shape key no Kubernetes workload view can observe (a typo, most often). */
  | 'unobservable-key';

/** One located problem in a baseline file. */
export interface BaselineIssue {
  readonly code: BaselineIssueCode;
  /** Errors make the baseline unusable; warnings are reported and the baseline is still used. */
  readonly severity: 'error' | 'warning';
  /** The file name as given to the parser (relative to the baseline directory). */
  readonly file: string;
  /** 1-based line of the offending node (the key node for unknown or duplicate keys). */
  readonly line: number;
  /** 1-based column of the offending node. */
  readonly column: number;
  /** Where in the document, such as `settings.DB_TIMEOUT.type` or `exceptions[0].expires`; empty for the root. */
  readonly path: string;
  /** What is wrong, and what was expected, in one line a person reads. */
  readonly message: string;
  /** What the format accepts at that position, such as `one of info, low, medium, high, critical`. */
  readonly expected?: string;
  /** The closest allowed key or value, for "did you mean". */
  readonly suggestion?: string;
  /** Other declarations involved, such as the first of two duplicate declarations. */
  readonly related?: readonly DeclarationLocation[];
}

/** Options for {@link formatBaselineIssue}. */
export interface FormatBaselineIssueOptions {
  /** Prefixed to the file name so the line is clickable from where the command ran (`config`). */
  readonly dir?: string;
}

/**
 * Renders an issue as `config/settings.yaml:12:5 settings.DB_TIMEOUT.typ: unknown key "typ"; did you mean "type"?`.
 * The `file:line:column` prefix is the form editors and CI annotations turn into links.
 */
export function formatBaselineIssue(issue: BaselineIssue, options: FormatBaselineIssueOptions = {}): string {
  const file = options.dir === undefined || options.dir === '' ? issue.file : `${options.dir.replace(/\/+$/, '')}/${issue.file}`;
  const where = issue.path === '' ? '' : ` ${issue.path}:`;
  const level = issue.severity === 'warning' ? ' warning:' : '';
  return `${file}:${issue.line}:${issue.column}${level}${where} ${issue.message}`;
}

/**
 * Thrown by drivers that cannot go on without a valid baseline. It carries every issue found, so the
 * caller can print them all rather than the first one.
 */
export class BaselineInvalidError extends Error {
  override readonly name = 'BaselineInvalidError';
  readonly code = 'baseline-invalid';
  readonly issues: readonly BaselineIssue[];

  constructor(issues: readonly BaselineIssue[], options?: { readonly cause?: unknown }) {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const first = errors[0] ?? issues[0];
    const summary = first === undefined ? 'no issue recorded' : formatBaselineIssue(first);
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    super(`baseline is invalid: ${summary}${more}`, options);
    this.issues = issues;
  }
}
