import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readValuesFiles } from '../lambdas/baseline/read-values-files.js';
import { formatBaselineIssue } from '../lambdas/engine/baseline/baseline-issue.js';
import { BASELINE_BUNDLE_SCHEMA, type BaselineBundle, type BaselineBundleFile } from '../lambdas/runtime/baseline-bundle-format.js';

// The format is runtime code (the handler reads it back); the library keeps exporting it from here.
export { BASELINE_BUNDLE_SCHEMA, isBaselineBundle, type BaselineBundle, type BaselineBundleFile } from '../lambdas/runtime/baseline-bundle-format.js';

/** A baseline bundle could not be built from a directory. */
export class BaselineBundleError extends Error {
  override readonly name = 'BaselineBundleError';
  readonly code: 'BASELINE_DIR_UNREADABLE' | 'BASELINE_DIR_EMPTY' | 'BASELINE_FILE_UNREADABLE';
  constructor(code: BaselineBundleError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

const YAML_FILE = /\.ya?ml$/i;

/**
 * Reads a baseline directory into a bundle, at synth time: its top-level `*.yaml`/`*.yml` files
 * (subdirectories such as `snapshots/` hold exported state, not baseline), as the baseline loader does,
 * and exactly the values files its environments name (`readValuesFiles`: inside the repository only),
 * under the names the baseline gives them, so the Lambda parses what the CLI parses.
 */
export function readBaselineBundle(directory: string): BaselineBundle {
  const names = listTopLevelYaml(directory);
  if (names.length === 0) {
    throw new BaselineBundleError('BASELINE_DIR_EMPTY', `cannot build the baseline bundle from ${directory}: it holds no .yaml or .yml file`);
  }
  const files = names.map((name) => ({ name, text: readText(directory, name) }));
  const values = readValuesFiles(directory, files);
  const problem = values.issues[0];
  if (problem !== undefined) {
    throw new BaselineBundleError('BASELINE_FILE_UNREADABLE', `cannot build the baseline bundle from ${directory}: ${formatBaselineIssue(problem)}`);
  }
  return baselineBundle([...files, ...values.files]);
}

/**
 * Bundles files already read (such as `loadBaselineDir(dir).files`), so the upload is byte for byte
 * what was validated at synth. Sorted by name and de-duplicated (last wins) for determinism.
 */
export function baselineBundle(files: readonly BaselineBundleFile[]): BaselineBundle {
  if (files.length === 0) throw new BaselineBundleError('BASELINE_DIR_EMPTY', 'cannot build a baseline bundle from no files');
  const byName = new Map<string, string>();
  for (const file of files) byName.set(toPosix(file.name), file.text);
  return {
    schema: BASELINE_BUNDLE_SCHEMA,
    files: [...byName.keys()].sort(compareCodeUnits).map((name) => ({ name, text: byName.get(name) ?? '' })),
  };
}

function listTopLevelYaml(directory: string): string[] {
  try {
    return readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isFile() && YAML_FILE.test(entry.name))
      .map((entry) => entry.name);
  } catch (error) {
    throw new BaselineBundleError('BASELINE_DIR_UNREADABLE', `cannot read the baseline directory ${directory}: ${(error as Error).message}`, { cause: error });
  }
}

function readText(directory: string, name: string): string {
  try {
    return readFileSync(join(directory, name), 'utf8');
  } catch (error) {
    throw new BaselineBundleError('BASELINE_FILE_UNREADABLE', `cannot read baseline file ${name} in ${directory}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function toPosix(path: string): string {
  return path.split('\\').join('/');
}

// Locale-independent order: localeCompare would make the bundle's bytes depend on the machine.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
