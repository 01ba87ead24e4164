import { settingsOfKey } from '../engine/analyse/setting-for.js';
import type { Baseline } from '../engine/model.js';
import { detectSecret } from '../engine/secrets/detect-secret.js';
import type { SecretFormat } from '../engine/secrets/secret-format.js';
import { optsOutOfDetection } from '../engine/secrets/setting-secrecy.js';

export { secretKeyOf } from '../engine/secrets/setting-secrecy.js';

/**
 * The secret shape of a value read under one of `keys` (the logical keys it may stand for), or
 * undefined when it may be stored: the value is not secret-shaped, or every one of its keys says
 * `secret: false` in the baseline (the opt-out the engine honours too). The engine withholds such a
 * value from every finding; this is the same rule for what is written to disk or stored.
 */
export function secretValueOf(baseline: Pick<Baseline, 'settings' | 'applications'>): (keys: readonly string[], value: string) => SecretFormat | undefined {
  const optsOut = (key: string): boolean => {
    const settings = settingsOfKey(baseline, key);
    return settings.length > 0 && settings.every((setting) => optsOutOfDetection(setting));
  };
  return (keys, value) => {
    const format = detectSecret(value);
    if (format === undefined || format === 'redacted') return format;
    return keys.length > 0 && keys.every(optsOut) ? undefined : format;
  };
}

export { ssmKeysOf, ssmSecrecyOf } from '../sources/ssm/ssm-secret-keys.js';
