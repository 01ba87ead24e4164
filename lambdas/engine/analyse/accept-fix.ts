import type { Fix, SettingSpec } from '../model.js';

/**
 * Accepts the live state of `key` in one environment into the baseline: a declared expected
 * difference `settings.KEY.environments.ENV` holding the live value (`null`: absent here). For a
 * secret there is no value to write, so the fix only says what to do by hand.
 */
export function acceptEnvironmentValue(
  key: string,
  environment: string,
  value: string | null,
  options: { readonly secret: boolean; readonly setting?: SettingSpec },
): Fix {
  if (options.secret && value !== null) {
    return {
      summary: `A secret's value is never written to the baseline: declare by hand that ${key} may be set in ${environment}`,
    };
  }
  const file = options.setting?.location?.file;
  const described = value === null ? 'absent' : value;
  return {
    summary: `Declare ${key} as ${described} in ${environment} in the baseline`,
    baselineEdit: {
      path: ['settings', key, 'environments', environment],
      value,
      op: 'set',
      ...(file === undefined ? {} : { file }),
    },
  };
}

/**
 * Accepts an undeclared key: declares it with the live value shared by every environment, or, for a
 * secret, declares it `secret: true` (presence is all the baseline may know of it).
 */
export function acceptUnmanaged(key: string, value: string | undefined, secret: boolean): Fix {
  if (secret || value === undefined) {
    return {
      summary: `Declare ${key} in the baseline as a secret (audited by presence only)`,
      baselineEdit: { path: ['settings', key, 'secret'], value: 'true', op: 'set' },
    };
  }
  return {
    summary: `Declare ${key} in the baseline with the value ${value}`,
    baselineEdit: { path: ['settings', key, 'value'], value, op: 'set' },
  };
}

/** An accept fix that explains why there is nothing to accept (invalid, version, source-error, shadowed). */
export function nothingToAccept(reason: string): Fix {
  return { summary: reason };
}
