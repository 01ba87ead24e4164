/**
 * The baseline bundle format: what the stack uploads (`lib/baseline-bundle.ts` builds it at synth)
 * and the audit handler reads back. Runtime code owns it, so the handler never imports `lib/`.
 */

/** Schema tag of the baseline bundle object. Bump it on any incompatible change of the shape. */
export const BASELINE_BUNDLE_SCHEMA = 'drift-audit.baseline-bundle/1';

/** One baseline YAML file or a values file it references, by its path relative to the baseline directory (always with `/`). */
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
