import { SOURCE_LAYERS, type FileSourceSpec, type ImageObservation, type Observation, type PodObservation, type SourceLayer } from '../../engine/model.js';
import { snapshotFormatNamed } from '../registry.js';
import type { LoadedSnapshotFile } from '../source-kind.js';
import type { SsmPrefix } from '../ssm/ssm-snapshot-reader.js';

export { ssmRecordsToObservations, type SsmPrefix } from '../ssm/ssm-snapshot-reader.js';

/** What a file needs from its environment to become observations. */
export interface SnapshotFileContext {
  readonly region?: string;
  readonly account?: string;
  /**
   * Prefixes for SSM files whose spec names none (the environment's `sources.ssm`, else the snapshot
   * manifest's); each parameter takes the longest that matches.
   */
  readonly ssmPrefixes?: readonly SsmPrefix[];
  /** Kubernetes selection (the environment's `sources.eks`); everything in the file when absent. */
  readonly namespaces?: readonly string[];
  readonly workloads?: readonly string[];
  readonly cluster?: string;
  /** Declared applications by container, for Kubernetes files. */
  readonly workloadApplications?: Readonly<Record<string, string>>;
  /** The application of dotenv and app-config files whose spec names none (the environment's only SSM tree's). */
  readonly defaultApplication?: string;
  /** Whether a key is secret under the baseline, for Kubernetes `$(VAR)` expansion. */
  readonly secretKey?: (key: string) => boolean;
}

/** A file's observations, images and warnings, with the number of items it held. */
export interface SnapshotFileObservations {
  readonly observations: Observation[];
  readonly images: ImageObservation[];
  /** The running pods of the workloads a Kubernetes file holds (the pods view's payload). */
  readonly pods?: readonly PodObservation[];
  readonly warnings: string[];
  /** Parameters for SSM files (what was read), observations otherwise. */
  readonly itemCount: number;
}

/** The layers a format's observations land in, unless the spec overrides it (where the format allows). */
export function formatLayers(format: string | undefined, override?: SourceLayer): SourceLayer[] {
  const known = format === undefined ? undefined : snapshotFormatNamed(format);
  if (override !== undefined && known?.layerOverride !== false) return [override];
  // Unknown format: any layer may be affected, so none can be trusted complete.
  return known === undefined ? [...SOURCE_LAYERS] : [...known.layers];
}

/**
 * Maps a loaded file to observations with its spec's key style, layer and SSM prefix, by its format
 * (see `SnapshotFormat.observations`).
 *
 * The spec's `layer` overrides every format's layer but Kubernetes', whose objects span several.
 * @param prepared what the format's reader prepared for the file across its environment (SSM files:
 *   the records merged with describe-parameters metadata); the item count stays the file's
 * @throws SnapshotFileError `no-prefix` (SSM parameters with no prefix to map them), or what the
 *   dotenv and app-config readers throw
 */
export function snapshotFileObservations(
  loaded: LoadedSnapshotFile,
  spec: FileSourceSpec,
  context: SnapshotFileContext,
  prepared?: unknown,
): SnapshotFileObservations {
  const format = snapshotFormatNamed(loaded.format);
  // Loaded files come from loadSnapshotFile, which only yields registered formats.
  if (format === undefined) throw new TypeError(`${loaded.file}: no registered snapshot format ${loaded.format}`);
  return format.observations(loaded, spec, context, prepared);
}
