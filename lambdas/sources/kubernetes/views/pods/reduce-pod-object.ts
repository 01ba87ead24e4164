import type { KubeObject } from '../../../eks/kube-client.js';
import { asArray, asRecord } from '../../unknown-shape.js';

/**
 * What a snapshot keeps of a Pod or a ReplicaSet: exactly what the pods view reads again offline.
 * A pod keeps its names, labels, owners, env *references* (valueFrom, envFrom, mounts, volumes) and
 * its phase and start times; literal env values are dropped (the workload's template holds them, and
 * a pod is never stored whole). A ReplicaSet keeps its labels, revision annotation and owner. Any
 * other object is returned as is.
 */
export function reducePodObject(object: KubeObject): KubeObject {
  if (object.kind === 'Pod') return reducedPod(object);
  if (object.kind === 'ReplicaSet') return { apiVersion: object.apiVersion, kind: object.kind, metadata: reducedMetadata(object) };
  return object;
}

function reducedMetadata(object: KubeObject): KubeObject['metadata'] {
  const { name, namespace, labels, annotations, ownerReferences } = object.metadata;
  return JSON.parse(JSON.stringify({ name, namespace, labels, annotations, ownerReferences })) as KubeObject['metadata'];
}

/** A pod as the audit needs it again: env references kept, literal values dropped. */
function reducedPod(record: KubeObject): KubeObject {
  const spec = asRecord(record['spec']) ?? {};
  const status = asRecord(record['status']) ?? {};
  const container = (item: unknown): Record<string, unknown> => {
    const c = asRecord(item) ?? {};
    const env = asArray(c['env']).map((entry) => {
      const e = asRecord(entry) ?? {};
      return e['valueFrom'] === undefined ? { name: e['name'] } : { name: e['name'], valueFrom: e['valueFrom'] };
    });
    return { name: c['name'], restartPolicy: c['restartPolicy'], env, envFrom: c['envFrom'], volumeMounts: c['volumeMounts'] };
  };
  const raw = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: reducedMetadata(record),
    spec: { containers: asArray(spec['containers']).map(container), initContainers: asArray(spec['initContainers']).map(container), volumes: spec['volumes'] },
    status: {
      phase: status['phase'],
      startTime: status['startTime'],
      containerStatuses: status['containerStatuses'],
      initContainerStatuses: status['initContainerStatuses'],
    },
  };
  return JSON.parse(JSON.stringify(raw)) as KubeObject;
}
