/**
 * What the engine knows of the workload shape key scheme (`k8s:` keys, observed in the `workload`
 * layer by the Kubernetes workload views): the reserved prefix, and which keys' absence says nothing
 * of their own.
 */

/** The reserved namespace of workload shape keys: `:` never occurs in an SSM name, ConfigMap key or env name. */
export const WORKLOAD_KEY_PREFIX = 'k8s:';

/**
 * The presence key that judges the absence of a part key: `k8s:hpa` for `k8s:hpa.minReplicas`,
 * `k8s:pdb` for `k8s:pdb.*`, `k8s:probe.readiness` for `k8s:probe.readiness.periodSeconds`;
 * undefined for a key that is no part of a present/absent object.
 */
export function presenceKeyOf(key: string): string | undefined {
  if (key.startsWith('k8s:hpa.')) return 'k8s:hpa';
  if (key.startsWith('k8s:pdb.')) return 'k8s:pdb';
  if (!key.startsWith('k8s:probe.')) return undefined;
  const dot = key.indexOf('.', 'k8s:probe.'.length);
  return dot === -1 ? undefined : key.slice(0, dot);
}

/**
 * Keys whose absence is judged by another key: `k8s:hpa.*` are absent when there is no autoscaler
 * (`k8s:hpa: absent` is the difference), `k8s:pdb.*` and a probe's fields likewise, and `k8s:replicas` is not observed
 * while an HPA owns the replica count (`k8s:hpa: present`). So an undeclared one absent in an
 * environment does not vote in parity: US autoscaled and EU fixed at 15 is one `k8s:hpa` finding,
 * not a second one on replicas the HPA keeps changing.
 */
export function absenceJudgedElsewhere(key: string): boolean {
  return key === 'k8s:replicas' || presenceKeyOf(key) !== undefined;
}

/**
 * How a workload shape key's values compare when no setting declares a type: resource requests and
 * limits are Kubernetes quantities (`2Gi` == `2048Mi`), as the shape view marks its observations.
 */
export function impliedValueType(key: string): 'quantity' | undefined {
  return key.startsWith('k8s:resources.') ? 'quantity' : undefined;
}
