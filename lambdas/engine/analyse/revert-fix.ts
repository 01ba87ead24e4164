import type { EnvironmentSpec, Fix, Provenance, RevertTarget } from '../model.js';
import { hpaRevert } from '../../sources/kubernetes/views/autoscaler/hpa-revert.js';
import { pdbRevert } from '../../sources/kubernetes/views/disruption-budget/pdb-revert.js';
import { probeRevert, replicasRevert, resourcesRevert } from '../../sources/kubernetes/views/shape/shape-revert.js';
import { shellQuote, shellWord } from './shell-quote.js';

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
  if (target?.kind === 'file-key') {
    const verb = action.kind === 'set' ? `set ${target.path} to ${action.value}` : `remove ${target.path}`;
    return { summary: `Edit ${target.file} for ${environment.name}: ${verb}, then redeploy` };
  }
  const summary = action.kind === 'set' ? `Set ${key} to ${action.value} in ${at}` : `Remove ${key} from ${at}`;
  if (target === undefined) return { summary };
  const command = commandFor(target, action, context);
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
  switch (target.kind) {
    case 'ssm-parameter':
      return `ssm ${target.name}`;
    case 'workload-env':
      return `${target.workload} container ${target.container} in ${target.namespace}`;
    case 'configmap-key':
      return `configmap ${target.namespace}/${target.configMap}`;
    case 'file-key':
      return `${target.file} at ${target.path}`;
    case 'workload-replicas':
      return replicasRevert.describe(target);
    case 'container-resources':
      return resourcesRevert.describe(target);
    case 'container-probe':
      return probeRevert.describe(target);
    case 'hpa':
      return hpaRevert.describe(target);
    case 'pdb':
      return pdbRevert.describe(target);
  }
}

function commandFor(target: RevertTarget, action: RevertAction, context: RevertContext): string | undefined {
  switch (target.kind) {
    case 'ssm-parameter': {
      const region = context.provenance?.region ?? context.region ?? context.environment.region;
      const regionFlag = region === undefined ? '' : ` --region ${shellWord(region)}`;
      if (action.kind === 'delete') return `aws ssm delete-parameter --name ${shellQuote(target.name)}${regionFlag}`;
      if (target.type === 'SecureString') return undefined;
      // `--value=...` keeps a value starting with `-` from being read as an option.
      const value = action.value.startsWith('-') ? `--value=${shellQuote(action.value)}` : `--value ${shellQuote(action.value)}`;
      return `aws ssm put-parameter --name ${shellQuote(target.name)} ${value} --type ${target.type} --overwrite${regionFlag}`;
    }
    case 'workload-env': {
      const assignment = action.kind === 'delete' ? `${target.variable}-` : `${target.variable}=${action.value}`;
      return `kubectl -n ${shellWord(target.namespace)} set env ${shellWord(target.workload)} -c ${shellWord(target.container)} ${shellQuote(assignment)}`;
    }
    case 'configmap-key': {
      const patch = JSON.stringify({ data: { [target.dataKey]: action.kind === 'delete' ? null : action.value } });
      return `kubectl -n ${shellWord(target.namespace)} patch configmap ${shellWord(target.configMap)} --type merge -p ${shellQuote(patch)}`;
    }
    case 'file-key':
      return undefined;
    case 'workload-replicas':
      return replicasRevert.command(target, action);
    case 'container-resources':
      return resourcesRevert.command(target, action);
    case 'container-probe':
      return probeRevert.command(target, action);
    case 'hpa':
      return hpaRevert.command(target, action);
    case 'pdb':
      return pdbRevert.command(target, action);
  }
}
