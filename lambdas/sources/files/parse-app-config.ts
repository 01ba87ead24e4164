import type { KeyStyle, Observation } from '../../engine/model.js';
import { toLogicalKey } from '../ssm/ssm-observations.js';
import { compareObservations, type FileObservationOptions, type FileObservations } from './file-observations.js';
import { parseJsonText, parseYamlDocuments } from './parse-structured-text.js';
import { SnapshotFileError } from './snapshot-file-error.js';
import { positionOfPath } from './text-position.js';

/** How an application config file is read. */
export interface AppConfigOptions extends FileObservationOptions {
  /** `env` turns `database.pool_size` into `DATABASE_POOL_SIZE`; `relative` keeps the dotted path. */
  readonly keyStyle: KeyStyle;
  /** @default inferred from the file name: `.json` is JSON, anything else YAML */
  readonly syntax?: 'json' | 'yaml';
}

/**
 * Reads a YAML or JSON application config file into `file` layer observations.
 *
 * @throws SnapshotFileError `parse-error` (with line and column) or `invalid-content`
 */
export function parseAppConfig(text: string, options: AppConfigOptions): FileObservations {
  const syntax = options.syntax ?? (options.file.toLowerCase().endsWith('.json') ? 'json' : 'yaml');
  if (syntax === 'json') return appConfigToObservations(parseJsonText(text, options.file), options, text);
  const documents = parseYamlDocuments(text, options.file);
  if (documents.length > 1) {
    throw new SnapshotFileError('invalid-content', options.file, `application config has ${documents.length} YAML documents; expected one`);
  }
  return appConfigToObservations(documents[0] ?? {}, options, text);
}

/**
 * Flattens a parsed config value into observations, one per leaf.
 *
 * Nested maps are joined with `.`, then the key style applies. An array of scalars is one value, its
 * JSON text (`["a","b"]`), since applications read it whole; arrays holding maps are indexed
 * (`servers.0.host`). Numbers and booleans become their text; `null` is "not set" and yields nothing.
 * Two paths that map to the same key (`database.pool_size` and `database_pool_size` in `env` style)
 * are both kept, with a warning: which one the application reads is not knowable here.
 * @param text the source, used only to locate a content error
 * @throws SnapshotFileError `invalid-content` when the top level is not a mapping
 */
export function appConfigToObservations(value: unknown, options: AppConfigOptions, text?: string): FileObservations {
  if (!isRecord(value)) {
    const reason = 'application config must be a mapping of keys to values at the top level';
    throw new SnapshotFileError('invalid-content', options.file, reason, {
      ...(text === undefined ? {} : positionOption(text, [])),
    });
  }
  const leaves: [string, string][] = [];
  flatten(value, [], leaves);
  const observations: Observation[] = [];
  const pathsByKey = new Map<string, string[]>();
  for (const [path, leaf] of leaves) {
    const key = toLogicalKey(path, options.keyStyle);
    pathsByKey.set(key, [...(pathsByKey.get(key) ?? []), path]);
    observations.push({
      key,
      value: { kind: 'plain', value: leaf },
      provenance: {
        source: 'app-config',
        layer: options.layer ?? 'file',
        location: `${options.file}#${path}`,
        file: options.file,
        ...(options.region === undefined ? {} : { region: options.region }),
        ...(options.account === undefined ? {} : { account: options.account }),
        target: { kind: 'file-key', file: options.file, path },
      },
    });
  }
  const warnings = [...pathsByKey]
    .filter(([, paths]) => paths.length > 1)
    .map(([key, paths]) => `${options.file}: ${paths.join(' and ')} both map to key ${key}`);
  return { observations: observations.sort(compareObservations), warnings: warnings.sort() };
}

function flatten(value: unknown, path: readonly string[], out: [string, string][]): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || typeof item !== 'object')) {
      out.push([path.join('.'), JSON.stringify(value)]);
      return;
    }
    value.forEach((item, index) => {
      flatten(item, [...path, String(index)], out);
    });
    return;
  }
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, [...path, key], out);
    return;
  }
  out.push([path.join('.'), String(value)]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

function positionOption(text: string, path: readonly (string | number)[]) {
  const position = positionOfPath(text, path);
  return position === undefined ? {} : { position };
}
