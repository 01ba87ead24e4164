import type { EksSourceSpec } from '../../engine/model.js';
import { failedLiveRead, type SourceKind } from '../source-kind.js';
import { eksChangeReader } from './eks-change-reader.js';
import { EKS_LAYERS, eksSourceId } from './eks-source-id.js';
import { eksReadAccess } from './eks-read-access.js';
import { eksSnapshotWriter } from './eks-snapshot-writer.js';
import { configMapKeyTarget } from './revert-configmap-key.js';
import { workloadEnvTarget } from './revert-workload-env.js';
import { eksBaseline } from './eks-baseline.js';
import { eksSnapshotReader } from './eks-snapshot-reader.js';
import { WORKLOAD_REVERT_TARGETS } from '../kubernetes/views/registry.js';

/**
 * Workloads of an EKS cluster (`sources.eks`): read live through the Kubernetes API with a token
 * signed by the factory's EKS client; the objects read are kept in the live state for the snapshot writer.
 */
export const eksKind: SourceKind<EksSourceSpec> = {
  name: 'eks',
  baseline: eksBaseline,
  live: {
    statePart: 'kubernetes',
    plan(spec, { environment, options, clock, secretKey }) {
      const region = spec.region ?? environment.region;
      const id = eksSourceId(spec);
      if (region === undefined) {
        const message = `EKS cluster ${spec.cluster} of ${environment.name} has no region: set region on the source or the environment`;
        return failedLiveRead(id, 'eks', EKS_LAYERS, 'no-region', message);
      }
      return {
        id,
        layers: EKS_LAYERS,
        async read() {
          // Loaded when read, so importing the kind (the engine does, for revert fixes) loads no SDK.
          const { EksSource } = await import('./eks-source.js');
          const target = { region, ...(environment.roleArn === undefined ? {} : { roleArn: environment.roleArn }) };
          const source = new EksSource({
            spec,
            region,
            ...(environment.account === undefined ? {} : { account: environment.account }),
            eks: options.factory.eks(target),
            counter: options.factory.counter,
            clock,
            secretKey,
            ...options.eks?.(spec.cluster),
          });
          const { objects, ...result } = await source.read(options.signal);
          return { result, state: objects };
        },
      };
    },
    changes: eksChangeReader,
  },
  readAccess: eksReadAccess,
  snapshotReader: eksSnapshotReader,
  snapshotWriter: eksSnapshotWriter,
  revertTargets: [workloadEnvTarget, configMapKeyTarget, ...WORKLOAD_REVERT_TARGETS],
};
