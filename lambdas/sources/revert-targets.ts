/**
 * Revert target kinds, found through the source kinds that observe them (see `registry.ts`): the
 * engine's revert fixes and placements dispatch here, never on a target's `kind` themselves.
 */
import type { RevertTarget } from '../engine/model.js';
import { sourceKinds } from './registry.js';
import type { RevertTargetKind } from './revert-target-kind.js';

/** Every registered revert target kind, in source-kind order. */
export function revertTargetKinds(): readonly RevertTargetKind[] {
  return sourceKinds.all.flatMap((kind) => kind.revertTargets);
}

/**
 * The kind of a target.
 * @throws TypeError for a target no registered source kind addresses (a bug: targets come from the kinds)
 */
export function revertTargetKindOf(target: Pick<RevertTarget, 'kind'>): RevertTargetKind {
  const found = revertTargetKinds().find((kind) => kind.name === target.kind);
  if (found === undefined) throw new TypeError(`no registered source kind addresses revert targets of kind ${target.kind}`);
  return found;
}
