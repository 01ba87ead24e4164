import type { RevertTarget } from '../../engine/model.js';
import { shellQuote, shellWord } from '../../engine/analyse/shell-quote.js';
import type { RevertTargetKind } from '../revert-target-kind.js';

type ConfigMapKeyTarget = Extract<RevertTarget, { kind: 'configmap-key' }>;

/** A ConfigMap's data key: `kubectl patch configmap` with a merge patch (null removes the key). */
export const configMapKeyTarget: RevertTargetKind<ConfigMapKeyTarget> = {
  name: 'configmap-key',
  layer: 'configmap',
  describe: (target) => `configmap ${target.namespace}/${target.configMap}`,
  command(target, action) {
    const patch = JSON.stringify({ data: { [target.dataKey]: action.kind === 'delete' ? null : action.value } });
    return `kubectl -n ${shellWord(target.namespace)} patch configmap ${shellWord(target.configMap)} --type merge -p ${shellQuote(patch)}`;
  },
  templateName: (target) => `${target.namespace}/${target.configMap}`,
  place: (key, { template }) => (template === undefined ? undefined : { target: { ...template, dataKey: key } }),
};
