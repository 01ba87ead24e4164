import type { Finding } from '../../model.js';
import { acceptEnvironmentValue } from '../accept-fix.js';
import type { EnvironmentContext } from '../environment-context.js';
import { placementFor } from '../missing-target.js';
import { revertFix } from '../revert-fix.js';
import type { SettingPlan } from '../setting-plan.js';
import { shownText } from '../show-value.js';
import { findingBase } from './key-context.js';

/**
 * `missing`: a required setting no source of a fully read environment holds (the silent fallback of
 * `INVENTORY_SERVICE_URL`). Only raised for environments whose every source was read. The revert
 * puts the expected value where the setting's layer (or the first SSM prefix) says; a secret is
 * restored from the secret store by hand. The accept declares it absent in that environment.
 */
export function missingFinding(env: EnvironmentContext, plan: SettingPlan, expected: string | undefined): Finding {
  const key = plan.key;
  const environment = env.spec.name;
  const shown = expected === undefined ? undefined : shownText(expected, plan.secret);
  const placement = placementFor(env, plan.setting, plan.secret);
  const revert =
    expected === undefined
      ? { summary: `Set ${key} in ${environment}: the baseline requires it but declares no value for it here` }
      : revertFix(
          placement?.target,
          { kind: 'set', value: expected },
          {
            key,
            environment: env.spec,
            secret: plan.secret,
            ...(placement?.region === undefined ? {} : { region: placement.region }),
          },
        );
  return {
    ...findingBase('missing', env.spec, key, plan.severity, plan.application),
    ...(shown === undefined ? {} : { expected: shown }),
    message:
      shown === undefined
        ? `${key} is required but no source holds it in ${environment}`
        : `${key} is missing in ${environment}: no source holds it, the baseline expects ${shown.text}`,
    provenance: [],
    fixes: {
      revert,
      accept: acceptEnvironmentValue(key, environment, null, { secret: false, setting: plan.setting }),
    },
  };
}
