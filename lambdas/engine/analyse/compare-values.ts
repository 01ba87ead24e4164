import type { Constraints } from '../model.js';
import { parseDuration } from './parse-duration.js';
import { quantityValue } from './parse-quantity.js';

/** A declared value type, as constraints name it. */
export type ValueType = NonNullable<Constraints['type']>;

const TRUE_WORDS = new Set(['true', '1', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'no']);

/**
 * The comparison form of a value under its declared type: two values are equal when their canonical
 * forms are. Integers and numbers compare numerically (`010` == `10`), booleans case-insensitively
 * over true/false/1/0/yes/no, durations by length (`60s` == `1m` == `60000ms`; bare numbers only
 * with bare numbers), quantities by value (`2Gi` == `2048Mi`, `1000m` == `1`: see {@link quantityValue}),
 * anything else (and any value that does not parse) as the exact string.
 *
 * The prefixes keep a parsed form from colliding with a raw string that happens to spell it.
 */
export function canonicalValue(text: string, type: ValueType | undefined): string {
  switch (type) {
    case 'integer':
    case 'number': {
      const trimmed = text.trim();
      const n = Number(trimmed);
      return trimmed !== '' && Number.isFinite(n) ? `n:${n}` : `s:${text}`;
    }
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (TRUE_WORDS.has(lower)) return 'b:true';
      if (FALSE_WORDS.has(lower)) return 'b:false';
      return `s:${text}`;
    }
    case 'duration': {
      const parsed = parseDuration(text.trim());
      if (parsed === undefined) return `s:${text}`;
      return parsed.kind === 'bare' ? `n:${parsed.value}` : `ms:${parsed.value}`;
    }
    case 'quantity': {
      const value = quantityValue(text);
      return value === undefined ? `s:${text}` : `q:${value}`;
    }
    default:
      return `s:${text}`;
  }
}

/**
 * Type-aware equality ({@link canonicalValue}). The identical-string check comes first so the clean
 * path (live value spelled as declared) never parses anything.
 */
export function valuesEqual(a: string, b: string, type: ValueType | undefined): boolean {
  if (a === b) return true;
  if (type === undefined || type === 'string' || type === 'url') return false;
  return canonicalValue(a, type) === canonicalValue(b, type);
}
