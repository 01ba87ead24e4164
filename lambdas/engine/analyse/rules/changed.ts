import type { Finding } from '../../model.js';
import { acceptEnvironmentValue } from '../accept-fix.js';
import { revertFix } from '../revert-fix.js';
import { ABSENT_SHOWN, shownText } from '../show-value.js';
import { changeSuffix, findingBase, placeOf, provenanceOf, winnerOf, type KeyContext } from './key-context.js';
import { rawValue, shownObservation } from './shown-observation.js';

/**
 * `changed`: the effective value differs from the declared one, or the key is set where the baseline
 * says it must be absent (`expected` null). Secrets only ever reach here for the latter: their values
 * are never compared. Reverts at the winning observation's place; accepts as a declared difference.
 */
export function changedFinding(context: KeyContext, expected: string | null): Finding {
  const { env, key, plan, secret } = context;
  const winner = winnerOf(context);
  const where = winner.provenance;
  const actual = shownObservation(context, winner);
  const environment = env.spec.name;
  const message =
    expected === null
      ? `${key}${actual.secret ? '' : `=${actual.text}`} is set in ${environment} (${placeOf(where)}) but the baseline says it must be absent there${changeSuffix(where)}`
      : `${key} is ${actual.text} in ${environment} (${placeOf(where)}), the baseline expects ${shownText(expected, secret).text}${changeSuffix(where)}`;
  return {
    ...findingBase('changed', env.spec, key, plan?.severity ?? 'medium', context.application),
    expected: expected === null ? ABSENT_SHOWN : shownText(expected, secret),
    actual,
    message,
    provenance: provenanceOf(context),
    fixes: {
      revert: revertFix(where.target, expected === null ? { kind: 'delete' } : { kind: 'set', value: expected }, {
        key,
        environment: env.spec,
        secret,
        provenance: where,
      }),
      accept: acceptEnvironmentValue(key, environment, rawValue(context, winner) ?? '', {
        secret: actual.secret,
        ...(plan === undefined ? {} : { setting: plan.setting }),
      }),
    },
  };
}
