import type { PodObservation } from '../../../../engine/model.js';
import { asArray, asRecord } from '../../unknown-shape.js';
import type { KubeRecord, KubeResourceType, WorkloadView } from '../workload-view.js';
import { observePods } from './observe-pods.js';

const PODS: KubeResourceType = { plural: 'pods', kind: 'Pod', apiVersion: 'v1', base: '/api/v1', operation: 'ListPods' };
const REPLICA_SETS: KubeResourceType = {
  plural: 'replicasets',
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  base: '/apis/apps/v1',
  operation: 'ListReplicaSets',
};
/** What tells which Secret keys hold SSM parameters; read when the input holds them (see `synced-secrets.ts`). */
const SYNC_KINDS = new Set(['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'SecretProviderClass']);

/**
 * The running pods of each selected Deployment, StatefulSet and DaemonSet (see {@link observePods}):
 * its payload is the workload's `PodObservation`s, which become `Snapshot.pods`. Lists Pods and
 * ReplicaSets (the Deployment's current revision is a ReplicaSet's). External Secrets and Secrets Store
 * CSI objects are custom resources a cluster may not have: they are followed when the input holds
 * them (a kubectl export), never listed live, so a cluster without the CRDs still reads.
 *
 * Related objects are kept in a live snapshot, reduced by the snapshot writer to what this view reads
 * (see `reducePodObject`): never a whole Pod, never a pod's env values.
 */
export const podsView: WorkloadView = {
  name: 'pods',
  resources: [PODS, REPLICA_SETS],
  keys: [],
  revertTargets: [],
  start(scope) {
    const { pods } = observePods(
      scope.objects.map((object) => object.raw),
      scope.options,
    );
    const records = new Map(scope.objects.map((object) => [`${object.namespace}/${object.kind}/${object.name}`, object]));
    const syncObjects = scope.objects.filter((object) => SYNC_KINDS.has(object.kind));
    return {
      observe(workload) {
        const namespace = workload.object.namespace;
        // The driver names applications (declared mappings, shared names): the pods take the workload's.
        const mine: PodObservation[] = pods
          .filter((pod) => pod.namespace === namespace && pod.workload === workload.ref)
          .map((pod) => ({ ...pod, application: workload.application }));
        if (mine.length === 0) return {};
        const related: KubeRecord[] = [];
        for (const pod of mine) {
          const record = records.get(`${namespace}/Pod/${pod.name}`);
          if (record !== undefined) related.push(record);
        }
        for (const record of scope.objects) {
          if (record.kind === 'ReplicaSet' && record.namespace === namespace && ownedBy(record, workload.object.name)) related.push(record);
        }
        related.push(...syncObjects);
        return { payload: mine, related };
      },
    };
  },
};

function ownedBy(record: KubeRecord, name: string): boolean {
  return asArray(record.metadata['ownerReferences']).some((reference) => asRecord(reference)?.['name'] === name);
}
