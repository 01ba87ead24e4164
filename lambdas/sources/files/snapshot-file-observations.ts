import type { FileFormat, FileSourceSpec, ImageObservation, KeyStyle, Observation, PodObservation, SourceLayer } from '../../engine/model.js';
import { podsPayload } from '../kubernetes/views/pods/pods-payload.js';
import { kubernetesObjectsToObservations } from '../kubernetes/workload-observations.js';
import { normaliseSsmPrefix, ssmParametersToObservations, type SsmParameterRecord } from '../ssm/ssm-observations.js';
import { compareObservations } from './file-observations.js';
import type { LoadedSnapshotFile } from './load-snapshot-file.js';
import { parseAppConfig } from './parse-app-config.js';
import { parseDotenv } from './parse-dotenv.js';
import { SnapshotFileError } from './snapshot-file-error.js';

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
  /** Running pods, for Kubernetes files that hold them. */
  readonly pods?: readonly PodObservation[];
  readonly warnings: string[];
  /** Parameters for SSM files (what was read), observations otherwise. */
  readonly itemCount: number;
}

/** The layers a format's observations land in, unless the spec overrides it. */
export function formatLayers(format: FileFormat | undefined, override?: SourceLayer): SourceLayer[] {
  if (override !== undefined && format !== 'kubernetes') return [override];
  switch (format) {
    case 'ssm-export':
    case 'ssm-describe':
      return ['ssm'];
    case 'kubernetes':
      return ['env', 'configmap', 'secret', 'workload'];
    case 'dotenv':
      return ['env'];
    case 'app-config':
      return ['file'];
    default:
      // Unknown format: any layer may be affected, so none can be trusted complete.
      return ['file', 'env', 'configmap', 'secret', 'ssm', 'workload'];
  }
}

/**
 * Maps a loaded file to observations with its spec's key style, layer and SSM prefix.
 *
 * The spec's `layer` overrides every format's layer but Kubernetes', whose objects span several.
 * @param ssmRecords for SSM files, the records to convert instead of the file's own (merged with
 *   describe-parameters metadata); the item count stays the file's
 * @throws SnapshotFileError `no-prefix` (SSM parameters with no prefix to map them), or what the
 *   dotenv and app-config readers throw
 */
export function snapshotFileObservations(
  loaded: LoadedSnapshotFile,
  spec: FileSourceSpec,
  context: SnapshotFileContext,
  ssmRecords?: readonly SsmParameterRecord[],
): SnapshotFileObservations {
  const { file } = loaded;
  const labels = {
    file,
    ...(spec.layer === undefined ? {} : { layer: spec.layer }),
    ...(context.region === undefined ? {} : { region: context.region }),
    ...(context.account === undefined ? {} : { account: context.account }),
  };
  switch (loaded.format) {
    case 'ssm-export':
    case 'ssm-describe': {
      const prefixes: readonly SsmPrefix[] =
        spec.prefix === undefined
          ? (context.ssmPrefixes ?? [])
          : [{ path: spec.prefix, keyStyle: spec.keyStyle, ...(spec.application === undefined ? {} : { application: spec.application }) }];
      const { observations, warnings } = ssmRecordsToObservations(ssmRecords ?? loaded.records, prefixes, labels);
      return { observations, images: [], warnings, itemCount: loaded.records.length };
    }
    case 'kubernetes': {
      const { observations, images, warnings, payloads } = kubernetesObjectsToObservations(loaded.objects, {
        file,
        ...(context.namespaces === undefined ? {} : { namespaces: context.namespaces }),
        ...(context.workloads === undefined ? {} : { workloads: context.workloads }),
        ...(context.region === undefined ? {} : { region: context.region }),
        ...(context.account === undefined ? {} : { account: context.account }),
        ...(context.cluster === undefined ? {} : { cluster: context.cluster }),
        ...applicationsOption(spec.workloadApplications ?? context.workloadApplications),
        ...(context.secretKey === undefined ? {} : { secretKey: context.secretKey }),
      });
      const pods = podsPayload(payloads);
      return {
        observations,
        images,
        ...(pods.length === 0 ? {} : { pods }),
        warnings: warnings.map((warning) => `${file}: ${warning}`),
        itemCount: observations.length,
      };
    }
    case 'dotenv': {
      const { observations, warnings } = parseDotenv(loaded.text, labels);
      const labelled = withApplication(observations, spec.application ?? context.defaultApplication);
      return { observations: labelled, images: [], warnings, itemCount: observations.length };
    }
    case 'app-config': {
      const { observations, warnings } = parseAppConfig(loaded.text, { ...labels, keyStyle: spec.keyStyle });
      const labelled = withApplication(observations, spec.application ?? context.defaultApplication);
      return { observations: labelled, images: [], warnings, itemCount: observations.length };
    }
  }
}

/** Labels a file's observations with the application that reads the file. */
function withApplication(observations: Observation[], application: string | undefined): Observation[] {
  return application === undefined ? observations : observations.map((observation) => ({ ...observation, application }));
}

function applicationsOption(mapping: Readonly<Record<string, string>> | undefined): { applications?: Readonly<Record<string, string>> } {
  return mapping === undefined ? {} : { applications: mapping };
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
