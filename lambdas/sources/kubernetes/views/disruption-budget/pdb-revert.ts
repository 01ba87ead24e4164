import type { RevertTarget } from '../../../../engine/model.js';
import { shellWord } from '../../../../engine/analyse/shell-quote.js';
import { kubectlPatch, patchValue, type RevertBuilder } from '../workload-revert.js';

type Pdb = Extract<RevertTarget, { kind: 'pdb' }>;

/**
 * `kubectl patch pdb NAME --type merge`. minAvailable and maxUnavailable are mutually exclusive (the
 * API rejects a budget with both), so setting one clears the other in the same patch. A missing
 * budget must be written whole: a sentence.
 */
export const pdbRevert: RevertBuilder<Pdb> = {
  describe: (target) =>
    target.pdb === undefined
      ? `the disruption budget of ${target.workload} in ${target.namespace}`
      : `poddisruptionbudget/${target.pdb} in ${target.namespace}`,
  command(target, action) {
    if (target.pdb === undefined) return undefined;
    if (target.field === 'present') {
      return action.kind === 'set' && action.value === 'absent' ? `kubectl -n ${shellWord(target.namespace)} delete pdb ${shellWord(target.pdb)}` : undefined;
    }
    const other = target.field === 'minAvailable' ? 'maxUnavailable' : target.field === 'maxUnavailable' ? 'minAvailable' : undefined;
    if (other === undefined) return undefined;
    const spec = action.kind === 'delete' ? { [target.field]: null } : { [target.field]: patchValue(action.value), [other]: null };
    return kubectlPatch(target.namespace, 'pdb', target.pdb, 'merge', { spec });
  },
};
