import type { ObservedValue, SettingSpec, ShownValue } from '../model.js';

/** The only text a secret value is ever shown as. */
export const SECRET_TEXT = '[secret]';

/** How an absent value is shown in `comparedWith` (parity): never a value any source can hold by accident. */
export const ABSENT_TEXT = '(absent)';

/**
 * Key names that look like they hold a secret. Matched on the key only, so an undeclared
 * `STRIPE_API_KEY` set as a plain env var is still redacted: the cost of a false positive is one
 * `[secret]` where a value could have been shown, the cost of a false negative is a leaked secret.
 * `PASS` and `PWD` count only as whole words (`DB_PASS`, `db.pwd`; not `BYPASS_CACHE`, `COMPASS_URL`
 * or the shell's `PWD`), since a password like `hunter2` has no shape a value detector could see.
 * Values are judged by their shape as well (see `detectSecret`), whatever the name.
 */
export const SECRET_KEY_PATTERN =
  /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL|(SIGNING|ENCRYPTION|HMAC|TLS|SSL)_?KEY|(^|[^A-Z0-9])PASS($|[^A-Z0-9])|[^A-Z0-9]PWD($|[^A-Z0-9]))/i;

/** The shared redacted value; frozen so no caller can put a value into it. */
export const SECRET_SHOWN: ShownValue = Object.freeze({ text: SECRET_TEXT, secret: true });

/**
 * True when values of `key` must never be shown or compared. A declared setting decides for itself
 * (`secret`; the baseline parser already made a secret-looking name without an explicit `secret`
 * secret, so an explicit `secret: false` is the only way a secret-looking name is compared); an
 * undeclared key is secret when its name looks secret ({@link SECRET_KEY_PATTERN}).
 */
export function isSecretKey(key: string, setting?: Pick<SettingSpec, 'secret'>): boolean {
  return setting === undefined ? SECRET_KEY_PATTERN.test(key) : setting.secret;
}

/**
 * A value as people may see it: `[secret]` (flagged `secret: true`) when the key is secret
 * ({@link isSecretKey}) or the observation itself is a secret (SecureString, secretKeyRef), the text
 * otherwise. The one function every value passes through on its way into a finding or an explanation.
 */
export function showValue(key: string, value: ObservedValue | string, setting?: Pick<SettingSpec, 'secret'>): ShownValue {
  if (typeof value !== 'string' && value.kind === 'secret') return SECRET_SHOWN;
  if (isSecretKey(key, setting)) return SECRET_SHOWN;
  return { text: typeof value === 'string' ? value : value.value, secret: false };
}

/**
 * A shown value for a key whose secrecy is already known: the engine decides secrecy once per key
 * and uses this on its hot path instead of re-testing the key pattern.
 */
export function shownText(text: string, secret: boolean): ShownValue {
  return secret ? SECRET_SHOWN : { text, secret: false };
}

/** How "must be absent" / "absent" is shown as a value. */
export const ABSENT_SHOWN: ShownValue = Object.freeze({ text: ABSENT_TEXT, secret: false });
