import type { SettingSpec } from '../model.js';
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
