import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FileSourceSpec } from '../../engine/model.js';
import { snapshotFormatNamed, snapshotFormats } from '../registry.js';
import type { LoadedSnapshotFile } from '../source-kind.js';
import { detectFileFormat, detectFileSyntax } from './detect-file-format.js';
import { SnapshotFileError } from './snapshot-file-error.js';

/** One snapshot file, read and parsed, not yet mapped to keys. */
export type { LoadedSnapshotFile };

/**
 * Reads and parses the file a spec names, relative to `baseDir`; the format is the spec's or inferred.
 *
 * Parsing is kept apart from key mapping so that an environment's SSM export and describe output can be
 * merged before either becomes observations.
 * @throws SnapshotFileError for every failure (`file-not-found`, `unreadable`, `parse-error`, ...)
 */
export async function loadSnapshotFile(spec: FileSourceSpec, baseDir: string, signal?: AbortSignal): Promise<LoadedSnapshotFile> {
  const file = displayPath(spec.path);
  const text = await readText(resolve(baseDir, spec.path), file, signal);
  const name: string | undefined = spec.format ?? detectFileFormat(file, text);
  const format = name === undefined ? undefined : snapshotFormatNamed(name);
  if (format === undefined) {
    const names = snapshotFormats().map((known) => known.name);
    const listed = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
    throw new SnapshotFileError(
      'unknown-format',
      file,
      `cannot tell the format of this ${detectFileSyntax(file, text)} file; set format on the file source (${listed})`,
    );
  }
  return { format: format.name, file, content: format.load(text, file) };
}

/** Paths in ids and messages use `/` whatever the platform, so reports and history keys stay stable. */
export function displayPath(path: string): string {
  return path.replace(/\\/g, '/');
}

async function readText(absolute: string, file: string, signal?: AbortSignal): Promise<string> {
  try {
    return await readFile(absolute, { encoding: 'utf8', ...(signal === undefined ? {} : { signal }) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new SnapshotFileError('file-not-found', file, `cannot read snapshot file: no such file (${absolute})`, {
        cause: error,
      });
    }
    if (code === 'ABORT_ERR' || (error as Error).name === 'AbortError') {
      throw new SnapshotFileError('aborted', file, 'read aborted', { cause: error });
    }
    const reason = code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
    throw new SnapshotFileError('unreadable', file, `cannot read snapshot file: ${reason}`, { cause: error });
  }
}
