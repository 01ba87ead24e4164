import { isSecretKey } from '../engine/analyse/show-value.js';
import type { Baseline, KeyStyle } from '../engine/model.js';
import { ssmSourceId } from '../sources/ssm/ssm-source.js';
import { normaliseSsmPrefix, toLogicalKey } from '../sources/ssm/ssm-observations.js';

/**
 * Whether a logical key is secret under the baseline: what its setting declares, else whether its
 * name looks secret. The same rule the engine applies before comparing or showing a value, so what is
 * withheld from storage is exactly what the engine would never compare.
 */
export function secretKeyOf(baseline: Pick<Baseline, 'settings'>): (key: string) => boolean {
  return (key) => {
    const setting = baseline.settings.get(key);
    return setting === undefined ? isSecretKey(key) : isSecretKey(key, setting);
  };
}

/**
 * Whether an SSM parameter read by the source `sourceId` (`ssm:eu-west-1:/production-eu/api/`) has a
 * secret key. The key is the name under the source's prefix in the key style the baseline declares
 * for it; a source the baseline no longer declares is judged under both key styles, and a parameter
 * outside every prefix by its whole name, so an unknown mapping errs towards withholding the value.
 */
export function ssmSecrecyOf(baseline: Baseline): (sourceId: string, name: string) => boolean {
  const secretKey = secretKeyOf(baseline);
  const styles = new Map<string, Set<KeyStyle>>();
  for (const environment of baseline.environments) {
    for (const spec of environment.sources) {
      if (spec.kind !== 'ssm') continue;
      const region = spec.region ?? environment.region;
      if (region === undefined) continue;
      const id = ssmSourceId(region, spec.path);
      const known = styles.get(id);
      if (known === undefined) styles.set(id, new Set([spec.keyStyle]));
      else known.add(spec.keyStyle);
    }
  }
  return (sourceId, name) => {
    // The id ends with the normalised prefix: `ssm:<region>:<prefix>`.
    const prefix = normaliseSsmPrefix(sourceId.slice(sourceId.indexOf(':', sourceId.indexOf(':') + 1) + 1));
    if (!name.startsWith(prefix) || name.length === prefix.length) return secretKey(name);
    const relative = name.slice(prefix.length);
    const keyStyles: Iterable<KeyStyle> = styles.get(sourceId) ?? ['relative', 'env'];
    for (const style of keyStyles) if (secretKey(toLogicalKey(relative, style))) return true;
    return false;
  };
}
