import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readValuesFiles } from '../lambdas/baseline/read-values-files.js';
import { formatBaselineIssue } from '../lambdas/engine/baseline/baseline-issue.js';

/** Schema tag of the baseline bundle object. Bump it on any incompatible change of the shape. */
export const BASELINE_BUNDLE_SCHEMA = 'drift-audit.baseline-bundle/1';

/** One baseline YAML file, by its path relative to the baseline directory (always with `/`). */
export interface BaselineBundleFile {
  readonly name: string;
  readonly text: string;
}

/**
 * Every file of the baseline in one JSON object, uploaded as a single S3 object.
 *
 * Why one object: a run records the S3 version id of the baseline it used; several objects would
 * have several version ids and no atomic update between them.
 */
export interface BaselineBundle {
  readonly schema: typeof BASELINE_BUNDLE_SCHEMA;
  /** Sorted by `name` (code-unit order), so the same directory always gives the same bytes. */
  readonly files: readonly BaselineBundleFile[];
}

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

/**
 * Checks that a parsed JSON value is a baseline bundle. For the handler, which reads the object back.
 */
export function isBaselineBundle(value: unknown): value is BaselineBundle {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { schema?: unknown; files?: unknown };
  return (
    candidate.schema === BASELINE_BUNDLE_SCHEMA &&
    Array.isArray(candidate.files) &&
    candidate.files.every(
      (file: unknown) =>
        typeof file === 'object' &&
        file !== null &&
        typeof (file as { name?: unknown }).name === 'string' &&
        typeof (file as { text?: unknown }).text === 'string',
    )
  );
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
