import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { BaselineFile } from '../engine/baseline/baseline-file.js';
import type { BaselineIssue } from '../engine/baseline/baseline-issue.js';
import { normaliseValuesPath, valuesFileMentions } from '../engine/baseline/values-files/values-references.js';

/** The values files the baseline names and could be read, and located issues for those that could not. */
export interface ReadValuesFiles {
  /** Named by their normalised path relative to the baseline directory (`../helm/values.yaml`). */
  readonly files: readonly BaselineFile[];
  readonly issues: readonly BaselineIssue[];
}

/**
 * Reads the values files the environments of `baselineFiles` name, other than those already among
 * them (a top-level `staging.yaml`). The rule for paths: relative to the baseline directory; `..` may
 * climb out of it but never out of the repository the baseline lives in, which is the nearest
 * directory above it holding `.git` (or, outside any repository, the baseline directory itself).
 * Symbolic links are resolved before the check, so a link cannot lead outside either. A path that
 * escapes is refused (`values-path`) and a file that cannot be read is `values-file-missing`, each
 * located at the reference; nothing outside the boundary is ever opened.
 */
export function readValuesFiles(dir: string, baselineFiles: readonly BaselineFile[]): ReadValuesFiles {
  const have = new Set(baselineFiles.map((file) => normaliseValuesPath(file.name)));
  const files: BaselineFile[] = [];
  const issues: BaselineIssue[] = [];
  const root = repositoryRoot(dir);
  for (const [name, mention] of valuesFileMentions(baselineFiles)) {
    if (have.has(name)) continue;
    const at = { file: mention.file, line: mention.line, column: mention.column, path: mention.path };
    const target = insideRepository(dir, root, name);
    if (target === 'escapes') {
      issues.push({
        code: 'values-path',
        severity: 'error',
        ...at,
        message: `values file ${name} is outside the repository the baseline lives in (${root}); values files may use .. only within it`,
        expected: 'a path that stays inside the repository, such as ../helm/values-production.yaml',
      });
      continue;
    }
    try {
      files.push({ name, text: readFileSync(target ?? join(dir, name), 'utf8') });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      issues.push({
        code: 'values-file-missing',
        severity: 'error',
        ...at,
        message: `cannot read values file ${name} (relative to ${dir}): ${code === 'ENOENT' ? 'it does not exist' : (error as Error).message}`,
      });
    }
  }
  return { files, issues };
}

/**
 * The real path of `name` under `dir` when it stays inside `root`, `'escapes'` when it does not, or
 * undefined when it does not exist (the read then says so). Also the check `writeBaselineFile` makes.
 */
export function insideRepository(dir: string, root: string, name: string): string | 'escapes' | undefined {
  if (isAbsolute(name)) return 'escapes';
  const lexical = resolve(realpathSync(dir), name);
  if (!within(root, lexical)) return 'escapes';
  if (!existsSync(lexical)) return undefined;
  const real = realpathSync(lexical);
  return within(root, real) ? real : 'escapes';
}

/** The nearest directory at or above `dir` holding `.git`, else `dir` itself; real path. */
export function repositoryRoot(dir: string): string {
  const start = realpathSync(dir);
  for (let current = start; ; current = dirname(current)) {
    if (existsSync(join(current, '.git'))) return current;
    if (dirname(current) === current) return start;
  }
}

function within(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
