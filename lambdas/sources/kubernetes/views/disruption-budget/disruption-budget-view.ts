import { workloadTargetKind } from '../workload-revert.js';
import { pdbRevert } from './pdb-revert.js';
import type { Observation } from '../../../../engine/model.js';
import { asRecord } from '../../unknown-shape.js';
import { scalar } from '../autoscaler/autoscaler-view.js';
import { SCALABLE_KINDS } from '../autoscaler/find-autoscaler.js';
import type { KubeRecord, KubeResourceType, SelectedWorkload, ViewScope, WorkloadView } from '../workload-view.js';
import { selectorMatches } from './label-selector.js';

const PDBS: KubeResourceType = {
  plural: 'poddisruptionbudgets',
  kind: 'PodDisruptionBudget',
  apiVersion: 'policy/v1',
  base: '/apis/policy/v1',
  operation: 'ListPodDisruptionBudgets',
};

/**
 * The PodDisruptionBudget (policy/v1) whose label selector matches the workload's pod template labels,
 * as the disruption controller matches pods (policy/v1: a null selector matches no pods, an empty one
 * every pod of the namespace): `k8s:pdb` (`present`/`absent`), `k8s:pdb.minAvailable`,
 * `k8s:pdb.maxUnavailable` (an int or a percentage, as written). Observed for Deployments and
 * StatefulSets, in the `workload` layer, of the default container's application.
 */
export const disruptionBudgetView: WorkloadView = {
  name: 'disruption-budget',
  resources: [PDBS],
  revertTargets: [workloadTargetKind('pdb', pdbRevert)],
  keys: [
    { pattern: /^k8s:pdb$/, examples: ['k8s:pdb'] },
    { pattern: /^k8s:pdb\.(minAvailable|maxUnavailable)$/, examples: ['k8s:pdb.minAvailable', 'k8s:pdb.maxUnavailable'] },
  ],
  start(scope) {
    const budgets = scope.objects.filter((object) => object.kind === 'PodDisruptionBudget');
    return {
      observe(workload) {
        // Budgets guard replicated serving pods against drains: a DaemonSet's pods are not drained
        // (kubectl drain skips them) and a CronJob's run to completion, so neither is observed.
        if (!SCALABLE_KINDS.has(workload.object.kind)) return {};
        const labels = podLabels(workload);
        const matching = budgets
          .filter((pdb) => pdb.namespace === workload.object.namespace && selectorMatches(asRecord(pdb.raw['spec'])?.['selector'], labels))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        if (matching.length > 1) {
          // The eviction API refuses to evict a pod covered by more than one budget.
          scope.warn(
            `${workload.ref} in namespace ${workload.object.namespace}: pods match ${matching.length} poddisruptionbudgets (${matching.map((p) => p.name).join(', ')}); observed ${matching[0]?.name}`,
          );
        }
        const pdb = matching[0];
        return { observations: budgetObservations(scope, workload, pdb), related: pdb === undefined ? [] : [pdb] };
      },
    };
  },
};

function podLabels(workload: SelectedWorkload): Readonly<Record<string, string>> {
  let template: unknown = workload.object.raw;
  for (const step of workload.templatePath) template = asRecord(template)?.[step];
  const labels = asRecord(asRecord(asRecord(template)?.['metadata'])?.['labels']) ?? {};
  return Object.fromEntries(Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function budgetObservations(scope: ViewScope, workload: SelectedWorkload, pdb: KubeRecord | undefined): Observation[] {
  const { object, ref, application } = workload;
  const base = { kind: 'pdb', namespace: object.namespace, workload: ref } as const;
  if (pdb === undefined) {
    const { changedAt: _at, changedBy: _by, ...unattributed } = scope.provenance(object, 'workload', `${ref} (no poddisruptionbudget selects its pods)`, []);
    return [{ key: 'k8s:pdb', application, value: { kind: 'plain', value: 'absent' }, provenance: { ...unattributed, target: { ...base, field: 'present' } } }];
  }
  const location = `poddisruptionbudget/${pdb.name}`;
  const spec = asRecord(pdb.raw['spec']) ?? {};
  const observation = (key: string, value: string, field: string, fields: readonly string[]): Observation => ({
    key,
    application,
    value: { kind: 'plain', value },
    provenance: { ...scope.provenance(pdb, 'workload', location, ['f:spec', ...fields]), target: { ...base, pdb: pdb.name, field } },
  });
  const out = [observation('k8s:pdb', 'present', 'present', ['f:selector'])];
  for (const field of ['minAvailable', 'maxUnavailable'] as const) {
    const value = scalar(spec[field]);
    if (value !== undefined) out.push(observation(`k8s:pdb.${field}`, value, field, [`f:${field}`]));
  }
  return out;
}
