import type { KubeObject } from './kube-client.js';

/** A `kubectl get … -o json` style list: what the snapshot writer writes and the file source reads. */
export interface KubectlList {
  readonly apiVersion: 'v1';
  readonly kind: 'List';
  readonly metadata: { readonly resourceVersion: '' };
  readonly items: readonly KubeObject[];
}

/**
 * Wraps objects read live into the list kubectl prints, so a live snapshot is audited offline by the
 * same Kubernetes file format. managedFields are kept (kubectl hides them by default): they carry who
 * changed each value, which is half of what an incident report needs.
 */
export function toKubectlList(objects: readonly KubeObject[]): KubectlList {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects };
}
