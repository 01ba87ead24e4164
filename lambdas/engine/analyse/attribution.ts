import type { ChangeAttribution, Provenance } from '../model.js';

/**
 * True when the last change to a value was made outside the pipeline: its Kubernetes field manager is
 * one of `outOfBandManagers` (`kubectl-set`, `kubectl-edit`), or it is an SSM value, pipeline
 * principals are declared, and the LastModifiedUser matches none of them. Unknown authorship is
 * never called out of band: the engine does not accuse without evidence.
 */
export function isOutOfBand(provenance: Provenance, attribution: ChangeAttribution): boolean {
  const by = provenance.changedBy;
  if (by === undefined || by === '') return false;
  if (attribution.outOfBandManagers.includes(by)) return true;
  if (provenance.source === 'ssm' && attribution.pipelinePrincipals.length > 0) {
    for (const principal of attribution.pipelinePrincipals) if (by.includes(principal)) return false;
    return true;
  }
  return false;
}

/**
 * The provenance with `outOfBand` set when {@link isOutOfBand} says so. Returns a new object when it
 * sets the flag and the input untouched otherwise: snapshots are never mutated.
 */
export function attribute(provenance: Provenance, attribution: ChangeAttribution): Provenance {
  if (provenance.outOfBand === true || !isOutOfBand(provenance, attribution)) return provenance;
  return { ...provenance, outOfBand: true };
}

/**
 * Who changed a value and when, as a clause for messages: "changed by kubectl-set outside the
 * pipeline on 2026-08-14", "last changed by deploy-bot on 2026-06-01", or undefined when unknown.
 * Expects provenance already passed through {@link attribute}.
 */
export function describeChange(provenance: Provenance): string | undefined {
  const by = provenance.changedBy;
  const at = provenance.changedAt === undefined ? undefined : provenance.changedAt.slice(0, 10);
  if (by === undefined && at === undefined) return undefined;
  const on = at === undefined ? '' : ` on ${at}`;
  if (provenance.outOfBand === true) return `changed by ${by ?? 'someone'} outside the pipeline${on}`;
  return by === undefined ? `last changed${on}` : `last changed by ${by}${on}`;
}
