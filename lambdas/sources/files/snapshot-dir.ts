import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Baseline, EnvironmentSpec, FileSourceSpec, ImageObservation, KeyStyle, Observation, Snapshot, SourceStatus } from '../../engine/model.js';
import { snapshotReaders } from '../registry.js';
import type { LoadedSnapshotFile } from '../source-kind.js';
import { isDotenvName } from './detect-file-format.js';
import { compareObservations, compareText } from './file-observations.js';
import { fileErrorStatus, fileSourceId, okFileStatus } from './file-source.js';
import { loadSnapshotFile } from './load-snapshot-file.js';
import { SnapshotFileError } from './snapshot-file-error.js';
import { formatLayers, snapshotFileObservations, type SnapshotFileContext } from './snapshot-file-observations.js';
import { secretKeyOf } from '../../engine/secrets/setting-secrecy.js';
import { parseSnapshotManifest, SNAPSHOT_MANIFEST_FILE, type SnapshotManifest } from './snapshot-manifest.js';

/** Extensions read by convention from an environment's directory (plus dotenv names). */
const CONVENTION_EXTENSIONS = /\.(json|ya?ml)$/i;

/**
 * Reads one Snapshot per baseline environment, in declaration order, from exported files.
 *
 * Which files: the environment's declared `sources.files` (paths relative to `snapshotDir`) when it
 * declares any; otherwise, by convention, every `*.json`, `*.yaml`, `*.yml` and dotenv file
 * (`.env`, `.env.*`, `*.env`) directly in `<snapshotDir>/<environment>/`, by name, with the format
 * inferred from name and content. The live snapshot writer (`drift-audit snapshot --out DIR`) writes:
 *
 * - `<dir>/<env>/ssm.json`: `aws ssm get-parameters-by-path --recursive --output json` shape
 *   (`{"Parameters": [{Name, Type, Value, Version, LastModifiedDate, ARN, DataType}]}`; SecureString
 *   entries without `Value`);
 * - `<dir>/<env>/ssm-describe.json`: `aws ssm describe-parameters --output json` shape (adds
 *   `LastModifiedUser`, `Tier`); merged with the export by `Name`;
 * - `<dir>/<env>/kubernetes.json`: a `kind: List` of workloads and ConfigMaps as `kubectl get -o json`
 *   prints them, managedFields included;
 * - `*.env` and application config files (YAML or JSON), when the environment has them;
 * - optionally `<dir>/<env>/snapshot.json`, a manifest (not a source):
 *   `{ "schema": "drift-audit.snapshot/1", "environment", "takenAt", "ssmPrefixes": [{"path", "keyStyle"}],
 *   "sources": SourceStatus[] }`. `takenAt` becomes the snapshot's; `sources` with status `error` are
 *   carried into the snapshot, so a live source that failed when the snapshot was taken stays a failure
 *   offline (its keys unknown, not missing).
 *
 * SSM names map to keys by the file spec's `prefix` and `keyStyle`; else by the environment's
 * `sources.ssm` (longest matching prefix, its key style); else by the manifest's `ssmPrefixes`.
 * Kubernetes files are filtered by the environment's `sources.eks` namespaces and workloads.
 * An environment with neither declared files nor data files in its directory gets one error status
 * (`no-snapshot`): never silently clean. Never throws for a file problem: each becomes that file's
 * error status.
 */
export async function readSnapshots(baseline: Baseline, snapshotDir: string): Promise<Snapshot[]> {
  const secretKey = secretKeyOf(baseline);
  return Promise.all(baseline.environments.map((environment) => readEnvironmentSnapshot(environment, snapshotDir, secretKey)));
}

async function readEnvironmentSnapshot(environment: EnvironmentSpec, snapshotDir: string, secretKey: (key: string) => boolean): Promise<Snapshot> {
  const manifest = await readManifest(environment, snapshotDir);
  const declared = environment.sources.filter((source): source is FileSourceSpec => source.kind === 'file');
  const specs = declared.length > 0 ? declared : await conventionSpecs(environment, snapshotDir, manifest.value);
  const carried = [...manifest.statuses, ...(manifest.value?.sources.filter((source) => source.status === 'error') ?? [])];
  const takenAt = manifest.value?.takenAt;

  if (specs.length === 0) {
    const noSnapshot: SourceStatus = {
      id: fileSourceId(`${environment.name}/`),
      kind: 'file',
      layers: environment.precedence,
      status: 'error',
      itemCount: 0,
      error: {
        code: 'no-snapshot',
        message: `no snapshot for environment ${environment.name}: ` + `no sources.files declared and no data files in ${join(snapshotDir, environment.name)}`,
      },
    };
    return {
      environment: environment.name,
      ...(takenAt === undefined ? {} : { takenAt }),
      observations: [],
      images: [],
      sources: [noSnapshot, ...carried],
    };
  }

  const context = { ...environmentContext(environment, manifest.value), secretKey };
  const loaded = await Promise.all(
    specs.map(async (spec) => {
      try {
        return { spec, loaded: await loadSnapshotFile(spec, snapshotDir) };
      } catch (error) {
        return { spec, error };
      }
    }),
  );
  const prepared = prepareFiles(loaded.flatMap((entry) => (entry.loaded === undefined ? [] : [entry.loaded])));

  // Every list a file's result carries besides its warnings (observations, images, whatever a
  // format adds), concatenated under its own name, as a live read's payloads are.
  const payload: Record<string, unknown[]> = {};
  const statuses: SourceStatus[] = [];
  for (const entry of loaded) {
    if (entry.loaded === undefined) {
      statuses.push(fileErrorStatus(entry.spec, entry.error));
      continue;
    }
    try {
      const step = prepared.get(entry.loaded);
      const result = snapshotFileObservations(entry.loaded, entry.spec, context, step?.prepared);
      for (const [name, value] of Object.entries(result)) {
        if (name !== 'warnings' && Array.isArray(value)) payload[name] = [...(payload[name] ?? []), ...value];
      }
      const warnings = [...(step?.warnings ?? []), ...result.warnings];
      const layers = formatLayers(entry.loaded.format, entry.spec.layer);
      statuses.push(okFileStatus(fileSourceId(entry.spec.path), layers, result.itemCount, warnings));
    } catch (error) {
      statuses.push(fileErrorStatus(entry.spec, error));
    }
  }
  return {
    environment: environment.name,
    ...(takenAt === undefined ? {} : { takenAt }),
    ...payload,
    // The lists of those names are the formats' observations and images (SnapshotFileObservations).
    observations: ((payload['observations'] ?? []) as Observation[]).sort(compareObservations),
    images: ((payload['images'] ?? []) as ImageObservation[]).sort(
      (a, b) =>
        compareText(a.namespace, b.namespace) ||
        compareText(a.workload, b.workload) ||
        compareText(a.container, b.container) ||
        compareText(a.provenance.file ?? '', b.provenance.file ?? ''),
    ),
    sources: [...statuses, ...carried],
  };
}

/**
 * Each kind's environment-wide step over the loaded files of its formats (SSM exports merged with
 * describe output by name, so nothing is observed twice): per file, what to map and extra warnings.
 */
function prepareFiles(
  files: readonly LoadedSnapshotFile[],
): ReadonlyMap<LoadedSnapshotFile, { readonly prepared?: unknown; readonly warnings?: readonly string[] }> {
  const steps = new Map<LoadedSnapshotFile, { readonly prepared?: unknown; readonly warnings?: readonly string[] }>();
  for (const reader of snapshotReaders()) {
    if (reader.prepare === undefined) continue;
    const names = new Set(reader.formats.map((format) => format.name));
    for (const [file, step] of reader.prepare(files.filter((file) => names.has(file.format)))) steps.set(file, step);
  }
  return steps;
}

/** What every file of the environment is mapped with: its region and account, and each kind's part. */
function environmentContext(environment: EnvironmentSpec, manifest: SnapshotManifest | undefined): SnapshotFileContext {
  let context: SnapshotFileContext = {
    ...regionOf(environment.region),
    ...(environment.account === undefined ? {} : { account: environment.account }),
  };
  for (const reader of snapshotReaders()) context = { ...context, ...reader.context?.(environment, manifest) };
  return context;
}

async function conventionSpecs(environment: EnvironmentSpec, snapshotDir: string, manifest: SnapshotManifest | undefined): Promise<FileSourceSpec[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(snapshotDir, environment.name), { withFileTypes: true });
  } catch {
    // No directory: the caller reports `no-snapshot`.
    return [];
  }
  const keyStyle: KeyStyle =
    snapshotReaders()
      .map((reader) => reader.conventionKeyStyle?.(environment, manifest))
      .find((style) => style !== undefined) ?? 'relative';
  return entries
    .filter((entry) => !entry.isDirectory() && entry.name !== SNAPSHOT_MANIFEST_FILE)
    .filter((entry) => isDotenvName(entry.name) || (CONVENTION_EXTENSIONS.test(entry.name) && !entry.name.startsWith('.')))
    .map((entry) => entry.name)
    .sort(compareText)
    .map((name) => ({ kind: 'file', path: `${environment.name}/${name}`, keyStyle }));
}

async function readManifest(environment: EnvironmentSpec, snapshotDir: string): Promise<{ value?: SnapshotManifest; statuses: SourceStatus[] }> {
  const path = `${environment.name}/${SNAPSHOT_MANIFEST_FILE}`;
  let text: string;
  try {
    text = await readFile(join(snapshotDir, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { statuses: [] };
    const unreadable = new SnapshotFileError('unreadable', path, `cannot read manifest: ${code ?? String(error)}`, {
      cause: error,
    });
    return { statuses: [manifestErrorStatus(environment, path, unreadable)] };
  }
  try {
    const value = parseSnapshotManifest(text, path);
    if (value.environment !== environment.name) {
      const reason = `manifest is for environment ${value.environment}, not ${environment.name}`;
      throw new SnapshotFileError('invalid-manifest', path, reason);
    }
    return { value, statuses: [] };
  } catch (error) {
    return { statuses: [manifestErrorStatus(environment, path, error)] };
  }
}

/** A manifest that cannot be trusted may hide a failed live source of any layer: the environment is partial. */
function manifestErrorStatus(environment: EnvironmentSpec, path: string, error: unknown): SourceStatus {
  return { ...fileErrorStatus({ kind: 'file', path, keyStyle: 'relative' }, error), layers: environment.precedence };
}

function regionOf(region: string | undefined): { region?: string } {
  return region === undefined ? {} : { region };
}
