/**
 * The one interface a source kind (SSM trees, EKS workloads, snapshot files, ...) implements to take
 * part in an audit. Collection, snapshots and revert fixes iterate the kinds listed in `registry.ts`
 * and ask each for its part, so nothing outside a kind's folder branches on its name.
 *
 * A kind module imports no AWS SDK at load time (its live reader loads its SDK-bound code when it
 * reads), so the pure engine and the baseline parser may import the registry.
 */
import type { z } from 'zod';
import type { CollectLiveOptions } from '../collect/collect-live.js';
import type { Baseline, EnvironmentSpec, FileSourceSpec, KeyStyle, SourceLayer, SourceSpec, SourceStatus } from '../engine/model.js';
import type { SnapshotFileContext, SnapshotFileObservations } from './files/snapshot-file-observations.js';
import type { SnapshotManifest } from './files/snapshot-manifest.js';
import type { RevertTargetKind } from './revert-target-kind.js';
import type { ChangeReader } from './change-reader.js';
import type { SourceReadResult } from './source.js';

/** What a kind's live reader is given to plan the read of one declared source. */
export interface LiveReadContext {
  readonly environment: EnvironmentSpec;
  /** The collection's options: the client factory (paced per region, counted), the signal, overrides. */
  readonly options: CollectLiveOptions;
  readonly clock: () => Date;
  /** Whether a logical key is secret under the baseline. */
  readonly secretKey: (key: string) => boolean;
  /**
   * This kind's part of the previous run's live state ({@link LiveReader.statePart}), by source id,
   * as it was stored; undefined when there is none.
   */
  readonly previous: Readonly<Record<string, unknown>> | undefined;
}

/** One live read's outcome: what the snapshot gets, and the raw records the live state keeps. */
export interface LiveRead {
  /** Every field but `status` is a list concatenated into the environment's snapshot as it is named. */
  readonly result: SourceReadResult;
  /** Raw records kept under the kind's {@link LiveReader.statePart} by the status id; absent: none. */
  readonly state?: unknown;
}

/** A planned live read of one declared source. */
export interface PlannedLiveRead {
  /** The id its status reports (for progress lines before it finishes). */
  readonly id: string;
  /**
   * The layers its status reports, known before reading: a fan-out run reports them for a target
   * whose collector never answered. Absent: unknown, and such a failure makes every layer unknown.
   */
  readonly layers?: readonly SourceLayer[];
  /** Never throws for a read failure: it becomes an `error` status. */
  read(): Promise<LiveRead>;
}

/** How a kind reads its declared sources live. */
export interface LiveReader<S extends SourceSpec> {
  /**
   * Key of this kind's part in the live state (`LiveState[statePart][sourceId]`): what a successful
   * read leaves for the snapshot writer and the next incremental read. Absent: the kind keeps nothing.
   */
  readonly statePart?: string;
  plan(spec: S, context: LiveReadContext): PlannedLiveRead;
  /**
   * What of this kind's state part may be stored between scheduled runs (nothing secret); absent:
   * nothing is kept, and the next run reads in full.
   */
  persist?(part: Readonly<Record<string, unknown>>, baseline: Baseline): Readonly<Record<string, unknown>>;
  /**
   * How change events reach this kind (see `change-reader.ts`): which changes a spec covers, a read of
   * only the changed items, and the source as the previous state holds it. Absent: changes never name
   * this kind's sources, and a targeted run reads them in full when their environment is touched.
   */
  readonly changes?: ChangeReader<S>;
}

/** What a kind's snapshot writer is given for one environment. */
export interface SnapshotWriteContext {
  readonly baseline: Baseline;
  /** This kind's state part, limited to the environment's sources that were read, by source id. */
  readonly state: Readonly<Record<string, unknown>>;
  /** Whether a logical key is secret under the baseline. */
  readonly secretKey: (key: string) => boolean;
  /**
   * What to write in place of a value read under `keys` whose shape is secret (a fingerprinted
   * marker keyed for this write only), or undefined when the value may be written as it is.
   */
  readonly withheld: (keys: readonly string[], value: string) => string | undefined;
}

/** A kind's part of one environment's snapshot directory. */
export interface SnapshotFiles {
  /** Files written in `<dir>/<environment>/`, as JSON, in this order. */
  readonly files: readonly { readonly name: string; readonly json: unknown }[];
  /** Fields this kind adds to the environment's `snapshot.json` manifest. */
  readonly manifest?: Readonly<Record<string, unknown>>;
}

/** How a kind writes what it read live as files the offline reader reads back. */
export interface SnapshotWriter<S extends SourceSpec> {
  /** Called for every environment with the environment's specs of this kind (possibly none). */
  write(specs: readonly S[], context: SnapshotWriteContext): SnapshotFiles;
}

/**
 * The deploying stack's partition, region and account, as strings (CDK tokens at synth time), for
 * the ARNs of a kind's IAM statements; a scope entry's own region and account win over them.
 */
export interface IamPlacement {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

/** One IAM statement as plain JSON; the stack turns it into an `iam.PolicyStatement`. */
export interface IamStatementJson {
  /** The stack's name for the statement (`ReadStatements.<name>`): what cdk-nag acknowledgements refer to. */
  readonly name: string;
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

/** What one declared source adds to the audit scope (see `lib/audit-scope.ts`). */
export interface ReadScopeEntry {
  /** The entry's fields (`path`, `name`, `region`, `account`, `roleArn`, ...); undefined ones are left out. */
  readonly fields: Readonly<Record<string, string | undefined>>;
  /** Entries with equal keys are one entry; entries are sorted by it. */
  readonly sortKey: readonly (string | undefined)[];
  /** Lists merged (unique, sorted) across the sources of one entry, such as EKS namespaces. */
  readonly lists?: Readonly<Record<string, readonly string[]>>;
}

/** Where a declared source is read from, as the audit scope sees it. */
export interface ReadScopeContext {
  readonly environment: EnvironmentSpec;
  /** The environment's account, or the one its read role names. */
  readonly account?: string;
  readonly roleArn?: string;
}

/**
 * What a kind needs to be allowed to read live: the scope entries its sources add (grouped under
 * `scopePart` of the audit scope), the IAM statements they need, and the EKS access policy granted on
 * their namespaces, if any. Plain data: the stack (lib/) builds IAM and access entries from it.
 */
export interface ReadAccess<S extends SourceSpec> {
  /** Key of this kind's entries in the audit scope (`AuditScope.ssm`, `AuditScope.clusters`). */
  readonly scopePart: string;
  scopeEntry(spec: S, context: ReadScopeContext): ReadScopeEntry;
  /** Least-privilege statements for this part's entries (none when there are none). */
  statements(entries: readonly Readonly<Record<string, unknown>>[], placement: IamPlacement): readonly IamStatementJson[];
  /**
   * The EKS cluster access policy (`AmazonEKSViewPolicy`) an access entry grants on each entry's
   * `namespaces`, for kinds that read a Kubernetes API; absent: none.
   */
  readonly eksAccessPolicy?: string;
}

/** What a kind's baseline normaliser knows of the environment its entries belong to. */
export interface SourceNormaliseContext {
  readonly environment: { readonly name: string; readonly tier: string };
  /** Every declared application's name. */
  readonly declaredApplications: readonly string[];
  /** Declared applications by container (`deployment/api-server[/container]`); absent when none is declared. */
  readonly workloadApplications?: Readonly<Record<string, string>>;
  /**
   * The applications of the environment's specs normalised so far (kinds earlier in the registry)
   * that declare a parameter prefix (`SourceKind.placementPrefix`): its SSM trees' applications.
   */
  readonly parameterTreeApplications: readonly (string | undefined)[];
}

/**
 * A kind's part of the baseline file: its section under an environment's `sources`, the schema of
 * one entry (the JSON Schema is generated from it) and how entries, once valid, become specs.
 */
export interface BaselineSourcePiece<S extends SourceSpec> {
  /** The key under `sources` (`ssm`, `eks`, `files`). */
  readonly section: string;
  /** The section's description in the JSON Schema. */
  readonly description: string;
  /** One entry of the section; free of transforms and defaults, as the whole baseline schema is. */
  readonly entry: z.ZodType;
  /** Valid entries (as the schema accepted them) to specs, defaults resolved. */
  normalise(entries: readonly unknown[], context: SourceNormaliseContext): S[];
}

/** One snapshot file, read and parsed by its format, not yet mapped to keys. */
export interface LoadedSnapshotFile {
  /** The format's name (`SnapshotFormat.name`). */
  readonly format: string;
  /** The path as shown in ids and messages. */
  readonly file: string;
  /** What the format's `load` returned. */
  readonly content: unknown;
}

/** One file format of snapshot files (`sources.files[].format`), as the offline reader reads it. */
export interface SnapshotFormat {
  /** `ssm-export`, `kubernetes`, `dotenv`, ... */
  readonly name: string;
  /** The layers its observations land in. */
  readonly layers: readonly SourceLayer[];
  /** False when a file spec's `layer` does not apply (Kubernetes objects span several layers). */
  readonly layerOverride: boolean;
  /** Parses a file's text. @throws SnapshotFileError with the file, line and column of the problem */
  load(text: string, file: string): unknown;
  /**
   * Maps a loaded file to observations with its spec's key style, layer and labels.
   * @param prepared what the reader's `prepare` made of the file for its environment, if anything
   * @throws SnapshotFileError (or WorkloadNotFoundError) for a file that cannot be mapped
   */
  observations(file: LoadedSnapshotFile, spec: FileSourceSpec, context: SnapshotFileContext, prepared?: unknown): SnapshotFileObservations;
}

/**
 * How a kind's exported files are read offline: its formats, how they are recognised, and what the
 * kind adds to the context every file of an environment is mapped with.
 */
export interface SnapshotReader {
  readonly formats: readonly SnapshotFormat[];
  /**
   * Recognises parsed documents as one of its formats (readers are asked by ascending `contentRank`,
   * the first answer wins), so a file's content decides its format.
   */
  readonly contentRank: number;
  detectDocuments(fileName: string, documents: readonly unknown[]): string | undefined;
  /** Guesses a format from a lower-case `.json`/`.yaml` file name (by ascending `nameRank`), for files that do not parse. */
  readonly nameRank: number;
  detectName(name: string): string | undefined;
  /** What the environment's specs of this kind (or, failing them, the manifest) add to the mapping context. */
  context?(environment: EnvironmentSpec, manifest: SnapshotManifest | undefined): Partial<SnapshotFileContext>;
  /** The key style of files found by convention, when this kind's specs or the manifest say one. */
  conventionKeyStyle?(environment: EnvironmentSpec, manifest: SnapshotManifest | undefined): KeyStyle | undefined;
  /**
   * An environment-wide step over the loaded files of its formats before any is mapped (SSM exports
   * merged with describe output): per file, what to map instead of its own content, and warnings.
   */
  prepare?(files: readonly LoadedSnapshotFile[]): ReadonlyMap<LoadedSnapshotFile, { readonly prepared?: unknown; readonly warnings?: readonly string[] }>;
}

/**
 * A kind of declared source. `name` is the `kind` of its specs in the baseline model and of the
 * statuses it reports.
 */
export interface SourceKind<S extends SourceSpec = SourceSpec> {
  readonly name: S['kind'];
  /** Its section of the baseline's `sources`. */
  readonly baseline: BaselineSourcePiece<S>;
  /** Reads the kind's sources live; absent for kinds only read offline (snapshot files). */
  readonly live?: LiveReader<S>;
  /** What reading it live must be allowed; absent for kinds read offline only. */
  readonly readAccess?: ReadAccess<S>;
  /** Reads its exported files offline (`drift-audit scan --snapshots`); absent: none. */
  readonly snapshotReader?: SnapshotReader;
  /** Writes its live reads into a snapshot directory (`drift-audit snapshot`); absent: it writes nothing. */
  readonly snapshotWriter?: SnapshotWriter<S>;
  /** How the fixes of values this kind observes are built, one per target kind it addresses. */
  readonly revertTargets: readonly RevertTargetKind[];
  /**
   * The parameter prefix a spec declares, under which a key absent everywhere would be created
   * (an SSM tree's path, an SSM export's `prefix`); absent or undefined: none.
   */
  placementPrefix?(spec: S): { readonly path: string; readonly region?: string } | undefined;
}

/**
 * A planned read that fails at once, for a source that cannot be read as declared (no region):
 * its layers become unknown, as if the read had failed.
 */
export function failedLiveRead(id: string, kind: string, layers: readonly SourceLayer[], code: string, message: string): PlannedLiveRead {
  const status: SourceStatus = { id, kind, layers, status: 'error', itemCount: 0, error: { code, message } };
  return { id, layers, read: async () => ({ result: { observations: [], images: [], status } }) };
}
