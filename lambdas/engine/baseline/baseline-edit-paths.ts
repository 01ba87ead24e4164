// Paths of a baseline edit: where an application's part of the path ends, and whether a document holds one.
import type { Document } from 'yaml';
import { nodeAt, type DocumentPath } from './baseline-document.js';

/**
 * An application's settings are addressed as `applications.APP.settings...` (and
 * `applications.APP.expected_differences...`): the same shapes as the shared sections, one level down.
 * `inner` is the path from there, `base` what comes before it (empty for a shared path).
 */
export function splitApplication(path: readonly string[]): {
  readonly base: readonly string[];
  readonly inner: readonly string[];
  readonly application?: string;
} {
  const [section, application, sub] = path;
  if (section === 'applications' && application !== undefined && (sub === 'settings' || sub === 'expected_differences')) {
    return { base: path.slice(0, 2), inner: path.slice(2), application };
  }
  return { base: [], inner: path };
}

/** Whether `doc` holds a node at `path`. */
export function has(doc: Document, path: DocumentPath): boolean {
  return nodeAt({ doc }, path) !== undefined;
}
