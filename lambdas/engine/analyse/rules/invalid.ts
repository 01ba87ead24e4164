import type { Finding } from '../../model.js';
import { nothingToAccept } from '../accept-fix.js';
import { revertFix } from '../revert-fix.js';
import { atLeast } from '../severity.js';
import { ABSENT_SHOWN, shownText } from '../show-value.js';
import { changeSuffix, findingBase, placeOf, provenanceOf, winnerOf, type KeyContext } from './key-context.js';
import { shownObservation } from './shown-observation.js';

/**
 * `invalid`: the effective value breaks the setting's constraints (global, then tier and environment
 * scoped). It replaces `changed` for the same key (one finding, expected shown) and is at least
 * `high`: a constraint exists because some values are dangerous (`LOG_INCLUDE_SENSITIVE=true`).
 * There is no accept: the fix for the baseline is relaxing the constraint, a deliberate human edit.
 */
export function invalidFinding(context: KeyContext, violation: string, expected: string | null | undefined): Finding {
  const { env, key, plan, secret } = context;
  const winner = winnerOf(context);
  const where = winner.provenance;
  const actual = shownObservation(context, winner);
  const environment = env.spec.name;
  const revert =
    expected === undefined
      ? { summary: `Set ${key} in ${environment} (${placeOf(where)}) to a value that meets its constraints (it ${violation})` }
      : revertFix(where.target, expected === null ? { kind: 'delete' } : { kind: 'set', value: expected }, {
          key,
          environment: env.spec,
          secret,
          provenance: where,
        });
  return {
    ...findingBase('invalid', env.spec, key, atLeast(plan?.severity ?? 'high', 'high'), context.application),
    ...(expected === undefined ? {} : { expected: expected === null ? ABSENT_SHOWN : shownText(expected, secret) }),
    actual,
    message: `${key}=${actual.text} in ${environment} (${placeOf(where)}) breaks its constraints: it ${violation}${changeSuffix(where)}`,
    provenance: provenanceOf(context),
    fixes: {
      revert,
      accept: nothingToAccept(`Nothing to accept: ${key} breaks a constraint of the baseline; relax the constraint by hand if this value is really allowed`),
    },
  };
}
