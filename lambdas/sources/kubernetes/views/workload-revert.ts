import type { RevertAction } from '../../../engine/analyse/revert-fix.js';
import { shellQuote, shellWord } from '../../../engine/analyse/shell-quote.js';
import type { RevertTarget } from '../../../engine/model.js';
import type { RevertTargetKind } from '../../revert-target-kind.js';

/** Builds the revert of one workload shape target: where it is, and the command when a safe one exists. */
export interface RevertBuilder<T> {
  describe(target: T): string;
  /** Undefined when no command is safe: the fix is then the summary sentence. */
  command(target: T, action: RevertAction): string | undefined;
}

/** A workload shape target: one field of one workload (its replicas, a container's resources, its HPA...). */
type WorkloadTarget = Extract<RevertTarget, { readonly namespace: string; readonly workload: string }>;

/**
 * The revert target kind of a view's targets. A shape key absent everywhere is never placed: which
 * workload should get it is not something the environment's other keys can tell.
 */
export function workloadTargetKind<T extends WorkloadTarget>(name: T['kind'], builder: RevertBuilder<T>): RevertTargetKind<T> {
  return {
    name,
    layer: 'workload',
    describe: (target) => builder.describe(target),
    command: (target, action) => builder.command(target, action),
    templateName: (target) => `${target.namespace}/${target.workload}`,
    place: () => undefined,
  };
}

/** `kubectl -n NS patch KIND NAME --type TYPE -p 'PATCH'`, every word quoted as needed. */
export function kubectlPatch(namespace: string, resource: string, name: string, type: 'merge' | 'strategic', patch: unknown): string {
  return `kubectl -n ${shellWord(namespace)} patch ${shellWord(resource)} ${shellWord(name)} --type ${type} -p ${shellQuote(JSON.stringify(patch))}`;
}

/** A JSON value for a patch: integers as numbers (replicas, seconds), anything else as written. */
export function patchValue(value: string): number | string {
  return /^-?\d+$/.test(value) ? Number(value) : value;
}
