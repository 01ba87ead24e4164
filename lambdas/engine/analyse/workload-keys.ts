/**
 * What the engine knows of the workload shape key scheme (`k8s:` keys, observed in the `workload`
 * layer by the Kubernetes workload views): the reserved prefix, and which keys' absence says nothing
 * of their own.
 */

/** The reserved namespace of workload shape keys: `:` never occurs in an SSM name, ConfigMap key or env name. */
export const WORKLOAD_KEY_PREFIX = 'k8s:';

/**
 * Keys whose absence is judged by another key: `k8s:hpa.*` are absent when there is no autoscaler
 * (`k8s:hpa: absent` is the difference), `k8s:pdb.*` likewise, and `k8s:replicas` is not observed
 * while an HPA owns the replica count (`k8s:hpa: present`). So an undeclared one absent in an
 * environment does not vote in parity: US autoscaled and EU fixed at 15 is one `k8s:hpa` finding,
 * not a second one on replicas the HPA keeps changing.
 */
export function absenceJudgedElsewhere(key: string): boolean {
  return key === 'k8s:replicas' || key.startsWith('k8s:hpa.') || key.startsWith('k8s:pdb.');
}

/**
 * How a workload shape key's values compare when no setting declares a type: resource requests and
 * limits are Kubernetes quantities (`2Gi` == `2048Mi`), as the shape view marks its observations.
 */
export function impliedValueType(key: string): 'quantity' | undefined {
  return key.startsWith('k8s:resources.') ? 'quantity' : undefined;
}
