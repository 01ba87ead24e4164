import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  Baseline,
  EksSourceSpec,
  EnvironmentSpec,
  FileSourceSpec,
  ImageObservation,
  KeyStyle,
  Observation,
  PodObservation,
  Snapshot,
  SourceStatus,
} from '../../engine/model.js';
import type { SsmParameterRecord } from '../ssm/ssm-observations.js';
import { isDotenvName } from './detect-file-format.js';
import { compareObservations, compareText } from './file-observations.js';
import { fileErrorStatus, fileSourceId, okFileStatus } from './file-source.js';
import { loadSnapshotFile, type LoadedSnapshotFile } from './load-snapshot-file.js';
import { mergeSsmRecords } from './parse-ssm-export.js';
import { SnapshotFileError } from './snapshot-file-error.js';
import { formatLayers, snapshotFileObservations, type SnapshotFileContext, type SsmPrefix } from './snapshot-file-observations.js';
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
  const ssm = mergeEnvironmentSsm(loaded.flatMap((entry) => (entry.loaded === undefined ? [] : [entry.loaded])));

  const observations: Observation[] = [];
  const images: ImageObservation[] = [];
  const pods: PodObservation[] = [];
  const statuses: SourceStatus[] = [];
  for (const entry of loaded) {
    if (entry.loaded === undefined) {
      statuses.push(fileErrorStatus(entry.spec, entry.error));
      continue;
    }
    try {
      const result = snapshotFileObservations(entry.loaded, entry.spec, context, ssm.records.get(entry.loaded));
      observations.push(...result.observations);
      images.push(...result.images);
      pods.push(...(result.pods ?? []));
      const warnings = [...(ssm.warnings.get(entry.loaded) ?? []), ...result.warnings];
      const layers = formatLayers(entry.loaded.format, entry.spec.layer);
      statuses.push(okFileStatus(fileSourceId(entry.spec.path), layers, result.itemCount, warnings));
    } catch (error) {
      statuses.push(fileErrorStatus(entry.spec, error));
    }
  }
  return {
    environment: environment.name,
    ...(takenAt === undefined ? {} : { takenAt }),
    observations: observations.sort(compareObservations),
    images: images.sort(
      (a, b) =>
        compareText(a.namespace, b.namespace) ||
        compareText(a.workload, b.workload) ||
        compareText(a.container, b.container) ||
        compareText(a.provenance.file ?? '', b.provenance.file ?? ''),
    ),
    sources: [...statuses, ...carried],
    ...(pods.length === 0 ? {} : { pods }),
  };
}

/**
 * Merges every SSM export of the environment with every describe output by name: each export's
 * records gain the metadata, and a describe file keeps only the records no export holds (so nothing
 * is observed twice). Returns the records to convert per file (absent: the file's own) and warnings.
 */
function mergeEnvironmentSsm(files: readonly LoadedSnapshotFile[]): {
  records: ReadonlyMap<LoadedSnapshotFile, readonly SsmParameterRecord[]>;
  warnings: ReadonlyMap<LoadedSnapshotFile, readonly string[]>;
} {
  const described = files.flatMap((file) => (file.format === 'ssm-describe' ? file.records : []));
  const exported = new Set(files.flatMap((file) => (file.format === 'ssm-export' ? file.records.map((record) => record.name) : [])));
  const records = new Map<LoadedSnapshotFile, readonly SsmParameterRecord[]>();
  const warnings = new Map<LoadedSnapshotFile, readonly string[]>();
  for (const file of files) {
    if (file.format === 'ssm-export' && described.length > 0) {
      const names = new Set(file.records.map((record) => record.name));
      const merged = mergeSsmRecords(
        file.records,
        described.filter((record) => names.has(record.name)),
      );
      records.set(file, merged.records);
      warnings.set(
        file,
        merged.warnings.map((warning) => `${file.file}: ${warning}`),
      );
    } else if (file.format === 'ssm-describe' && exported.size > 0) {
      records.set(
        file,
        file.records.filter((record) => !exported.has(record.name)),
      );
    }
  }
  return { records, warnings };
}

function environmentContext(environment: EnvironmentSpec, manifest: SnapshotManifest | undefined): SnapshotFileContext {
  const declaredPrefixes: SsmPrefix[] = environment.sources.flatMap((source) =>
    source.kind === 'ssm'
      ? [
          {
            path: source.path,
            keyStyle: source.keyStyle,
            ...regionOf(source.region ?? environment.region),
            ...(source.application === undefined ? {} : { application: source.application }),
          },
        ]
      : [],
  );
  const ssmApplications = new Set(declaredPrefixes.map((prefix) => prefix.application));
  const defaultApplication = ssmApplications.size === 1 ? [...ssmApplications][0] : undefined;
  const workloadApplications = environment.sources.find((source) => source.kind === 'eks')?.workloadApplications;
  const ssmPrefixes: readonly SsmPrefix[] =
    declaredPrefixes.length > 0 ? declaredPrefixes : (manifest?.ssmPrefixes.map((prefix) => ({ ...prefix, ...regionOf(environment.region) })) ?? []);
  const eks = environment.sources.filter((source): source is EksSourceSpec => source.kind === 'eks');
  // A union over clusters; an empty list on any one means "everything" there, hence no filter at all.
  const namespaces = unionOrAll(eks.map((spec) => spec.namespaces));
  const workloads = unionOrAll(eks.map((spec) => spec.workloads));
  const cluster = eks.length === 1 ? eks[0]?.cluster : undefined;
  return {
    ssmPrefixes,
    ...regionOf(environment.region),
    ...(environment.account === undefined ? {} : { account: environment.account }),
    ...(namespaces === undefined ? {} : { namespaces }),
    ...(workloads === undefined ? {} : { workloads }),
    ...(cluster === undefined ? {} : { cluster }),
    ...(workloadApplications === undefined ? {} : { workloadApplications }),
    ...(defaultApplication === undefined ? {} : { defaultApplication }),
  };
}

async function conventionSpecs(environment: EnvironmentSpec, snapshotDir: string, manifest: SnapshotManifest | undefined): Promise<FileSourceSpec[]> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(snapshotDir, environment.name), { withFileTypes: true });
  } catch {
    // No directory: the caller reports `no-snapshot`.
    return [];
  }
  const keyStyle: KeyStyle = environment.sources.find((source) => source.kind === 'ssm')?.keyStyle ?? manifest?.ssmPrefixes[0]?.keyStyle ?? 'relative';
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

/** The sorted union of the lists, or undefined ("everything") when there are none or one is empty. */
function unionOrAll(lists: readonly (readonly string[])[]): string[] | undefined {
  if (lists.length === 0 || lists.some((list) => list.length === 0)) return undefined;
  return [...new Set(lists.flat())].sort(compareText);
}
