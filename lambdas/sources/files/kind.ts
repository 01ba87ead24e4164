import type { FileSourceSpec } from '../../engine/model.js';
import type { SourceKind } from '../source-kind.js';
import { filesSnapshotReader } from './files-snapshot-reader.js';
import { fileKeyTarget } from './revert-file-key.js';
import { filesBaseline } from './files-baseline.js';

/** Exported snapshot files (`sources.files`): read offline only, by the snapshot directory reader. */
export const fileKind: SourceKind<FileSourceSpec> = {
  name: 'file',
  baseline: filesBaseline,
  snapshotReader: filesSnapshotReader,
  revertTargets: [fileKeyTarget],
  placementPrefix: (spec) => (spec.prefix === undefined ? undefined : { path: spec.prefix }),
};
