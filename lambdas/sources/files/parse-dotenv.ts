import { parse } from 'dotenv';
import type { Observation } from '../../engine/model.js';
import { compareObservations, type FileObservationOptions, type FileObservations } from './file-observations.js';
import { stripByteOrderMark } from './parse-structured-text.js';

/**
 * Reads a dotenv file (`KEY=value` lines) into `env` layer observations.
 *
 * Parsing is dotenv's own `parse`, so quoting, `export` prefixes, comments and multi-line values are
 * read exactly as the application's dotenv loader reads them. Keys are taken as they are (environment
 * variable names are already logical keys); the last of duplicate keys wins, as in dotenv.
 */
export function parseDotenv(text: string, options: FileObservationOptions): FileObservations {
  const entries = parse(stripByteOrderMark(text));
  const observations: Observation[] = Object.entries(entries).map(([key, value]) => ({
    key,
    value: { kind: 'plain', value },
    provenance: {
      source: 'dotenv',
      layer: options.layer ?? 'env',
      location: options.file,
      file: options.file,
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.account === undefined ? {} : { account: options.account }),
      target: { kind: 'file-key', file: options.file, path: key },
    },
  }));
  return { observations: observations.sort(compareObservations), warnings: [] };
}
