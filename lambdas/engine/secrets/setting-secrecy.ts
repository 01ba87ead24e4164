import type { Baseline, SettingSpec } from '../model.js';
import { settingsOfKey } from '../analyse/setting-for.js';
import { isSecretKey } from '../analyse/show-value.js';
import { detectSecret } from './detect-secret.js';

/** The parts of a setting that decide how its values are judged. */
export type SecrecyFields = Pick<SettingSpec, 'secret' | 'secretDeclared' | 'value' | 'perEnvironment' | 'perTier'>;

/**
 * True when the baseline says `secret: false` in so many words: the key's values are compared and
 * shown even when their shape looks secret (a public key id, a JWT-shaped test fixture). The escape
 * hatch for a false positive of the detector, as it already is for a secret-looking name.
 */
export function optsOutOfDetection(setting: Pick<SettingSpec, 'secret' | 'secretDeclared'> | undefined): boolean {
  return setting !== undefined && setting.secretDeclared === true && !setting.secret;
}

/**
 * True when the baseline itself declares a secret-shaped value for the setting (shared, per
 * environment or per tier), say `DATABASE_URL: postgres://app:PASSWORD@db/app`. Such a setting is
 * treated as secret: its live values are audited by presence only and the declared value is never
 * repeated in a finding, a command or an alert (it should not be in git either; declare the key
 * `secret: true` and remove the value). An explicit `secret: false` says otherwise.
 */
export function declaresSecretValue(setting: SecrecyFields): boolean {
  if (optsOutOfDetection(setting)) return false;
  if (setting.value !== undefined && detectSecret(setting.value) !== undefined) return true;
  for (const values of [setting.perEnvironment, setting.perTier]) {
    for (const key in values) {
      const value = values[key];
      if (typeof value === 'string' && detectSecret(value) !== undefined) return true;
    }
  }
  return false;
}

/**
 * Whether a key's values are audited by presence only: what its setting declares (`secret`, or a
 * secret-shaped declared value), else whether its name looks secret. The one rule the engine, explain
 * and storage all apply.
 */
export function settingIsSecret(key: string, setting: (SecrecyFields & Pick<SettingSpec, 'secret'>) | undefined): boolean {
  return setting === undefined ? isSecretKey(key) : isSecretKey(key, setting) || declaresSecretValue(setting);
}

/**
 * Whether a logical key is secret under the baseline: what its setting declares (or a secret-shaped
 * value it declares), else whether its name looks secret. The same rule the engine applies before
 * comparing or showing a value, so what is withheld from storage is exactly what the engine would
 * never compare.
 */
export function secretKeyOf(baseline: Pick<Baseline, 'settings' | 'applications'>): (key: string) => boolean {
  // Storage cannot always tell which application a value is for: a key secret for any of them is
  // withheld. Answered once per key: every record and env var of a run asks.
  const answers = new Map<string, boolean>();
  return (key) => {
    let answer = answers.get(key);
    if (answer === undefined) {
      const settings = settingsOfKey(baseline, key);
      answer = settings.length === 0 ? isSecretKey(key) : settings.some((setting) => settingIsSecret(key, setting));
      answers.set(key, answer);
    }
    return answer;
  };
}
