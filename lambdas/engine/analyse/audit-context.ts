import type { AbsentPart } from './absent-parts.js';
import type { Baseline, ChangeAttribution, Snapshot } from '../model.js';
import { buildEnvironmentContexts, type EnvironmentContext } from './environment-context.js';
import { indexExceptions, type ExceptionIndex } from './exception-index.js';
import { compileIgnore, type IgnoreMatcher } from './ignore-matcher.js';
import { startPlans, type SettingPlans } from './setting-plan.js';

/** Everything one audit compiles up front, so the per-key loop only looks things up. */
export interface AuditContext {
  readonly baseline: Baseline;
  readonly attribution: ChangeAttribution;
  /** Audited environments (those with a snapshot), in baseline declaration order. */
  readonly environments: readonly EnvironmentContext[];
  readonly plans: SettingPlans;
  readonly exceptions: ExceptionIndex;
  readonly ignore: IgnoreMatcher;
  /** Required fields of an absent HPA/PDB/probe, judged once parity has run (see `collapseAbsentParts`). */
  readonly absentParts: AbsentPart[];
}

/**
 * Compiles an audit: environments grouped by key, settings into plans, exceptions indexed with their
 * expiry decided against `now`, ignore globs into one expression. Plans hold per-audit scratch state,
 * so a context serves exactly one analysis.
 *
 * @throws UnknownEnvironmentError when a snapshot names an undeclared environment.
 */
export function createAuditContext(baseline: Baseline, snapshots: readonly Snapshot[], now: Date): AuditContext {
  const builder = startPlans(baseline);
  const environments = buildEnvironmentContexts(baseline, snapshots, builder.byApplication, (application, key) => builder.resolve(application, key));
  return {
    baseline,
    attribution: baseline.attribution,
    environments,
    plans: builder.finish(),
    exceptions: indexExceptions(baseline.exceptions, now),
    ignore: compileIgnore(baseline.ignore),
    absentParts: [],
  };
}
