import type { DeclareChange } from '../../accept/accept-change.js';
import { settingFor } from '../../analyse/setting-for.js';
import type { Baseline } from '../../model.js';
import type { BaselineFile } from '../baseline-file.js';
import { editValuesFile } from './edit-values-file.js';

/**
 * The values files to edit for an accepted declaration, or undefined when no values file holds the
 * key's expected value where the declaration applies (the baseline is edited then, as before). For a
 * tier declaration, every environment of the tier whose value a values file holds gets that file
 * edited; the tier is accepted through its files only when they hold it for every environment of it,
 * else the declaration goes to the baseline as usual (values files that agree with it are no conflict).
 */
export function valuesFileEdits(change: DeclareChange, baseline: Baseline, files: readonly BaselineFile[]): BaselineFile[] | undefined {
  const origins = settingFor(baseline, change.key, change.application)?.valuesOrigins;
  if (origins === undefined) return undefined;
  const environments =
    change.scope === 'environment'
      ? [change.environment]
      : baseline.environments.filter((environment) => environment.tier === change.tier).map((environment) => environment.name);
  if (environments.some((name) => origins[name] === undefined)) return undefined;
  const edited = new Map<string, BaselineFile>();
  for (const name of environments) {
    const origin = origins[name];
    if (origin === undefined) continue;
    const file = edited.get(origin.file) ?? files.find((candidate) => candidate.name === origin.file);
    if (file === undefined) return undefined;
    edited.set(origin.file, editValuesFile(file, origin, change.state));
  }
  return [...edited.values()];
}
