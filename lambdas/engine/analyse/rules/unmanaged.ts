import type { Finding, Severity } from '../../model.js';
import { acceptUnmanaged } from '../accept-fix.js';
import { combineFixes, revertFix } from '../revert-fix.js';
import { changeSuffix, findingBase, placeOf, provenanceOf, winnerOf, type KeyContext } from './key-context.js';
import { rawValue, shownObservation } from './shown-observation.js';

/**
 * `unmanaged`: a live key the baseline does not declare (the flag that outlived its feature). The
 * revert removes it from every place it is set; the accept declares it with its live value where it
 * lives (a secret-looking key is declared `secret: true`, never with its value).
 */
export function unmanagedFinding(context: KeyContext, severity: Severity): Finding {
  const { env, key, secret } = context;
  const winner = winnerOf(context);
  const where = winner.provenance;
  const actual = shownObservation(context, winner);
  const environment = env.spec.name;
  const removals = context.observations.map((observation) =>
    revertFix(
      observation.provenance.target,
      { kind: 'delete' },
      {
        key,
        environment: env.spec,
        secret,
        provenance: observation.provenance,
      },
    ),
  );
  const revert =
    removals.length === 1 && removals[0] !== undefined ? removals[0] : combineFixes(`Remove ${key} from every place it is set in ${environment}`, removals);
  return {
    ...findingBase('unmanaged', env.spec, key, severity, context.application),
    actual,
    message: `${key}${actual.secret ? '' : `=${actual.text}`} is set in ${environment} (${placeOf(where)}) but the baseline does not declare it${changeSuffix(where)}`,
    provenance: provenanceOf(context),
    fixes: { revert, accept: acceptUnmanaged(key, environment, rawValue(context, winner), actual.secret, context.application) },
  };
}
