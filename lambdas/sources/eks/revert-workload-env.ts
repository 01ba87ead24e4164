import type { RevertTarget } from '../../engine/model.js';
import { shellQuote, shellWord } from '../../engine/analyse/shell-quote.js';
import type { RevertTargetKind } from '../revert-target-kind.js';

type WorkloadEnvTarget = Extract<RevertTarget, { kind: 'workload-env' }>;

/** A container's env var: `kubectl set env`. An absent key goes to the workload holding the environment's other env keys. */
export const workloadEnvTarget: RevertTargetKind<WorkloadEnvTarget> = {
  name: 'workload-env',
  layer: 'env',
  describe: (target) => `${target.workload} container ${target.container} in ${target.namespace}`,
  command(target, action) {
    const assignment = action.kind === 'delete' ? `${target.variable}-` : `${target.variable}=${action.value}`;
    return `kubectl -n ${shellWord(target.namespace)} set env ${shellWord(target.workload)} -c ${shellWord(target.container)} ${shellQuote(assignment)}`;
  },
  templateName: (target) => `${target.namespace}/${target.workload}/${target.container}`,
  place: (key, { template }) => (template === undefined ? undefined : { target: { ...template, variable: key } }),
};
