import type { FileSourceSpec } from '../../engine/model.js';
import type { SourceKind } from '../source-kind.js';
import { fileKeyTarget } from './revert-file-key.js';

/** Exported snapshot files (`sources.files`): read offline only, by the snapshot directory reader. */
export const fileKind: SourceKind<FileSourceSpec> = {
  name: 'file',
  revertTargets: [fileKeyTarget],
  placementPrefix: (spec) => (spec.prefix === undefined ? undefined : { path: spec.prefix }),
};
