import type { Baseline, KeyStyle } from '../../engine/model.js';
import { secretKeyOf } from '../../engine/secrets/setting-secrecy.js';
import { normaliseSsmPrefix, toLogicalKey } from './ssm-observations.js';
import { ssmSourceId } from './ssm-source-id.js';

/**
 * Whether an SSM parameter read by the source `sourceId` (`ssm:eu-west-1:/production-eu/api/`) has a
 * secret key (see {@link ssmKeysOf} for the keys it may have): so an unknown mapping errs towards
 * withholding the value.
 */
export function ssmSecrecyOf(baseline: Baseline): (sourceId: string, name: string) => boolean {
  const secretKey = secretKeyOf(baseline);
  const keysOf = ssmKeysOf(baseline);
  return (sourceId, name) => keysOf(sourceId, name).some(secretKey);
}

/**
 * The logical keys an SSM parameter read by the source `sourceId` may have: the name under the
 * source's prefix in the key style(s) the baseline declares for it; a source the baseline no longer
 * declares gives both key styles, and a parameter outside every prefix its whole name.
 */
export function ssmKeysOf(baseline: Baseline): (sourceId: string, name: string) => string[] {
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
    if (!name.startsWith(prefix) || name.length === prefix.length) return [name];
    const relative = name.slice(prefix.length);
    const keyStyles: Iterable<KeyStyle> = styles.get(sourceId) ?? ['relative', 'env'];
    return [...keyStyles].map((style) => toLogicalKey(relative, style));
  };
}
