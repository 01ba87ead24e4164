import type { Fix, SettingSpec } from '../model.js';

/**
 * Where a key's setting lives in the baseline: `applications.<app>.settings.KEY` for a key of one
 * application (a setting declared there, or a key no setting declares yet), `settings.KEY` for a shared
 * setting or a key of no application.
 */
export function settingPath(key: string, application: string | undefined, setting?: SettingSpec): string[] {
  if (setting !== undefined && setting.application === undefined) return ['settings', key];
  const owner = setting?.application ?? application;
  return owner === undefined ? ['settings', key] : ['applications', owner, 'settings', key];
}

/**
 * Accepts the live state of `key` in one environment into the baseline: a declared expected
 * difference `settings.KEY.environments.ENV` holding the live value (`null`: absent here). For a
 * secret there is no value to write, so the fix only says what to do by hand.
 */
export function acceptEnvironmentValue(
  key: string,
  environment: string,
  value: string | null,
  options: { readonly secret: boolean; readonly setting?: SettingSpec; readonly application?: string },
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
      path: [...settingPath(key, options.application, options.setting), 'environments', environment],
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
export function acceptUnmanaged(key: string, value: string | undefined, secret: boolean, application?: string): Fix {
  const path = settingPath(key, application);
  if (secret || value === undefined) {
    return {
      summary: `Declare ${key} in the baseline as a secret (audited by presence only)`,
      baselineEdit: { path: [...path, 'secret'], value: 'true', op: 'set' },
    };
  }
  return {
    summary: `Declare ${key} in the baseline with the value ${value}`,
    baselineEdit: { path: [...path, 'value'], value, op: 'set' },
  };
}

/** An accept fix that explains why there is nothing to accept (invalid, version, source-error, shadowed). */
export function nothingToAccept(reason: string): Fix {
  return { summary: reason };
}
