import { asArray, asRecord, asString } from './unknown-shape.js';

/** Who last wrote a field, from `metadata.managedFields`. */
export interface FieldManagerChange {
  /** `kubectl-set`, `kubectl-edit`, `kubectl-client-side-apply`, `helm`, `argocd-controller`, ... */
  readonly manager: string;
  /** ISO 8601; absent when the entry carries no time. */
  readonly time?: string;
}

/** The managedFields entry a {@link FieldManagerChange} comes from, with every field its `time` covers. */
export interface FieldManagerEntry extends FieldManagerChange {
  /** The entry's `fieldsV1`: every field that manager owns. */
  readonly fields: unknown;
}

/**
 * One step of a `fieldsV1` path: a field (`'f:spec'`) or a list item selected by its merge key
 * (`{ name: 'app' }` matches `k:{"name":"app"}`).
 */
export type FieldPathStep = string | { readonly name: string };

/**
 * Finds the manager that owns `path` in `metadata.managedFields`, the latest by `time` when several do.
 *
 * An entry's `time` is when that manager last wrote *any* of its fields, not this one: the best the
 * API server records, and exact for the common case of a one-off `kubectl set env`, whose Update
 * operation takes the field away from the previous owner.
 */
export function findFieldManager(managedFields: unknown, path: readonly FieldPathStep[]): FieldManagerChange | undefined {
  const entry = findFieldManagerEntry(managedFields, path);
  return entry === undefined ? undefined : { manager: entry.manager, ...(entry.time === undefined ? {} : { time: entry.time }) };
}

/** As {@link findFieldManager}, with the owning entry's `fieldsV1`. */
export function findFieldManagerEntry(managedFields: unknown, path: readonly FieldPathStep[]): FieldManagerEntry | undefined {
  let best: { manager: string; time?: string; at: number; fields: unknown } | undefined;
  for (const entry of asArray(managedFields)) {
    const record = asRecord(entry);
    const manager = asString(record?.['manager']);
    if (record === undefined || manager === undefined || !ownsPath(record['fieldsV1'], path)) continue;
    const time = asString(record['time']);
    const parsed = time === undefined ? Number.NEGATIVE_INFINITY : Date.parse(time);
    const at = Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed;
    // `>=`: on equal times the later entry wins, which keeps the choice stable for a given object.
    if (best === undefined || at >= best.at) best = { manager, at, fields: record['fieldsV1'], ...(time === undefined ? {} : { time }) };
  }
  if (best === undefined) return undefined;
  return { manager: best.manager, fields: best.fields, ...(best.time === undefined ? {} : { time: best.time }) };
}

function ownsPath(fields: unknown, path: readonly FieldPathStep[]): boolean {
  let current = asRecord(fields);
  for (const step of path) {
    if (current === undefined) return false;
    current = asRecord(typeof step === 'string' ? current[step] : findKeyedItem(current, step.name));
  }
  return current !== undefined;
}

/** `k:{"name":"app"}` keys are JSON: parse rather than build the string, so spacing cannot matter. */
function findKeyedItem(fields: Readonly<Record<string, unknown>>, name: string): unknown {
  const exact = fields[`k:${JSON.stringify({ name })}`];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(fields)) {
    if (!key.startsWith('k:')) continue;
    try {
      if (asString(asRecord(JSON.parse(key.slice(2)))?.['name']) === name) return value;
    } catch {
      // Not a JSON merge key: not the item we look for.
    }
  }
  return undefined;
}

/**
 * The ConfigMap data keys a manager's entry owns, when it owns nothing else (no label, annotation or
 * binary data): then its `time` says one of those keys changed. Undefined when it owns more, since a
 * chart's apply that only bumped a label moves the same `time`.
 */
export function dataKeysOwnedAlone(change: FieldManagerEntry): ReadonlySet<string> | undefined {
  const fields = asRecord(change.fields);
  if (fields === undefined) return undefined;
  const keys = new Set<string>();
  for (const [field, value] of Object.entries(fields)) {
    if (field === '.') continue;
    if (field !== 'f:data') return undefined;
    for (const dataField of Object.keys(asRecord(value) ?? {})) {
      if (dataField === '.') continue;
      if (!dataField.startsWith('f:')) return undefined;
      keys.add(dataField.slice('f:'.length));
    }
  }
  return keys;
}
