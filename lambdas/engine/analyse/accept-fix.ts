import type { ExceptionSpec, Fix, SettingSpec } from '../model.js';
import { acceptTarget } from './accept-target.js';

export { settingPath } from './accept-target.js';

/**
 * Accepts the live state of `key` in one environment into the baseline: a declared expected
 * difference `settings.KEY.environments.ENV` holding the live value (`null`: absent here). For a
 * secret there is no value to write, so the fix only says what to do by hand.
 *
 * This is the edit a single finding implies; `baseline accept` may declare it for the whole tier
 * instead, when every environment of the tier holds the same state.
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
      path: acceptTarget({ key, environment, application: options.application }, 'environment', options.setting),
      value,
      op: 'set',
      ...(file === undefined ? {} : { file }),
    },
  };
}

/**
 * Accepts an undeclared key where it lives: declares it with its live value for this environment
 * (never as a value shared by every environment, which would make it `missing` wherever it is not
 * set), or, for a secret, declares it `secret: true` (presence is all the baseline may know of it).
 */
export function acceptUnmanaged(key: string, environment: string, value: string | undefined, secret: boolean, application?: string): Fix {
  const subject = { key, environment, application };
  if (secret || value === undefined) {
    return {
      summary: `Declare ${key} in the baseline as a secret (audited by presence only)`,
      baselineEdit: { path: [...acceptTarget(subject, 'setting'), 'secret'], value: 'true', op: 'set' },
    };
  }
  return {
    summary: `Declare ${key} in the baseline with the value ${value} in ${environment}`,
    baselineEdit: { path: acceptTarget(subject, 'environment'), value, op: 'set' },
  };
}

/**
 * Accepting an expired exception: `baseline accept` removes it (unless it still covers another
 * deviation) and declares the live state, the edit `declare` holds; or, with `--extend DATE`,
 * moves its end date. `declare` undefined: the deviation can only be allowed by an exception (an
 * image version), so extending it is the accept.
 */
export function acceptExpiredException(id: string, key: string, exception: ExceptionSpec, declare: Fix | undefined): Fix {
  const scope = exception.environment ?? (exception.tier === undefined ? 'every environment' : `tier ${exception.tier}`);
  const extend = `or extend it: drift-audit baseline accept ${id} --extend YYYY-MM-DD`;
  if (declare?.baselineEdit === undefined) {
    return {
      summary: `Extend the expired exception (key: ${key}, ${scope}, owner ${exception.owner}): drift-audit baseline accept ${id} --extend YYYY-MM-DD`,
    };
  }
  return {
    summary: `Remove the expired exception for ${key} (${scope}, owner ${exception.owner}); ${lowerFirst(declare.summary)}; ${extend}`,
    baselineEdit: declare.baselineEdit,
  };
}

/** An accept fix that explains why there is nothing to accept (invalid, shadowed, source-error). */
export function nothingToAccept(reason: string): Fix {
  return { summary: reason };
}

function lowerFirst(text: string): string {
  return text.length === 0 ? text : `${text[0]?.toLowerCase() ?? ''}${text.slice(1)}`;
}
