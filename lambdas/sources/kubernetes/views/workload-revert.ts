import type { RevertAction } from '../../../engine/analyse/revert-fix.js';
import { shellQuote, shellWord } from '../../../engine/analyse/shell-quote.js';

/** Builds the revert of one workload shape target: where it is, and the command when a safe one exists. */
export interface RevertBuilder<T> {
  describe(target: T): string;
  /** Undefined when no command is safe: the fix is then the summary sentence. */
  command(target: T, action: RevertAction): string | undefined;
}

/** `kubectl -n NS patch KIND NAME --type TYPE -p 'PATCH'`, every word quoted as needed. */
export function kubectlPatch(namespace: string, resource: string, name: string, type: 'merge' | 'strategic', patch: unknown): string {
  return `kubectl -n ${shellWord(namespace)} patch ${shellWord(resource)} ${shellWord(name)} --type ${type} -p ${shellQuote(JSON.stringify(patch))}`;
}

/** A JSON value for a patch: integers as numbers (replicas, seconds), anything else as written. */
export function patchValue(value: string): number | string {
  return /^-?\d+$/.test(value) ? Number(value) : value;
}
