/**
 * Narrowing helpers for Kubernetes objects of unknown shape.
 *
 * Input comes from files people export or from an API server we do not control, so every field is
 * checked where it is read rather than trusting a schema for whole objects: one odd field then costs
 * one warning, not the whole workload.
 */

/** A plain JSON object, or undefined. */
export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A string, or undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** An array, or an empty one (absent lists mean "none" in Kubernetes). */
export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Follows `path` through nested objects; undefined as soon as a step is not an object. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let current: unknown = value;
  for (const step of path) {
    const record = asRecord(current);
    if (record === undefined) return undefined;
    current = record[step];
  }
  return current;
}
