import type { DeclarationLocation, KeyStyle } from '../../model.js';
import type { DocumentPath } from '../baseline-document.js';
import type { ValuesFormat } from './values-schema.js';

/** One `values:` entry of an environment, with its shorthand expanded and its format decided. */
export interface ValuesReference {
  readonly environment: string;
  /** Normalised path relative to the baseline directory: the file's name in the baseline's file list. */
  readonly file: string;
  readonly format: ValuesFormat;
  /** Flattening of nested keys; absent for a helm file without `key_style` (mapping only). */
  readonly keyStyle?: KeyStyle;
  /** `KEY: dotted.path`: explicit mapping of logical keys to places in the file. */
  readonly keys?: Readonly<Record<string, string>>;
  readonly application?: string;
  /** Where the entry is written in the baseline (for issues about the reference itself). */
  readonly declaredAt: DeclarationLocation;
  /** The entry's path in its baseline document: `['environments', 'staging', 'values', 0]`. */
  readonly at: DocumentPath;
}

/**
 * One key a values file gives a value, and where. `value: null` is YAML's `null`: the key must be
 * absent (Helm deletes a key set to null, so the chart renders nothing for it).
 */
export interface ValuesEntry {
  readonly key: string;
  readonly application?: string;
  readonly value: string | null;
  /** The values file and the line and column of the value. */
  readonly location: DeclarationLocation;
  /** Where the value is in the file: YAML/JSON node path, or `[KEY]` for dotenv. Used by `baseline accept`. */
  readonly path: DocumentPath;
  readonly format: ValuesFormat;
}

/** `application\0key`: keys of different applications are different keys. */
export function scopedKey(entry: Pick<ValuesEntry, 'key' | 'application'>): string {
  return `${entry.application ?? ''}\u0000${entry.key}`;
}
