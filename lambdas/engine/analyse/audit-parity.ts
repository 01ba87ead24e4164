import type { Finding, Observation, ShownValue } from '../model.js';
import type { AuditContext } from './audit-context.js';
import { canonicalValue, valuesEqual } from './compare-values.js';
import { observationsOf, type EnvironmentContext } from './environment-context.js';
import { judgeException } from './exception-index.js';
import { mostCommon } from './most-common.js';
import { expiredExceptionFinding } from './rules/exception-expired.js';
import { keyContext } from './rules/key-context.js';
import { parityDisagreementFinding, parityFinding, type GroupMember, type ParityComparison } from './rules/parity.js';
import { attribute } from './attribution.js';
import { BLOCKED, expectedIn, type SettingPlan } from './setting-plan.js';
import { absenceJudgedElsewhere } from './workload-keys.js';
import { ABSENT_SHOWN, SECRET_SHOWN } from './show-value.js';
import { compareSecretsByFingerprint, secretToken } from '../secrets/compare-secrets.js';

// Comparison tokens that no canonical value can equal (canonical values start with a letter prefix).
const ABSENT = '\u0000absent';
const PRESENT = '\u0000present';

interface Member {
  readonly env: EnvironmentContext;
  readonly winner: Observation | undefined;
  /** Raw text; undefined when absent or secret. */
  readonly text: string | undefined;
  readonly secret: boolean;
  canonical: string;
}

/**
 * `parity`: for settings with no expected value in an environment and `parity: tier|all`, groups the
 * audited environments (by tier, or all together), takes the value most of the group holds as the
 * reference (ties: the environment declared first) and reports every environment that differs.
 * Absence counts as a value unless the setting is required (then it is `missing`); secrets compare by
 * presence only, except secret-shaped values, which compare by fingerprint when every one has one. A group with any environment whose value is unknown (a failed source that could
 * hold or override the key) is not judged at all: that environment could hold the majority's value or
 * be the deviation, so nobody in the group can be called the odd one out until it is read. Environments
 * with an invalid value vote but get their `invalid` finding instead.
 *
 * Runs after every environment was audited (it needs their winners); a group whose values are all
 * spelled the same costs one string comparison per environment.
 */
export function auditParity(context: AuditContext, out: Finding[]): void {
  if (context.plans.parity.length === 0) return;
  const byTier = groupBy(context.environments, (env) => env.spec.tier);
  const all = [context.environments];
  for (const plan of context.plans.parity) {
    const groups = plan.setting.parity === 'tier' ? byTier : all;
    for (const group of groups) {
      if (groupDiffers(plan, group)) compareGroup(context, plan, group, out);
    }
  }
}

function isMember(plan: SettingPlan, env: EnvironmentContext): boolean {
  if (expectedIn(plan, env) !== undefined) return false;
  const slot = plan.paritySlots?.[env.index];
  if (slot === BLOCKED) return false;
  // Absent: unknown if a source failed; `missing` (not parity) if required; not a member where the
  // application does not run at all.
  if (slot === undefined) {
    return (
      env.complete &&
      !plan.setting.required &&
      !(plan.implicit && absenceJudgedElsewhere(plan.key)) &&
      (plan.application === undefined || env.applications.has(plan.application))
    );
  }
  return true;
}

/**
 * True when the environment must agree with its group but its value cannot be known: the winning
 * layer ranks at or below a failed source, or the key is absent while a source failed.
 */
function isUnknown(plan: SettingPlan, env: EnvironmentContext): boolean {
  if (expectedIn(plan, env) !== undefined) return false;
  const slot = plan.paritySlots?.[env.index];
  return slot === BLOCKED || (slot === undefined && !env.complete);
}

function quickToken(plan: SettingPlan, winner: Observation | undefined): string {
  if (winner === undefined) return ABSENT;
  if (plan.secret) return PRESENT;
  if (winner.value.kind === 'secret') return secretToken(winner) ?? PRESENT;
  return winner.value.value;
}

// Allocation-free check that the group holds at least two members with differently spelled values
// and no member whose value is unknown: the unknown one could be the majority (a tie broken the other
// way) or the deviation itself, so judging the rest would open parity on a healthy environment.
function groupDiffers(plan: SettingPlan, group: readonly EnvironmentContext[]): boolean {
  let first: string | undefined;
  let members = 0;
  let differs = false;
  for (const env of group) {
    if (isUnknown(plan, env)) return false;
    if (!isMember(plan, env)) continue;
    const slot = plan.paritySlots?.[env.index];
    const token = quickToken(plan, slot === BLOCKED ? undefined : slot);
    members += 1;
    if (first === undefined) first = token;
    else if (token !== first) differs = true;
  }
  return differs && members >= 2;
}

function compareGroup(context: AuditContext, plan: SettingPlan, group: readonly EnvironmentContext[], out: Finding[]): void {
  const members: Member[] = [];
  for (const env of group) {
    if (!isMember(plan, env)) continue;
    const slot = plan.paritySlots?.[env.index];
    const winner = slot === BLOCKED ? undefined : slot;
    const secret = winner !== undefined && (plan.secret || observationsOf(env, plan.application, plan.key).some((o) => o.value.kind === 'secret'));
    const text = winner === undefined || secret || winner.value.kind !== 'plain' ? undefined : winner.value.value;
    const canonical = winner === undefined ? ABSENT : text === undefined ? PRESENT : canonicalValue(text, plan.type ?? winner.comparison);
    members.push({ env, winner, text, secret, canonical });
  }
  if (!plan.secret) compareSecretsByFingerprint(members, PRESENT);
  const comparedWith: Record<string, ShownValue> = {};
  for (const m of members) comparedWith[m.env.spec.name] = shownOf(m);
  const tier = group[0]?.spec.tier ?? '';
  const scope = plan.setting.parity === 'tier' ? `between ${tier} environments` : 'between environments';
  const reference = referenceValue(context, members);
  if (reference === undefined) {
    // No majority (two environments that disagree, or a tie): nobody can be called the odd one out.
    if (!allowedByExceptions(context, plan, members)) out.push(parityDisagreementFinding(plan, members.map(describeMember(context)), comparedWith, scope));
    return;
  }
  const holders = members.filter((m) => m.canonical === reference);
  const first = holders[0];
  if (first === undefined || holders.length === members.length) return;
  const comparison: ParityComparison = {
    reference: {
      present: reference !== ABSENT,
      raw: first.text,
      shown: shownOf(first),
      environments: holders.map((m) => m.env.spec.name),
    },
    comparedWith,
    scope,
  };
  for (const m of members) {
    if (m.canonical === reference || plan.invalidEnvs?.has(m.env.index) === true) continue;
    const verdict =
      context.exceptions.size === 0
        ? undefined
        : judgeException(
            context.exceptions,
            plan.key,
            m.env.spec,
            (allowed) => (m.winner === undefined ? false : m.text === undefined || valuesEqual(m.text, allowed, plan.type ?? m.winner.comparison)),
            plan.application,
          );
    if (verdict?.kind === 'allowed') continue;
    const facts =
      m.winner === undefined
        ? undefined
        : keyContext(m.env, plan.key, plan.application, plan, m.secret, observationsOf(m.env, plan.application, plan.key), context.attribution);
    const finding = parityFinding(m.env, plan, facts, comparison);
    out.push(verdict === undefined ? finding : expiredExceptionFinding(finding, verdict.exception.spec, plan.severity, plan.setting));
  }
}

/**
 * The value the group should hold: the one most members hold, when it is a strict majority of the
 * values seen. On a tie, attribution may still decide: when exactly one side holds a change made
 * outside the pipeline (the most recent such change), that side is the likely drift, and the value
 * the other members hold (if they agree on one) is the reference. Otherwise there is none.
 */
function referenceValue(context: AuditContext, members: readonly Member[]): string | undefined {
  const counts = new Map<string, number>();
  for (const m of members) counts.set(m.canonical, (counts.get(m.canonical) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  const [top, second] = ranked;
  if (top === undefined) return undefined;
  if (second === undefined || top[1] > second[1]) return mostCommon(members, (m) => m.canonical);
  const drifted = likelyDrifted(context, members);
  if (drifted === undefined) return undefined;
  const rest = members.filter((m) => m.canonical !== drifted.canonical);
  const values = new Set(rest.map((m) => m.canonical));
  return values.size === 1 ? rest[0]?.canonical : undefined;
}

/** The member whose value was changed outside the pipeline most recently, when that side is the only one so changed. */
function likelyDrifted(context: AuditContext, members: readonly Member[]): Member | undefined {
  let latest: { member: Member; at: string } | undefined;
  const sides = new Set<string>();
  for (const m of members) {
    if (m.winner === undefined) continue;
    const provenance = attribute(m.winner.provenance, context.attribution);
    if (provenance.outOfBand !== true) continue;
    sides.add(m.canonical);
    const at = provenance.changedAt ?? '';
    if (latest === undefined || at > latest.at) latest = { member: m, at };
  }
  return sides.size === 1 ? latest?.member : undefined;
}

function allowedByExceptions(context: AuditContext, plan: SettingPlan, members: readonly Member[]): boolean {
  if (context.exceptions.size === 0) return false;
  return members.some(
    (m) =>
      judgeException(
        context.exceptions,
        plan.key,
        m.env.spec,
        (allowed) => (m.winner === undefined ? false : m.text === undefined || valuesEqual(m.text, allowed, plan.type ?? m.winner.comparison)),
        plan.application,
      )?.kind === 'allowed',
  );
}

function describeMember(context: AuditContext): (m: Member) => GroupMember {
  return (m) => ({
    env: m.env,
    shown: shownOf(m),
    raw: m.text,
    ...(m.winner === undefined ? {} : { provenance: attribute(m.winner.provenance, context.attribution) }),
  });
}

function shownOf(member: Member): ShownValue {
  if (member.winner === undefined) return ABSENT_SHOWN;
  if (member.text === undefined) return SECRET_SHOWN;
  return { text: member.text, secret: false };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return [...groups.values()];
}
