import { valuesEqual } from '../analyse/compare-values.js';
import { AmbiguousApplicationError, explain, UnknownApplicationError } from '../analyse/explain.js';
import { UnknownKeyError } from '../analyse/key-lookup.js';
import type { AcceptChange, DeclareChange, PlannedAccept } from './accept-change.js';
import { settingFor } from '../analyse/setting-for.js';
import type { AcceptState } from './plan-accept.js';

/**
 * Declares an accepted state for a whole tier instead of environment by environment, where that
 * says the same thing for every environment it reaches: the tier has at least two environments
 * (a tier of one is its environment, the more specific name), and every environment of the tier
 * that has no declaration of its own for the key was read in full and holds that very state now.
 * So the tier entry can make no environment `changed` or `missing`: each one it applies to already
 * holds it. Environments with their own entry keep an entry of their own.
 *
 * `accepted` is returned with each lifted environment declaration replaced by the one tier
 * declaration (shared, by identity, between the findings it accepts).
 */
export function liftToTiers(accepted: readonly PlannedAccept[], state: AcceptState): PlannedAccept[] {
  const groups = new Map<string, DeclareChange[]>();
  for (const planned of accepted) {
    for (const change of planned.changes) {
      if (change.kind !== 'declare' || change.scope !== 'environment' || change.tier === undefined) continue;
      const group = `${change.application ?? ''}\u0000${change.key}\u0000${change.tier}`;
      const list = groups.get(group);
      if (list === undefined) groups.set(group, [change]);
      else list.push(change);
    }
  }
  const replacements = new Map<DeclareChange, DeclareChange>();
  for (const changes of groups.values()) {
    const first = changes[0] as DeclareChange;
    const setting = settingFor(state.baseline, first.key, first.application);
    // An environment with its own entry is not reached by the tier's: its declaration stays its own.
    const reached = changes.filter((change) => setting === undefined || !Object.hasOwn(setting.perEnvironment, change.environment));
    const lifted = tierDeclaration(reached, state);
    if (lifted !== undefined) for (const change of reached) replacements.set(change, lifted);
  }
  if (replacements.size === 0) return [...accepted];
  return accepted.map((planned) => ({
    finding: planned.finding,
    changes: dedupe(planned.changes.map((change) => (change.kind === 'declare' ? (replacements.get(change) ?? change) : change))),
  }));
}

function tierDeclaration(changes: readonly DeclareChange[], state: AcceptState): DeclareChange | undefined {
  const first = changes[0];
  if (first === undefined || first.tier === undefined) return undefined;
  const { key, tier, application } = first;
  const { baseline } = state;
  const members = baseline.environments.filter((environment) => environment.tier === tier);
  if (members.length < 2) return undefined;
  // A tier spelled like an environment would be read as that environment under expected_differences.
  if (baseline.environments.some((environment) => environment.name === tier)) return undefined;
  const setting = settingFor(baseline, key, application);
  const type = setting?.constraints.type;
  const ownEntry = (environment: string) => setting !== undefined && Object.hasOwn(setting.perEnvironment, environment);
  if (!changes.every((change) => sameState(change.state, first.state, type))) return undefined;
  for (const member of members) {
    if (ownEntry(member.name)) continue;
    const live = liveState(state, member.name, key, application);
    if (live === undefined || !sameState(live.state, first.state, type)) return undefined;
  }
  return { ...first, scope: 'tier' };
}

/** The key's effective state in an environment, as the engine resolves it; undefined when unknown or secret. */
function liveState(state: AcceptState, environment: string, key: string, application: string | undefined): { readonly state: string | null } | undefined {
  let explanation: ReturnType<typeof explain>;
  try {
    explanation = explain({
      baseline: state.baseline,
      snapshots: state.snapshots,
      now: state.now,
      environment,
      key,
      ...(application === undefined ? {} : { application }),
    });
  } catch (error) {
    // Several applications read the key, or none by this name: its state is not known for sure, so
    // the tier is not claimed to agree. Anything else is a fault and is not hidden.
    if (error instanceof AmbiguousApplicationError || error instanceof UnknownApplicationError || error instanceof UnknownKeyError) {
      return undefined;
    }
    throw error;
  }
  if (!explanation.complete || explanation.setting.secret) return undefined;
  return { state: explanation.effective?.text ?? null };
}

function sameState(a: string | null, b: string | null, type: Parameters<typeof valuesEqual>[2]): boolean {
  if (a === null || b === null) return a === b;
  return valuesEqual(a, b, type);
}

function dedupe(changes: readonly AcceptChange[]): AcceptChange[] {
  return [...new Set(changes)];
}
