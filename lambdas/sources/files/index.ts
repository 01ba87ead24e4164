/** Snapshot-file sources: exported SSM, Kubernetes, dotenv and app-config files. */
export { detectFileFormat, detectFormatFromDocuments, detectFormatFromName } from './detect-file-format.js';
export { FileSource, fileSourceId, type FileSourceOptions } from './file-source.js';
export { loadSnapshotFile, type LoadedSnapshotFile } from './load-snapshot-file.js';
export { appConfigToObservations, parseAppConfig, type AppConfigOptions } from './parse-app-config.js';
export { parseDotenv } from './parse-dotenv.js';
export { parseKubernetesManifests } from './parse-kubernetes-manifests.js';
export { mergeSsmRecords, parseSsmDescribe, parseSsmExport, ssmParametersFromJson } from './parse-ssm-export.js';
export { readSnapshots } from './snapshot-dir.js';
export { SnapshotFileError, type SnapshotFileErrorCode } from './snapshot-file-error.js';
export {
  snapshotFileObservations,
  ssmRecordsToObservations,
  type SnapshotFileContext,
  type SsmPrefix,
} from './snapshot-file-observations.js';
export {
  parseSnapshotManifest,
  SNAPSHOT_MANIFEST_FILE,
  SNAPSHOT_MANIFEST_SCHEMA,
  type SnapshotManifest,
} from './snapshot-manifest.js';
