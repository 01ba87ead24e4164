/** JSON forms of model objects shared by the report and explanation JSON: fixed field order, secrets redacted. */
import type { BaselineEdit, Finding, Fix, Provenance, ShownValue } from '../../engine/model.js';
import { redactShownValue } from './shown-value.js';

/** A JSON object as written. */
export type Json = Record<string, unknown>;

/** Code-unit order: locale-free, so output is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The object's defined fields, `first` in that order and any others after them by name, so the bytes
 * never depend on the order an object happened to be built in.
 */
export function ordered(object: object, first: readonly string[]): Json {
  const source = object as Json;
  const out: Json = {};
  for (const key of first) if (source[key] !== undefined) out[key] = source[key];
  for (const key of Object.keys(source).sort(compareText)) {
    if (!first.includes(key) && source[key] !== undefined) out[key] = source[key];
  }
  return out;
}

/** A shown value safe to write (see `redactShownValue`); `undefined` stays absent. */
export function shown(value: ShownValue | undefined): ShownValue | undefined {
  return value === undefined ? undefined : redactShownValue(value);
}

/** Provenance in a fixed field order. */
export function provenanceJson(p: Provenance): Json {
  const base = ordered(p, ['source', 'layer', 'location', 'file', 'version', 'changedAt', 'changedBy', 'outOfBand', 'region', 'account', 'cluster', 'target']);
  if (p.target !== undefined) base.target = ordered(p.target, ['kind']);
  return base;
}

function baselineEditJson(edit: BaselineEdit): Json {
  // JSON cannot hold `value: undefined`, the model's "delete": say it with `op` instead.
  const op = edit.op ?? (edit.value === undefined ? 'delete' : undefined);
  const value = edit.value !== null && typeof edit.value === 'object' ? ordered(edit.value, []) : edit.value;
  return ordered({ ...edit, value, op }, ['path', 'op', 'value', 'file']);
}

function fixJson(fix: Fix): Json {
  const out = ordered(fix, ['summary', 'command', 'baselineEdit']);
  if (fix.baselineEdit !== undefined) out.baselineEdit = baselineEditJson(fix.baselineEdit);
  return out;
}

function comparedWithJson(values: Readonly<Record<string, ShownValue>>): Record<string, ShownValue> {
  const out: Record<string, ShownValue> = {};
  for (const env of Object.keys(values).sort(compareText)) {
    const value = values[env];
    if (value !== undefined) out[env] = redactShownValue(value);
  }
  return out;
}

/** A finding with every field, secrets redacted, in a fixed field order. */
export function findingJson(f: Finding): Json {
  return ordered(
    {
      ...f,
      expected: shown(f.expected),
      actual: shown(f.actual),
      provenance: f.provenance.map(provenanceJson),
      comparedWith: f.comparedWith === undefined ? undefined : comparedWithJson(f.comparedWith),
      fixes: ordered(
        {
          revert: f.fixes.revert === undefined ? undefined : fixJson(f.fixes.revert),
          accept: f.fixes.accept === undefined ? undefined : fixJson(f.fixes.accept),
        },
        ['revert', 'accept'],
      ),
    },
    ['id', 'type', 'severity', 'environment', 'tier', 'region', 'account', 'key', 'expected', 'actual', 'message', 'provenance', 'comparedWith', 'fixes'],
  );
}
