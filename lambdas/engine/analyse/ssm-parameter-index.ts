import type { Observation } from '../model.js';
import { parameterKey } from './fed-parameter.js';

const cache = new WeakMap<readonly Observation[], ReadonlyMap<string, Observation>>();

/**
 * The SSM parameters observed in an environment, by name without its leading slash (see
 * `parameterKey`), whichever application's tree holds them: a parameter feeding one service's env may
 * live in another's tree. Built once per observation list, on first use, since only `fed_from` and
 * pods need it.
 */
export function ssmParameterIndex(observations: readonly Observation[]): ReadonlyMap<string, Observation> {
  const cached = cache.get(observations);
  if (cached !== undefined) return cached;
  const out = new Map<string, Observation>();
  for (const observation of observations) {
    const target = observation.provenance.target;
    if (target?.kind === 'ssm-parameter') out.set(parameterKey(target.name), observation);
  }
  cache.set(observations, out);
  return out;
}
