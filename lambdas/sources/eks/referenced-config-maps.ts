import type { KubeObject } from './kube-client.js';

/** Where each listed workload kind keeps its pod spec. */
const POD_SPEC_PATH: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/**
 * Names of the ConfigMaps a workload's containers read through `envFrom.configMapRef` or
 * `env.valueFrom.configMapKeyRef`, sorted.
 *
 * Used to keep a live snapshot to what the audited workloads read, so the `kind: List` written for
 * offline audits neither drops a ConfigMap they need nor carries unrelated ones (`kube-root-ca.crt`).
 * Only names are read: which keys matter is decided by `kubernetesObjectsToObservations`.
 */
export function referencedConfigMaps(workload: KubeObject): string[] {
  const names = new Set<string>();
  let podSpec: unknown = workload;
  for (const step of POD_SPEC_PATH[workload.kind] ?? []) podSpec = record(podSpec)?.[step];
  for (const list of ['initContainers', 'containers']) {
    const containers = record(podSpec)?.[list];
    for (const container of Array.isArray(containers) ? containers : []) {
      const c = record(container);
      for (const entry of arrayOf(c?.envFrom)) {
        const name = record(record(entry)?.configMapRef)?.name;
        if (typeof name === 'string' && name !== '') names.add(name);
      }
      for (const entry of arrayOf(c?.env)) {
        const name = record(record(record(entry)?.valueFrom)?.configMapKeyRef)?.name;
        if (typeof name === 'string' && name !== '') names.add(name);
      }
    }
  }
  return [...names].sort();
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}
