import type { EnvironmentSpec, KeyStyle, Observation, SourceLayer, SsmSourceSpec } from '../../engine/model.js';
import { compareObservations } from '../files/file-observations.js';
import { mergeSsmRecords, parseSsmDescribe, parseSsmExport } from '../files/parse-ssm-export.js';
import { SnapshotFileError } from '../files/snapshot-file-error.js';
import type { SnapshotFileContext } from '../files/snapshot-file-observations.js';
import { asRecord } from '../kubernetes/unknown-shape.js';
import type { LoadedSnapshotFile, SnapshotFormat, SnapshotReader } from '../source-kind.js';
import { normaliseSsmPrefix, ssmParametersToObservations, type SsmParameterRecord } from './ssm-observations.js';

/** An SSM path prefix and how names under it become keys. */
export interface SsmPrefix {
  /** `/production-eu/api/` */
  readonly path: string;
  readonly keyStyle: KeyStyle;
  /** Region of parameters under it, when their ARN does not say. */
  readonly region?: string;
  /** The application that reads the tree. */
  readonly application?: string;
}

/**
 * Maps SSM records under several prefixes, each record by the longest prefix that holds it.
 * @throws SnapshotFileError `no-prefix` when there are records but no prefix at all
 */
export function ssmRecordsToObservations(
  records: readonly SsmParameterRecord[],
  prefixes: readonly SsmPrefix[],
  labels: { readonly file: string; readonly layer?: SourceLayer; readonly region?: string; readonly account?: string },
): { observations: Observation[]; warnings: string[] } {
  if (records.length > 0 && prefixes.length === 0) {
    throw new SnapshotFileError(
      'no-prefix',
      labels.file,
      'cannot map SSM parameter names to keys: no prefix known (set prefix on the file source, ' +
        'declare sources.ssm for the environment, or list ssmPrefixes in snapshot.json)',
    );
  }
  const ordered = [...prefixes].map((prefix) => ({ ...prefix, path: normaliseSsmPrefix(prefix.path) })).sort((a, b) => b.path.length - a.path.length);
  const groups = new Map<(typeof ordered)[number], SsmParameterRecord[]>();
  let outside = 0;
  for (const record of records) {
    const prefix = ordered.find((candidate) => record.name.startsWith(candidate.path) && record.name.length > candidate.path.length);
    if (prefix === undefined) {
      outside++;
      continue;
    }
    const group = groups.get(prefix);
    if (group === undefined) groups.set(prefix, [record]);
    else group.push(record);
  }
  const observations = [...groups].flatMap(([prefix, group]) =>
    ssmParametersToObservations(group, {
      prefix: prefix.path,
      keyStyle: prefix.keyStyle,
      file: labels.file,
      ...(labels.layer === undefined ? {} : { layer: labels.layer }),
      ...((prefix.region ?? labels.region) === undefined ? {} : { region: prefix.region ?? labels.region }),
      ...(labels.account === undefined ? {} : { account: labels.account }),
      ...(prefix.application === undefined ? {} : { application: prefix.application }),
    }),
  );
  const warnings = outside === 0 ? [] : [`${labels.file}: ${outside} parameter(s) outside ${ordered.map((prefix) => prefix.path).join(', ')} skipped`];
  return { observations: observations.sort(compareObservations), warnings };
}

/** A loaded SSM file's records (what `load` below returned). */
function recordsOf(file: LoadedSnapshotFile): readonly SsmParameterRecord[] {
  return file.content as readonly SsmParameterRecord[];
}

function ssmFormat(name: 'ssm-export' | 'ssm-describe', load: (text: string, file: string) => SsmParameterRecord[]): SnapshotFormat {
  return {
    name,
    layers: ['ssm'],
    layerOverride: true,
    load,
    observations(file, spec, context, prepared) {
      const labels = {
        file: file.file,
        ...(spec.layer === undefined ? {} : { layer: spec.layer }),
        ...(context.region === undefined ? {} : { region: context.region }),
        ...(context.account === undefined ? {} : { account: context.account }),
      };
      const prefixes: readonly SsmPrefix[] =
        spec.prefix === undefined
          ? (context.ssmPrefixes ?? [])
          : [{ path: spec.prefix, keyStyle: spec.keyStyle, ...(spec.application === undefined ? {} : { application: spec.application }) }];
      // `prepared` is what prepare below made of the file: its records merged with describe output.
      const records = (prepared as readonly SsmParameterRecord[] | undefined) ?? recordsOf(file);
      const { observations, warnings } = ssmRecordsToObservations(records, prefixes, labels);
      // What was read: the file's own parameters.
      return { observations, images: [], warnings, itemCount: recordsOf(file).length };
    },
  };
}

/** `aws ssm get-parameters-by-path --recursive --output json`. */
const ssmExport = ssmFormat('ssm-export', parseSsmExport);
/** `aws ssm describe-parameters --output json` (metadata only: LastModifiedUser, Version, ...). */
const ssmDescribe = ssmFormat('ssm-describe', parseSsmDescribe);

/**
 * Merges every SSM export of the environment with every describe output by name: each export's
 * records gain the metadata, and a describe file keeps only the records no export holds (so nothing
 * is observed twice). Returns the records to convert per file (absent: the file's own) and warnings.
 */
function mergeEnvironmentSsm(files: readonly LoadedSnapshotFile[]): {
  records: Map<LoadedSnapshotFile, readonly SsmParameterRecord[]>;
  warnings: Map<LoadedSnapshotFile, readonly string[]>;
} {
  const described = files.flatMap((file) => (file.format === 'ssm-describe' ? recordsOf(file) : []));
  const exported = new Set(files.flatMap((file) => (file.format === 'ssm-export' ? recordsOf(file).map((record) => record.name) : [])));
  const records = new Map<LoadedSnapshotFile, readonly SsmParameterRecord[]>();
  const warnings = new Map<LoadedSnapshotFile, readonly string[]>();
  for (const file of files) {
    if (file.format === 'ssm-export' && described.length > 0) {
      const names = new Set(recordsOf(file).map((record) => record.name));
      const merged = mergeSsmRecords(
        recordsOf(file),
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
        recordsOf(file).filter((record) => !exported.has(record.name)),
      );
    }
  }
  return { records, warnings };
}

/** The SSM trees of an environment as prefixes (its `sources.ssm`, else the manifest's `ssmPrefixes`). */
function environmentPrefixes(
  environment: EnvironmentSpec,
  specs: readonly SsmSourceSpec[],
  manifest: { readonly ssmPrefixes: readonly { path: string; keyStyle: KeyStyle }[] } | undefined,
): {
  prefixes: readonly SsmPrefix[];
  declared: readonly SsmPrefix[];
} {
  const regionOf = (region: string | undefined) => (region === undefined ? {} : { region });
  const declared: SsmPrefix[] = specs.map((source) => ({
    path: source.path,
    keyStyle: source.keyStyle,
    ...regionOf(source.region ?? environment.region),
    ...(source.application === undefined ? {} : { application: source.application }),
  }));
  const prefixes = declared.length > 0 ? declared : (manifest?.ssmPrefixes.map((prefix) => ({ ...prefix, ...regionOf(environment.region) })) ?? []);
  return { prefixes, declared };
}

/** The environment's SSM specs (this kind's own). */
function ssmSpecsOf(environment: EnvironmentSpec): SsmSourceSpec[] {
  return environment.sources.filter((source): source is SsmSourceSpec => source.kind === 'ssm');
}

/**
 * SSM exports and describe output, offline. Content decides (`{"Parameters": [...]}` with `Value`s is
 * an export, without them describe output); names decide for files that do not parse. Every export of
 * an environment is merged with every describe output by name, so each parameter is observed once.
 */
export const ssmSnapshotReader: SnapshotReader = {
  formats: [ssmExport, ssmDescribe],
  contentRank: 1,
  detectDocuments(fileName, documents) {
    const [only] = documents;
    const parameters = documents.length === 1 ? asRecord(only)?.['Parameters'] : undefined;
    if (!Array.isArray(parameters)) return undefined;
    if (parameters.some((parameter) => asRecord(parameter)?.['Value'] !== undefined)) return 'ssm-export';
    if (parameters.length > 0) return 'ssm-describe';
    // An empty list says nothing either way; both readers yield nothing from it.
    const base = fileName.split('/').at(-1) ?? fileName;
    return /describe/i.test(base) ? 'ssm-describe' : 'ssm-export';
  },
  nameRank: 0,
  detectName(name) {
    if (name.includes('describe')) return 'ssm-describe';
    if (name.includes('ssm') || name.includes('parameters')) return 'ssm-export';
    return undefined;
  },
  context(environment, manifest): Partial<SnapshotFileContext> {
    const { prefixes, declared } = environmentPrefixes(environment, ssmSpecsOf(environment), manifest);
    const applications = new Set(declared.map((prefix) => prefix.application));
    const defaultApplication = applications.size === 1 ? [...applications][0] : undefined;
    return { ssmPrefixes: prefixes, ...(defaultApplication === undefined ? {} : { defaultApplication }) };
  },
  conventionKeyStyle: (environment, manifest) => ssmSpecsOf(environment)[0]?.keyStyle ?? manifest?.ssmPrefixes[0]?.keyStyle,
  prepare(files) {
    const { records, warnings } = mergeEnvironmentSsm(files);
    const out = new Map<LoadedSnapshotFile, { prepared?: unknown; warnings?: readonly string[] }>();
    for (const file of files) {
      const merged = records.get(file);
      const notes = warnings.get(file);
      out.set(file, { ...(merged === undefined ? {} : { prepared: merged }), ...(notes === undefined ? {} : { warnings: notes }) });
    }
    return out;
  },
};
