import type { RevertTarget } from '../../../../engine/model.js';
import { shellWord } from '../../../../engine/analyse/shell-quote.js';
import { kubectlPatch, patchValue, type RevertBuilder } from '../workload-revert.js';

type Hpa = Extract<RevertTarget, { kind: 'hpa' }>;

/**
 * `kubectl patch hpa NAME --type merge` for scalar fields (`minReplicas`, `maxReplicas`,
 * `behavior.scaleUp.stabilizationWindowSeconds`, `behavior.scaleDown.selectPolicy`); `kubectl delete
 * hpa` when there must be none. Metrics and scaling policies are atomic lists (a merge patch replaces
 * every entry) and a missing HPA must be written whole: those get a sentence.
 */
export const hpaRevert: RevertBuilder<Hpa> = {
  describe: (target) =>
    target.hpa === undefined ? `the autoscaler of ${target.workload} in ${target.namespace}` : `horizontalpodautoscaler/${target.hpa} in ${target.namespace}`,
  command(target, action) {
    if (target.hpa === undefined) return undefined;
    if (target.field === 'present') {
      return action.kind === 'set' && action.value === 'absent' ? `kubectl -n ${shellWord(target.namespace)} delete hpa ${shellWord(target.hpa)}` : undefined;
    }
    if (!/^(minReplicas|maxReplicas|behavior\.(scaleUp|scaleDown)\.(stabilizationWindowSeconds|selectPolicy))$/.test(target.field)) return undefined;
    let patch: unknown = action.kind === 'delete' ? null : patchValue(action.value);
    for (const step of target.field.split('.').reverse()) patch = { [step]: patch };
    return kubectlPatch(target.namespace, 'hpa', target.hpa, 'merge', { spec: patch });
  },
};
