import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadBaselineDir } from '../../lambdas/baseline/load-baseline-dir.js';
import { formatBaselineIssue } from '../../lambdas/engine/baseline/baseline-issue.js';
import type { BaselineFile } from '../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline, Snapshot } from '../../lambdas/engine/model.js';
import { readSnapshots } from '../../lambdas/sources/files/snapshot-dir.js';
import type { CliIo } from './cli-io.js';
import { UsageError } from './usage-error.js';

/** A baseline that parsed, with what `baseline accept` needs to edit it. */
export interface LoadedBaseline {
  readonly dir: string;
  readonly baseline: Baseline;
  readonly files: readonly BaselineFile[];
  /** Content hash of the files, recorded with every report. */
  readonly version: string;
  /** Problems that do not make the baseline invalid (an ignored exception key, an implicit secret). */
  readonly warnings: readonly string[];
}

/** Resolves a user-given path against the working directory. */
export function resolvePath(io: CliIo, given: string): string {
  return path.resolve(io.cwd, given);
}

/**
 * Loads and validates the baseline directory; every problem of every file is reported at once,
 * each with its file, line and column.
 */
export function loadBaseline(io: CliIo, dirArg: string): LoadedBaseline {
  const dir = resolvePath(io, dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new UsageError(`baseline directory ${dirArg} does not exist (expected a directory of *.yaml files, e.g. config/)`);
  }
  const loaded = loadBaselineDir(dir);
  if (!loaded.ok) {
    const lines = loaded.issues.map((issue) => `  ${formatBaselineIssue(issue)}`);
    throw new UsageError(`baseline ${dirArg} is invalid (${loaded.issues.length} problem${loaded.issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
  }
  return {
    dir,
    baseline: loaded.baseline,
    files: loaded.files,
    version: loaded.version,
    warnings: loaded.warnings.map((issue) => formatBaselineIssue(issue)),
  };
}

/**
 * Where offline snapshots live: `--snapshots DIR`, else `<baseline>/snapshots` when it exists.
 * Live reads are the caller's business; this only covers exported files.
 */
export function snapshotDirFor(io: CliIo, baselineDir: string, given: string | undefined): string {
  if (given !== undefined) {
    const dir = resolvePath(io, given);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new UsageError(`snapshot directory ${given} does not exist (expected the directory \`drift-audit snapshot --out\` wrote)`);
    }
    return dir;
  }
  const conventional = path.join(baselineDir, 'snapshots');
  if (existsSync(conventional)) return conventional;
  throw new UsageError('nothing to audit: pass --snapshots DIR (exported state) or --live (read AWS with your credentials)');
}

/** Reads every environment's exported snapshot files. */
export async function readOfflineSnapshots(baseline: Baseline, snapshotDir: string): Promise<Snapshot[]> {
  return readSnapshots(baseline, snapshotDir);
}
