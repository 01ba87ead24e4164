import type { EnvironmentSpec, Fix, Provenance, RevertTarget } from '../model.js';
import { revertTargetKindOf } from '../../sources/revert-targets.js';

/** What a revert does at its target: put a value there, or take the key away. */
export type RevertAction = { readonly kind: 'set'; readonly value: string } | { readonly kind: 'delete' };

/** Context a revert needs besides its target. */
export interface RevertContext {
  readonly key: string;
  readonly environment: EnvironmentSpec;
  /** Secret keys never get a value in a command: the summary says to restore it from the secret store. */
  readonly secret: boolean;
  /** Provenance of the value being reverted (region, location); absent when nothing is live (missing). */
  readonly provenance?: Provenance;
  /** Region for SSM commands when no provenance says it (a declared source's region); else the environment's. */
  readonly region?: string;
}

/**
 * The fix that puts the live value back (or removes it), as a shell command where one exists:
 * `aws ssm put-parameter`/`delete-parameter`, `kubectl set env`, `kubectl patch configmap`.
 * Every value and name that is not a plain Kubernetes-style word is single-quoted. A file-held value
 * gets a sentence naming the file and the path, since editing a file is not a command we can know.
 */
export function revertFix(target: RevertTarget | undefined, action: RevertAction, context: RevertContext): Fix {
  const { key, environment, secret } = context;
  const where = target === undefined ? context.provenance?.location : describeTarget(target);
  const at = where === undefined ? environment.name : `${environment.name} (${where})`;
  if (action.kind === 'set' && secret) {
    return { summary: `Restore ${key} in ${at} from the secret store; its value is never shown here` };
  }
  const kind = target === undefined ? undefined : revertTargetKindOf(target);
  if (target !== undefined && kind?.manualSummary !== undefined) return { summary: kind.manualSummary(target, action, context) };
  const summary = action.kind === 'set' ? `Set ${key} to ${action.value} in ${at}` : `Remove ${key} from ${at}`;
  if (target === undefined) return { summary };
  const command = kind?.command(target, action, context);
  return command === undefined ? { summary } : { summary, command };
}

/**
 * Several reverts as one fix: the commands joined with `&&` (the first failure stops the rest), and
 * the steps that have no command (file edits, secrets) spelled out in the summary.
 */
export function combineFixes(summary: string, fixes: readonly Fix[]): Fix {
  const commands = fixes.flatMap((fix) => (fix.command === undefined ? [] : [fix.command]));
  const manual = fixes.filter((fix) => fix.command === undefined).map((fix) => fix.summary);
  const text = manual.length === 0 ? summary : `${summary}; ${commands.length === 0 ? '' : 'also: '}${manual.join('; ')}`;
  return commands.length === 0 ? { summary: text } : { summary: text, command: commands.join(' && ') };
}

/** A short human name of where a value lives: `ssm /p/x`, `configmap api/api-config`, `deployment/api container app`. */
export function describeTarget(target: RevertTarget): string {
  return revertTargetKindOf(target).describe(target);
}
