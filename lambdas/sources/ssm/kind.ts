import type { SsmSourceSpec } from '../../engine/model.js';
import { failedLiveRead, type SourceKind } from '../source-kind.js';
import { persistSsmRecords } from './persist-ssm-records.js';
import { ssmChangeReader } from './ssm-change-reader.js';
import { ssmParameterTarget } from './revert-ssm-parameter.js';
import type { SsmParameterRecord } from './ssm-observations.js';
import { ssmReadAccess } from './ssm-read-access.js';
import { ssmSnapshotWriter } from './ssm-snapshot-writer.js';
import { ssmSourceId } from './ssm-source-id.js';
import { ssmBaseline } from './ssm-baseline.js';
import { ssmSnapshotReader } from './ssm-snapshot-reader.js';

/**
 * SSM Parameter Store trees (`sources.ssm`): read live through the factory's paced SSM client, kept
 * in the live state as records so the next scheduled read is incremental.
 */
export const ssmKind: SourceKind<SsmSourceSpec> = {
  name: 'ssm',
  baseline: ssmBaseline,
  live: {
    statePart: 'ssm',
    plan(spec, { environment, options, previous, secretKey }) {
      const region = spec.region ?? environment.region;
      if (region === undefined) {
        const message = `SSM source ${spec.path} of ${environment.name} has no region: set region on the source or the environment`;
        return failedLiveRead(`ssm:?:${spec.path}`, 'ssm', ['ssm'], 'no-region', message);
      }
      const id = ssmSourceId(region, spec.path);
      // Stored by this kind's own earlier read (see statePart), so it has the shape written.
      const earlier = previous?.[id] as readonly SsmParameterRecord[] | undefined;
      return {
        id,
        layers: ['ssm'],
        async read() {
          // Loaded when read, so importing the kind (the engine does, for revert fixes) loads no SDK.
          const { createSsmSource } = await import('./ssm-source.js');
          const source = createSsmSource(options.factory, environment, spec, earlier, secretKey);
          const { records, stats: _stats, ...result } = await source.read(options.signal);
          return { result, state: records };
        },
      };
    },
    persist: persistSsmRecords,
    changes: ssmChangeReader,
  },
  readAccess: ssmReadAccess,
  snapshotReader: ssmSnapshotReader,
  snapshotWriter: ssmSnapshotWriter,
  revertTargets: [ssmParameterTarget],
  placementPrefix: (spec) => ({ path: spec.path, ...(spec.region === undefined ? {} : { region: spec.region }) }),
};
