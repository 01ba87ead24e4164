import type { FileSourceSpec, SourceLayer, SourceStatus } from '../../engine/model.js';
import { WorkloadNotFoundError } from '../kubernetes/workload-not-found-error.js';
import type { Source, SourceReadResult } from '../source.js';
import { detectFormatFromName } from './detect-file-format.js';
import { displayPath, loadSnapshotFile } from './load-snapshot-file.js';
import { SnapshotFileError } from './snapshot-file-error.js';
import { formatLayers, snapshotFileObservations, type SnapshotFileContext } from './snapshot-file-observations.js';

/** Where a {@link FileSource} finds its file and how it labels what it reads. */
export interface FileSourceOptions extends SnapshotFileContext {
  /** The directory `spec.path` is relative to (the snapshot directory). */
  readonly baseDir: string;
}

/** `file:production-eu/ssm.json`: the id a file source reports under. */
export function fileSourceId(path: string): string {
  return `file:${displayPath(path)}`;
}

/**
 * Reads one exported snapshot file (SSM export or describe output, Kubernetes objects, dotenv, app config).
 *
 * Every failure, a missing file or a syntax error alike, becomes an error status whose message names
 * the file, line and column: one broken file makes its environment partial, never an exception.
 * To read an environment's whole set, with its SSM export and describe output merged, use
 * `readSnapshots`.
 */
export class FileSource implements Source {
  readonly id: string;

  constructor(
    private readonly spec: FileSourceSpec,
    private readonly options: FileSourceOptions,
  ) {
    this.id = fileSourceId(spec.path);
  }

  async read(signal?: AbortSignal): Promise<SourceReadResult> {
    try {
      const loaded = await loadSnapshotFile(this.spec, this.options.baseDir, signal);
      const result = snapshotFileObservations(loaded, this.spec, this.options);
      return {
        observations: result.observations,
        images: result.images,
        ...(result.pods === undefined ? {} : { pods: result.pods }),
        status: okFileStatus(this.id, formatLayers(loaded.format, this.spec.layer), result.itemCount, result.warnings),
      };
    } catch (error) {
      return { observations: [], images: [], status: fileErrorStatus(this.spec, error) };
    }
  }
}

/** The status of a file read in full. */
export function okFileStatus(id: string, layers: readonly SourceLayer[], itemCount: number, warnings: readonly string[]): SourceStatus {
  return {
    id,
    kind: 'file',
    layers,
    status: 'ok',
    itemCount,
    ...(warnings.length === 0 ? {} : { warnings: [...warnings].sort() }),
  };
}

/**
 * The status of a file that could not be used. Its layers are the declared or name-implied format's,
 * so the engine knows which keys became unknown.
 */
export function fileErrorStatus(spec: FileSourceSpec, error: unknown): SourceStatus {
  const file = displayPath(spec.path);
  const layers = formatLayers(spec.format ?? detectFormatFromName(file), spec.layer);
  // Our readers throw SnapshotFileError, the Kubernetes converter WorkloadNotFoundError (a declared
  // workload absent from the file); anything else is a bug, reported by name, not swallowed.
  const unexpected = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const { code, message } =
    error instanceof SnapshotFileError || error instanceof WorkloadNotFoundError ? error : { code: 'internal-error', message: `${file}: ${unexpected}` };
  return { id: fileSourceId(spec.path), kind: 'file', layers, status: 'error', itemCount: 0, error: { code, message } };
}
