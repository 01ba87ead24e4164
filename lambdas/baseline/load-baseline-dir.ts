import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { BaselineFile } from '../engine/baseline/baseline-file.js';
import type { BaselineIssue } from '../engine/baseline/baseline-issue.js';
import { parseBaseline } from '../engine/baseline/parse-baseline.js';
import type { Baseline } from '../engine/model.js';
import { insideRepository, readValuesFiles, repositoryRoot } from './read-values-files.js';

/** The outcome of reading a baseline directory; `files` are returned either way for editing and display. */
export type BaselineDirResult =
  | {
      readonly ok: true;
      readonly baseline: Baseline;
      readonly files: readonly BaselineFile[];
      /** `sha256:` + hex digest of the file names and texts: the run records which baseline it used. */
      readonly version: string;
      readonly warnings: readonly BaselineIssue[];
    }
  | {
      readonly ok: false;
      readonly issues: readonly BaselineIssue[];
      readonly files: readonly BaselineFile[];
      readonly version: string;
      readonly warnings: readonly BaselineIssue[];
    };

/** Why a baseline directory could not be read at all (as opposed to read and found invalid). */
export type BaselineDirErrorCode = 'baseline-dir-missing' | 'baseline-dir-empty' | 'baseline-read-failed' | 'baseline-write-failed';

/** Thrown when the baseline directory or one of its files cannot be read or written. */
export class BaselineDirError extends Error {
  override readonly name = 'BaselineDirError';
  readonly code: BaselineDirErrorCode;

  constructor(code: BaselineDirErrorCode, message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const BASELINE_FILE = /\.ya?ml$/i;

/**
 * Reads every `*.yaml` / `*.yml` file directly in `dir` (not in subdirectories such as `snapshots/`),
 * sorted by name, plus the values files its environments name (`readValuesFiles`: anywhere inside the
 * repository), and parses them as one baseline. `files` holds both, values files last.
 *
 * Synchronous on purpose: the CDK app reads the baseline while it synthesises, where there is no
 * event loop to await on, and a baseline is a handful of small files.
 *
 * @throws {BaselineDirError} when the directory is missing, holds no baseline file, or a file cannot be read.
 */
export function loadBaselineDir(dir: string): BaselineDirResult {
  const baselineFiles = readBaselineFiles(dir);
  const values = readValuesFiles(dir, baselineFiles);
  const files = [...baselineFiles, ...values.files];
  const version = baselineVersion(files);
  const result = parseBaseline(files);
  if (result.ok && values.issues.length === 0) return { ok: true, baseline: result.baseline, files, version, warnings: result.warnings };
  // A values file that could not be read is named by the loader; the parser then also finds it absent.
  const issues = [...values.issues, ...(result.ok ? [] : result.issues.filter((issue) => issue.code !== 'values-file-missing' || values.issues.length === 0))];
  return { ok: false, issues, files, version, warnings: result.warnings };
}

/** The baseline files of `dir`, sorted by name (code-unit order, the same on every machine). */
export function readBaselineFiles(dir: string): BaselineFile[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) {
      throw new BaselineDirError('baseline-dir-missing', `cannot read the baseline in ${dir}: it is not a directory`);
    }
    names = readdirSync(dir);
  } catch (error) {
    if (error instanceof BaselineDirError) throw error;
    throw new BaselineDirError('baseline-dir-missing', `cannot read the baseline in ${dir}: ${reason(error)}`, { cause: error });
  }
  const selected = names.filter((name) => BASELINE_FILE.test(name) && isFile(join(dir, name))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (selected.length === 0) {
    throw new BaselineDirError('baseline-dir-empty', `cannot read the baseline in ${dir}: it holds no *.yaml or *.yml file (subdirectories are not read)`);
  }
  return selected.map((name) => {
    try {
      return { name, text: readFileSync(join(dir, name), 'utf8') };
    } catch (error) {
      throw new BaselineDirError('baseline-read-failed', `cannot read baseline file ${join(dir, name)}: ${reason(error)}`, {
        cause: error,
      });
    }
  });
}

/** `sha256:` + hex digest over each file's name and text, in order: equal baselines, equal versions. */
export function baselineVersion(files: readonly BaselineFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) {
    // Lengths delimit the parts, so moving text between a name and its content changes the digest.
    hash.update(`${Buffer.byteLength(file.name)}:${file.name}\n${Buffer.byteLength(file.text)}:`);
    hash.update(file.text);
    hash.update('\n');
  }
  return `sha256:${hash.digest('hex')}`;
}

/**
 * Writes one baseline file back into `dir` (after `applyBaselineEdit`), or one of the values files the
 * baseline names (`valuesFiles`, after `baseline accept` edited one: only inside the repository, as
 * they are read). The text goes to a temporary file first and is renamed over the original, so an
 * interrupted write never leaves half a file.
 *
 * @throws {BaselineDirError} when the name is neither a plain file name of `dir` nor a values file inside the repository, or the write fails.
 */
export function writeBaselineFile(dir: string, file: BaselineFile, valuesFiles: readonly string[] = []): void {
  let target = join(dir, file.name);
  if (valuesFiles.includes(file.name)) {
    const inside = insideRepository(dir, repositoryRoot(dir), file.name);
    if (inside === 'escapes' || inside === undefined) {
      throw new BaselineDirError('baseline-write-failed', `cannot write values file ${file.name}: it is not an existing file inside the repository of ${dir}`);
    }
    target = inside;
  } else if (basename(file.name) !== file.name || !BASELINE_FILE.test(file.name)) {
    throw new BaselineDirError('baseline-write-failed', `cannot write baseline file ${file.name}: expected a *.yaml or *.yml file name directly in ${dir}`);
  }
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, file.text, 'utf8');
    renameSync(temporary, target);
  } catch (error) {
    throw new BaselineDirError('baseline-write-failed', `cannot write baseline file ${target}: ${reason(error)}`, { cause: error });
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function reason(error: unknown): string {
  if ((error as { code?: unknown }).code === 'ENOENT') return 'it does not exist';
  return error instanceof Error ? error.message : String(error);
}
