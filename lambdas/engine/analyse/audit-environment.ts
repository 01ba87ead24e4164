import type { Finding, Observation } from '../model.js';
import { absenceOf } from './absent-parts.js';
import type { AuditContext } from './audit-context.js';
import { valuesEqual } from './compare-values.js';
import { isBlocked, orderObservations, type EnvironmentContext } from './environment-context.js';
import { judgeException } from './exception-index.js';
import { changedFinding } from './rules/changed.js';
import { expiredExceptionFinding } from './rules/exception-expired.js';
import { fedDriftFinding, fedPair, feedUnread, type FedPair } from './rules/fed-from.js';
import { invalidFinding } from './rules/invalid.js';
import { keyContext } from './rules/key-context.js';
import { missingFinding } from './rules/missing.js';
import { shadowedFinding } from './rules/shadowed.js';
import { unmanagedFinding } from './rules/unmanaged.js';
import { BLOCKED, checkerFor, expectedIn, type SettingPlan } from './setting-plan.js';
import { SECRET_KEY_PATTERN } from './show-value.js';
import { secretDiffersFrom } from '../secrets/compare-secrets.js';

/**
 * Audits one environment key by key: `changed`, `invalid`, `unmanaged`, `shadowed`, `missing` and the
 * `exception-expired` findings that replace them, appended to `out`. Records each parity setting's
 * winner for the cross-environment pass.
 *
 * One pass over the settings (observations were already grouped by setting index), then one over
 * the undeclared keys. A clean key costs an array read and a string comparison; nothing is allocated
 * until a rule decides to report. Absent keys are judged only when every source was read.
 */
export function auditEnvironment(context: AuditContext, env: EnvironmentContext, out: Finding[]): void {
  const plans = context.plans.list;
  const declared = env.declared;
  for (let i = 0; i < plans.length; i += 1) {
    const plan = plans[i] as SettingPlan;
    const entry = declared[i];
    if (entry === undefined) {
      if (env.complete) auditAbsent(context, env, plan, out);
    } else if (Array.isArray(entry)) {
      const ordered = orderObservations(entry, env);
      auditDeclared(context, env, plan, ordered[0] as Observation, ordered, out);
    } else {
      auditDeclared(context, env, plan, entry, undefined, out);
    }
  }
  for (const entry of env.undeclared.values()) {
    if (Array.isArray(entry)) {
      const ordered = orderObservations(entry, env);
      auditUndeclared(context, env, ordered[0] as Observation, ordered, out);
    } else {
      auditUndeclared(context, env, entry, undefined, out);
    }
  }
}

function auditDeclared(
  context: AuditContext,
  env: EnvironmentContext,
  plan: SettingPlan,
  winner: Observation,
  ordered: Observation[] | undefined,
  out: Finding[],
): void {
  if (isBlocked(env, winner)) {
    if (plan.paritySlots !== undefined) plan.paritySlots[env.index] = BLOCKED;
    return;
  }
  const secret = plan.secret || winner.value.kind === 'secret' || (ordered !== undefined && anySecret(ordered));
  const expected = plan.expectedByEnv === undefined ? plan.uniformExpected : plan.expectedByEnv[env.index];
  const fed = plan.setting.fedFrom === undefined ? undefined : fedPair(env, plan, ordered ?? [winner]);
  if (fed === undefined && feedUnread(env, plan)) {
    if (plan.paritySlots !== undefined) plan.paritySlots[env.index] = BLOCKED;
    return;
  }
  if (fed?.drifted === true) {
    reportFedDrift(context, env, plan, fed, ordered ?? [winner], secret, expected, out);
    return;
  }
  const text = secret ? undefined : plainText(winner);
  let changed = false;
  if (expected === null) changed = true;
  else if (expected === undefined) {
    if (plan.paritySlots !== undefined) plan.paritySlots[env.index] = winner;
  } else if (text !== undefined && text !== expected && !valuesEqual(text, expected, plan.type ?? winner.comparison)) {
    changed = true;
  } else if (text === undefined && !plan.secret && secretDiffersFrom(winner, expected)) {
    changed = true;
  }
  let violation: string | undefined;
  if (text !== undefined) {
    const checker = checkerFor(plan, env);
    if (!checker.empty) violation = checker.violation(text);
  }
  if (violation !== undefined && plan.paritySlots !== undefined) {
    plan.invalidEnvs ??= new Set();
    plan.invalidEnvs.add(env.index);
  }
  let allowed = false;
  if (changed || violation !== undefined) {
    allowed = reportDeviation(context, env, plan, winner, ordered, secret, text, expected, changed, violation, out);
  }
  if (!allowed && ordered !== undefined && !secret) reportShadowed(context, env, plan, ordered, expected, out);
}

/**
 * A `fed_from` env var that did not follow its parameter: that one finding says all there is about
 * the key here, so no `changed` of the stale value, no `shadowed` note for the pair, and parity judges
 * the value the env var is fed (the parameter's), not the stale one.
 */
function reportFedDrift(
  context: AuditContext,
  env: EnvironmentContext,
  plan: SettingPlan,
  fed: FedPair,
  ordered: Observation[],
  secret: boolean,
  expected: string | null | undefined,
  out: Finding[],
): void {
  const hidden = secret || fed.parameter.value.kind === 'secret' || fed.variable.value.kind === 'secret';
  // An active exception for the env var's live value (or one with no value) allows the lag, as any deviation.
  const live = fed.variable.value.kind === 'plain' && !hidden ? fed.variable.value.value : undefined;
  const verdict =
    context.exceptions.size === 0
      ? undefined
      : judgeException(context.exceptions, plan.key, env.spec, (allowed) => live === undefined || valuesEqual(live, allowed, plan.type), plan.application);
  if (verdict?.kind === 'allowed') return;
  const facts = keyContext(env, plan.key, plan.application, plan, hidden, ordered, context.attribution);
  const finding = fedDriftFinding(facts, fed);
  out.push(verdict === undefined ? finding : expiredExceptionFinding(finding, verdict.exception.spec, plan.severity, plan.setting));
  if (plan.paritySlots !== undefined && expected === undefined) plan.paritySlots[env.index] = fed.parameter;
  // Other copies of the key hidden by the winner are still worth a note; the fed pair is not.
  if (hidden || ordered[0] === fed.variable) return;
  const rest = ordered.filter((observation) => observation !== fed.variable);
  if (rest.length > 1) reportShadowed(context, env, plan, rest, expected, out);
}

// Returns true when an active exception allows the deviation: nothing at all is reported for the key.
function reportDeviation(
  context: AuditContext,
  env: EnvironmentContext,
  plan: SettingPlan,
  winner: Observation,
  ordered: Observation[] | undefined,
  secret: boolean,
  text: string | undefined,
  expected: string | null | undefined,
  changed: boolean,
  violation: string | undefined,
  out: Finding[],
): boolean {
  const key = plan.key;
  const verdict =
    context.exceptions.size === 0
      ? undefined
      : judgeException(
          context.exceptions,
          key,
          env.spec,
          (allowed) => text === undefined || valuesEqual(text, allowed, plan.type ?? winner.comparison),
          plan.application,
        );
  if (verdict?.kind === 'allowed') return true;
  const facts = keyContext(env, key, plan.application, plan, secret, ordered ?? [winner], context.attribution);
  if (verdict?.kind === 'expired' && changed && expected !== undefined) {
    out.push(expiredExceptionFinding(changedFinding(facts, expected), verdict.exception.spec, plan.severity, plan.setting));
    if (violation !== undefined) out.push(invalidFinding(facts, violation, expected));
    return false;
  }
  if (violation !== undefined) out.push(invalidFinding(facts, violation, expected));
  else if (changed && expected !== undefined) out.push(changedFinding(facts, expected));
  return false;
}

function auditUndeclared(context: AuditContext, env: EnvironmentContext, winner: Observation, ordered: Observation[] | undefined, out: Finding[]): void {
  const { key, application } = winner;
  if (context.ignore.ignores(key, application)) return;
  // The unread source may hold the key too and win: what is live cannot be said yet, and a finding
  // built from the lower layer would be re-alerted as changed when the source is back.
  if (isBlocked(env, winner)) return;
  const secret = winner.value.kind === 'secret' || (ordered !== undefined && anySecret(ordered)) || SECRET_KEY_PATTERN.test(key);
  if (context.baseline.unmanaged.policy === 'report') {
    const text = secret ? undefined : plainText(winner);
    const verdict =
      context.exceptions.size === 0
        ? undefined
        : judgeException(context.exceptions, key, env.spec, (allowed) => text === undefined || text === allowed, application);
    if (verdict?.kind === 'allowed') return;
    const facts = keyContext(env, key, application, undefined, secret, ordered ?? [winner], context.attribution);
    const severity = context.baseline.unmanaged.severity;
    const finding = unmanagedFinding(facts, severity);
    out.push(verdict === undefined ? finding : expiredExceptionFinding(finding, verdict.exception.spec, severity, undefined));
  }
  if (ordered !== undefined && !secret) reportShadowed(context, env, undefined, ordered, undefined, out);
}

function auditAbsent(context: AuditContext, env: EnvironmentContext, plan: SettingPlan, out: Finding[]): void {
  const expected = expectedIn(plan, env);
  if (expected === null || !plan.setting.required) return;
  if (plan.application !== undefined && !env.applications.has(plan.application)) return;
  // A setting that declares values for some environments only is required where it has one; a
  // presence-only setting (a secret, say) is required everywhere.
  if (expected === undefined && declaresAnyValue(plan.setting)) return;
  // An exception with a value never matches absence; one without a value allows it.
  const verdict = context.exceptions.size === 0 ? undefined : judgeException(context.exceptions, plan.key, env.spec, () => false, plan.application);
  if (verdict?.kind === 'allowed') return;
  // Replicas an HPA owns are not missing; a field of an absent HPA/PDB/probe waits for the object's verdict.
  const absence = absenceOf(env, plan);
  if (absence === 'silent') return;
  if (absence === 'part') {
    context.absentParts.push({ env, plan, expected });
    return;
  }
  const finding = missingFinding(env, plan, expected);
  out.push(verdict === undefined ? finding : expiredExceptionFinding(finding, verdict.exception.spec, plan.severity, plan.setting));
}

function reportShadowed(
  context: AuditContext,
  env: EnvironmentContext,
  plan: SettingPlan | undefined,
  ordered: readonly Observation[],
  expected: string | null | undefined,
  out: Finding[],
): void {
  const winnerText = plainText(ordered[0] as Observation);
  // A declared type wins; else the observation's own hint (`quantity` for resource keys).
  const type = plan?.type ?? (ordered[0] as Observation).comparison;
  let hidden: number[] | undefined;
  for (let i = 1; i < ordered.length; i += 1) {
    // A value the platform overrode (env beats envFrom) is how Kubernetes is meant to be used, not a
    // second source fighting the first: `explain` shows it with its rule, no finding is raised.
    if ((ordered[i] as Observation).overriddenBy !== undefined) continue;
    const text = plainText(ordered[i] as Observation);
    if (!valuesEqual(text, winnerText, type)) {
      hidden ??= [];
      hidden.push(i);
    }
  }
  if (hidden === undefined) return;
  const { key, application } = ordered[0] as Observation;
  const facts = keyContext(env, key, application, plan, false, ordered, context.attribution);
  out.push(
    shadowedFinding(
      facts,
      hidden.map((i) => facts.observations[i] as Observation),
      expected,
    ),
  );
}

function anySecret(observations: readonly Observation[]): boolean {
  for (const observation of observations) if (observation.value.kind === 'secret') return true;
  return false;
}

// Only called for keys already known to hold no secret observation.
function plainText(observation: Observation): string {
  return observation.value.kind === 'plain' ? observation.value.value : '';
}

function declaresAnyValue(setting: SettingPlan['setting']): boolean {
  if (setting.value !== undefined) return true;
  const declared = (values: Readonly<Record<string, string | null>>) => Object.values(values).some((value) => value !== null);
  return declared(setting.perEnvironment) || declared(setting.perTier);
}
