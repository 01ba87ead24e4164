import type { Finding, Observation } from '../../model.js';
import { nothingToAccept } from '../accept-fix.js';
import { combineFixes, revertFix } from '../revert-fix.js';
import { shownText } from '../show-value.js';
import { findingBase, placeOf, provenanceOf, winnerOf, type KeyContext } from './key-context.js';
import { shownObservation } from './shown-observation.js';

/**
 * `shadowed`: several places hold the key with different values and the effective one hides the
 * others (seed 000's four-source pool size). `hidden` are the losing observations whose value differs
 * from the winner's, highest first. `low`, or `medium` when an out-of-band change is involved.
 *
 * The revert removes the hidden copies (or, for a copy in the winning layer such as a second
 * workload, sets it to the effective value) so one place holds the key; nothing to accept, the
 * baseline declares values, not where they live.
 */
export function shadowedFinding(context: KeyContext, hidden: readonly Observation[], expected: string | null | undefined): Finding {
  const { env, key, secret } = context;
  const winner = winnerOf(context);
  const actual = shownObservation(context, winner);
  const [top, ...rest] = hidden;
  if (top === undefined) throw new Error(`internal: shadowed ${key} in ${env.spec.name} without a hidden value`);
  const also = rest.length === 0 ? '' : `; also ${rest.map((o) => `${o.provenance.layer} ${shownObservation(context, o).text}`).join(', ')}`;
  const outOfBand = winner.provenance.outOfBand === true || hidden.some((o) => o.provenance.outOfBand === true);
  const environment = env.spec.name;
  const fixes = hidden.map((observation) =>
    observation.overriddenBy !== undefined
      ? // The platform already gives the process the winner: nothing to revert, and touching the hidden
        // copy (a ConfigMap other workloads may read) is a decision of its own. Never remove the winner.
        { summary: `Nothing to revert: ${observation.overriddenBy}; remove ${key} from ${placeOf(observation.provenance)} only if nothing else reads it there` }
      : revertFix(
          observation.provenance.target,
          observation.provenance.layer === winner.provenance.layer && winner.value.kind === 'plain'
            ? { kind: 'set', value: winner.value.value }
            : { kind: 'delete' },
          { key, environment: env.spec, secret, provenance: observation.provenance },
        ),
  );
  const summary = `Leave only ${placeOf(winner.provenance)} holding ${key} in ${environment}`;
  return {
    ...findingBase('shadowed', env.spec, key, outOfBand ? 'medium' : 'low', context.application),
    ...(typeof expected === 'string' ? { expected: shownText(expected, secret) } : {}),
    actual,
    message: `${key} in ${environment}: ${placeOf(top.provenance)} (${shownObservation(context, top).text}) is hidden by ${placeOf(winner.provenance)} (${actual.text})${top.overriddenBy === undefined ? '' : `: ${top.overriddenBy}`}${also}`,
    provenance: provenanceOf(context),
    fixes: {
      revert: fixes.length === 1 && fixes[0] !== undefined ? { ...fixes[0], summary: `${summary}: ${fixes[0].summary}` } : combineFixes(summary, fixes),
      accept: nothingToAccept(`Nothing to accept: the baseline declares values, not which source holds them; remove the hidden copies of ${key}`),
    },
  };
}
