import type { Finding, Observation, ShownValue } from '../../model.js';
import { nothingToAccept } from '../accept-fix.js';
import type { AuditContext } from '../audit-context.js';
import { observationsOf, type EnvironmentContext } from '../environment-context.js';
import { judgeException } from '../exception-index.js';
import { mostCommon } from '../most-common.js';
import { BLOCKED, expectedIn, type SettingPlan } from '../setting-plan.js';
import { SECRET_SHOWN } from '../show-value.js';
import { expiredExceptionFinding } from './exception-expired.js';
import { changeSuffix, findingBase, keyContext, placeOf, provenanceOf } from './key-context.js';

interface Member {
  readonly env: EnvironmentContext;
  readonly winner: Observation;
  readonly version: string;
}

/**
 * `secret-version`: a SecureString that environments should share (a setting with `parity` and no
 * value declared for them) is at different SSM versions across the group: rotated in one region and
 * not in the other, say. The value is never read (no `kms:Decrypt`), so its version is the one thing
 * that can be compared: this is what "audited by presence and version" means. `info`: versions of
 * separate parameters can differ for harmless reasons (one was created later), so it is a hint to
 * look, never an alarm; the value is never shown, only where each version lives.
 *
 * Judged only for groups whose members all hold the key as a SecureString with a known version (an
 * absent member is `parity` or `missing`, a member whose value cannot be known stops the group, as
 * for `parity`); the reference is the version most of the group is at, ties going to the environment
 * declared first. Exceptions on the key silence it (active) or turn it into `exception-expired`.
 */
export function secretVersionFindings(context: AuditContext): Finding[] {
  const findings: Finding[] = [];
  if (context.plans.parity.length === 0) return findings;
  const groups = groupsByParity(context.environments);
  for (const plan of context.plans.parity) {
    for (const group of plan.setting.parity === 'tier' ? groups.byTier : groups.all) {
      const members = membersOf(plan, group);
      if (members === undefined || members.length < 2) continue;
      const reference = mostCommon(members, (m) => m.version);
      const holders = members.filter((m) => m.version === reference);
      if (reference === undefined || holders.length === members.length) continue;
      const comparedWith: Record<string, ShownValue> = {};
      for (const m of members) comparedWith[m.env.spec.name] = { text: `version ${m.version}`, secret: false };
      const scope = plan.setting.parity === 'tier' ? `between ${group[0]?.spec.tier ?? ''} environments` : 'between environments';
      for (const m of members) {
        if (m.version === reference || plan.invalidEnvs?.has(m.env.index) === true) continue;
        const verdict = context.exceptions.size === 0 ? undefined : judgeException(context.exceptions, plan.key, m.env.spec, () => true, plan.application);
        if (verdict?.kind === 'allowed') continue;
        const finding = secretVersionFinding(context, plan, m, reference, holders, comparedWith, scope);
        findings.push(verdict === undefined ? finding : expiredExceptionFinding(finding, verdict.exception.spec, 'info', plan.setting));
      }
    }
  }
  return findings;
}

function secretVersionFinding(
  context: AuditContext,
  plan: SettingPlan,
  member: Member,
  reference: string,
  holders: readonly Member[],
  comparedWith: Readonly<Record<string, ShownValue>>,
  scope: string,
): Finding {
  const { env, version } = member;
  const key = plan.key;
  const environment = env.spec.name;
  const facts = keyContext(env, key, plan.application, plan, true, observationsOf(env, plan.application, key), context.attribution);
  const where = facts.observations[0]?.provenance ?? member.winner.provenance;
  const others = holders.map((m) => m.env.spec.name).join(', ');
  return {
    ...findingBase('secret-version', env.spec, key, 'info', plan.application),
    expected: SECRET_SHOWN,
    actual: SECRET_SHOWN,
    message:
      `${key} is at SecureString version ${version} in ${environment} (${placeOf(where)}) but version ${reference} in ${others}; ` +
      `its value is never read, so only versions are compared, and no difference is declared ${scope}${changeSuffix(where)}`,
    provenance: provenanceOf(facts),
    comparedWith,
    fixes: {
      revert: {
        summary: `If ${key} is meant to be one secret ${scope}, write the value ${others} hold into ${environment} (${placeOf(where)}) from the secret store; its value is never shown here`,
      },
      accept: nothingToAccept(
        `Nothing to write: a secret's value is never in the baseline. If ${key} differs by design, set parity: none on it, or declare an exception for ${environment}`,
      ),
    },
  };
}

/** Every member of the group a SecureString with a version; undefined when the group cannot be judged that way. */
function membersOf(plan: SettingPlan, group: readonly EnvironmentContext[]): Member[] | undefined {
  const members: Member[] = [];
  for (const env of group) {
    if (expectedIn(plan, env) !== undefined) continue;
    const slot = plan.paritySlots?.[env.index];
    // Unknown (a failed source) or absent: `parity`, `missing` or nothing is said; versions are not compared.
    if (slot === undefined || slot === BLOCKED) return undefined;
    const target = slot.provenance.target;
    const version = slot.provenance.version;
    if (slot.value.kind !== 'secret' || target?.kind !== 'ssm-parameter' || target.type !== 'SecureString' || version === undefined) return undefined;
    members.push({ env, winner: slot, version });
  }
  return members;
}

function groupsByParity(environments: readonly EnvironmentContext[]): {
  readonly byTier: readonly EnvironmentContext[][];
  readonly all: readonly EnvironmentContext[][];
} {
  const byTier = new Map<string, EnvironmentContext[]>();
  for (const env of environments) {
    const group = byTier.get(env.spec.tier);
    if (group === undefined) byTier.set(env.spec.tier, [env]);
    else group.push(env);
  }
  return { byTier: [...byTier.values()], all: [[...environments]] };
}
