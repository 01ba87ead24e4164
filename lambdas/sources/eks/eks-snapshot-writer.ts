import { redactKubeObjects } from '../../collect/redact-kube-objects.js';
import type { EksSourceSpec } from '../../engine/model.js';
import type { SnapshotWriter } from '../source-kind.js';
import type { KubeObject } from './kube-client.js';
import { toKubectlList } from './kubectl-list.js';

/**
 * Writes an environment's Kubernetes objects as `kubernetes.json`, a kubectl `List` with managedFields,
 * through {@link redactKubeObjects} (last-applied annotation removed, literal env and ConfigMap values of
 * secret keys replaced, `binaryData` and Secrets dropped).
 */
export const eksSnapshotWriter: SnapshotWriter<EksSourceSpec> = {
  write(specs, { state, secretKey, withheld }) {
    if (specs.length === 0) return { files: [] };
    // This kind's own state part: the objects its reads returned.
    const objects = Object.values(state).flatMap((list) => list as readonly KubeObject[]);
    const redacted = redactKubeObjects(objects, secretKey, (key, value) => withheld([key], value));
    return { files: [{ name: 'kubernetes.json', json: toKubectlList(redacted) }] };
  },
};
