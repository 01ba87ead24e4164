import type { RevertTarget } from '../../../../engine/model.js';
import { shellWord } from '../../../../engine/analyse/shell-quote.js';
import { kubectlPatch, patchValue, type RevertBuilder } from '../workload-revert.js';

type Replicas = Extract<RevertTarget, { kind: 'workload-replicas' }>;
type Resources = Extract<RevertTarget, { kind: 'container-resources' }>;
type Probe = Extract<RevertTarget, { kind: 'container-probe' }>;

/** `kubectl scale`; taking replicas away has no command (the controller would default it to 1). */
export const replicasRevert: RevertBuilder<Replicas> = {
  describe: (target) => `${target.workload} in ${target.namespace}`,
  command: (target, action) =>
    action.kind === 'set' && /^\d+$/.test(action.value)
      ? `kubectl -n ${shellWord(target.namespace)} scale ${shellWord(target.workload)} --replicas=${action.value}`
      : undefined,
};

/**
 * `kubectl set resources -c C --limits=memory=2Gi`; removing one is `=0`, as `kubectl set resources
 * --help` documents ("Remove the resource requests for resources on containers").
 */
export const resourcesRevert: RevertBuilder<Resources> = {
  describe: (target) => `${target.workload} container ${target.container} in ${target.namespace}`,
  command(target, action) {
    const value = action.kind === 'delete' ? '0' : action.value;
    if (!/^[0-9A-Za-z.+-]+$/.test(value)) return undefined;
    return `kubectl -n ${shellWord(target.namespace)} set resources ${shellWord(target.workload)} -c ${shellWord(target.container)} --${target.bound}=${shellWord(target.resource)}=${value}`;
  },
};

/**
 * A strategic merge patch of the one probe field: containers merge by name, so the other containers
 * and the probe's other fields stay as they are. `exec.command` was observed joined with spaces, which
 * loses the argument boundaries: no command for it; nor for the probe's presence (`field: 'present'`).
 */
export const probeRevert: RevertBuilder<Probe> = {
  describe: (target) => `${target.workload} container ${target.container} ${target.probe} in ${target.namespace}`,
  command(target, action) {
    // Putting a whole probe back needs its handler, which one value cannot carry: say it, run nothing.
    if (target.field === 'exec.command' || target.field === 'present') return undefined;
    const [kind, name] = target.workload.split('/');
    if (kind === undefined || name === undefined) return undefined;
    const steps = target.field.split('.');
    let field: unknown = action.kind === 'delete' ? null : patchValue(action.value);
    for (const step of [...steps].reverse()) field = { [step]: field };
    const container = { name: target.container, [target.probe]: field };
    const podSpec = { spec: { [target.list]: [container] } };
    const template = kind === 'cronjob' ? { jobTemplate: { spec: { template: podSpec } } } : { template: podSpec };
    return kubectlPatch(target.namespace, kind, name, 'strategic', { spec: template });
  },
};
