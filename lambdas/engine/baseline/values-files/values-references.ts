import { posix } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { DeclarationLocation, KeyStyle } from '../../model.js';
import { locate, YAML_PARSE_OPTIONS } from '../baseline-document.js';
import type { BaselineFile } from '../baseline-file.js';
import type { BaselineIssue } from '../baseline-issue.js';
import { issueAt } from '../issue-at.js';
import type { Declared } from '../merge-baseline-files.js';
import type { ValuesReference } from './values-entry.js';
import type { ValuesFormat } from './values-schema.js';

/** A `values:` entry as written (validated by the schema before this runs). */
type ValuesInput = string | { path: string; format?: ValuesFormat; key_style?: KeyStyle; keys?: Record<string, string>; application?: string };

// Only files that can declare a values list are parsed a second time: the rest never name one.
const MAY_DECLARE_VALUES = /\bvalues\s*:/;

/** Where a values file is named: the reference's file, line and column, and its path in that file. */
export interface ValuesFileMention extends DeclarationLocation {
  readonly path: string;
}

/**
 * The files the baseline's environments use as values files, by name normalised as the loaders name
 * them (`../helm/values.yaml`, `staging.yaml`), each with its first mention. They are found before the
 * baseline is read so the parser can set them apart (seed 001 keeps `config/staging.yaml` beside
 * `config/expected-env-diff.yaml`, and a values file is not a baseline file) and so the loaders know
 * what to read. Reads syntax only (no aliases expanded); a file that does not parse names none here
 * and is reported by the baseline reader.
 */
export function valuesFileMentions(files: readonly BaselineFile[]): Map<string, ValuesFileMention> {
  const mentions = new Map<string, ValuesFileMention>();
  for (const file of files) {
    if (!MAY_DECLARE_VALUES.test(file.text)) continue;
    const lineCounter = new LineCounter();
    const doc = parseDocument(file.text, { ...YAML_PARSE_OPTIONS, lineCounter });
    if (doc.errors.length > 0) continue;
    const environments = isMap(doc.contents) ? doc.contents.get('environments', true) : undefined;
    if (!isMap(environments)) continue;
    for (const pair of environments.items) {
      const values = isMap(pair.value) ? pair.value.get('values', true) : undefined;
      if (!isSeq(values)) continue;
      (values.items as Node[]).forEach((item, index) => {
        const node = isScalar(item) ? item : isMap(item) ? item.get('path', true) : undefined;
        if (!isScalar(node) || typeof node.value !== 'string') return;
        const name = normaliseValuesPath(node.value);
        if (mentions.has(name)) return;
        const position = lineCounter.linePos(node.range?.[0] ?? 0);
        const environment = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const path = `environments.${environment}.values[${index}]${isScalar(item) ? '' : '.path'}`;
        mentions.set(name, { file: file.name, line: position.line, column: position.col, path });
      });
    }
  }
  return mentions;
}

/** `./a/../staging.yaml` -> `staging.yaml`: one name per file, whichever way a reference spells it. */
export function normaliseValuesPath(path: string): string {
  return posix.normalize(path);
}

/** Files with one of `names`, and the others (the baseline's own files), each in the order given. */
export function separateValuesFiles(files: readonly BaselineFile[]): { readonly baseline: BaselineFile[]; readonly values: BaselineFile[] } {
  const names = valuesFileMentions(files);
  if (names.size === 0) return { baseline: [...files], values: [] };
  const baseline: BaselineFile[] = [];
  const values: BaselineFile[] = [];
  for (const file of files) (names.has(normaliseValuesPath(file.name)) ? values : baseline).push(file);
  return { baseline, values };
}

/**
 * Every environment's values references, from the merged (validated) environments, with the format
 * decided (named, else inferred from the file name) and the rules of the format applied: a helm file
 * is read through its `keys:` mapping, and is flattened only when it says `key_style`.
 */
export function valuesReferences(environments: ReadonlyMap<string, Declared>): { readonly references: ValuesReference[]; readonly issues: BaselineIssue[] } {
  const references: ValuesReference[] = [];
  const issues: BaselineIssue[] = [];
  for (const entry of environments.values()) {
    const list = (entry.value as { values?: readonly ValuesInput[] } | null)?.values ?? [];
    list.forEach((raw, index) => {
      const at = [...entry.path, 'values', index];
      const input = typeof raw === 'string' ? { path: raw } : raw;
      const file = normaliseValuesPath(input.path);
      const format = input.format ?? inferFormat(file);
      if (format === undefined) {
        issues.push(
          issueAt(entry.document, typeof raw === 'string' ? at : [...at, 'path'], 'values-format', `cannot tell the format of ${input.path} from its name`, {
            expected: 'format: yaml, json, dotenv or helm (or a name ending in .yaml, .yml, .json or .env)',
          }),
        );
        return;
      }
      if (format === 'helm' && input.keys === undefined && input.key_style === undefined) {
        issues.push(
          issueAt(
            entry.document,
            at,
            'missing-key',
            `helm values file ${input.path} says neither keys: (KEY: path.in.values) nor key_style: (flatten every value)`,
            {
              expected: 'keys: { DB_TIMEOUT: app.database.timeoutMs } or key_style: env',
            },
          ),
        );
        return;
      }
      const keyStyle = input.key_style ?? (format === 'helm' || (input.keys !== undefined && format !== 'dotenv') ? undefined : 'relative');
      references.push({
        environment: entry.name,
        file,
        format,
        ...(keyStyle === undefined ? {} : { keyStyle }),
        ...(input.keys === undefined ? {} : { keys: input.keys }),
        ...(input.application === undefined ? {} : { application: input.application }),
        declaredAt: locate(entry.document, typeof raw === 'string' ? at : [...at, 'path'], 'value'),
        at,
      });
    });
  }
  return { references, issues };
}

function inferFormat(file: string): ValuesFormat | undefined {
  const name = posix.basename(file).toLowerCase();
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) return 'dotenv';
  return undefined;
}
