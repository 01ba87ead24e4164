import type { EnvironmentSpec, Finding, Fix, Provenance, ShownValue } from '../../model.js';
import { acceptEnvironmentValue } from '../accept-fix.js';
import type { EnvironmentContext } from '../environment-context.js';
import { placementFor } from '../missing-target.js';
import { combineFixes, revertFix } from '../revert-fix.js';
import type { SettingPlan } from '../setting-plan.js';
import { settingPath } from '../accept-fix.js';
import { describeChange } from '../attribution.js';
import { changeSuffix, findingBase, placeOf, provenanceOf, winnerOf, type KeyContext } from './key-context.js';
import { rawValue, shownObservation } from './shown-observation.js';

/** The value most of a parity group holds, which the deviating environment is compared with. */
export interface ParityReference {
  /** False when most of the group does not set the key at all. */
  readonly present: boolean;
  /** The reference value as written in the first environment holding it; undefined when absent or secret. */
  readonly raw: string | undefined;
  /** `(absent)`, `[secret]` or the value. */
  readonly shown: ShownValue;
  /** Environments holding the reference value, in declaration order. */
  readonly environments: readonly string[];
}

/** A deviation found by comparing one environment with the rest of its parity group. */
export interface ParityComparison {
  readonly reference: ParityReference;
  /** Every member environment's shown value (absent shown as `(absent)`), in declaration order. */
  readonly comparedWith: Readonly<Record<string, ShownValue>>;
  /** `between production environments` or `between environments`. */
  readonly scope: string;
}

/**
 * `parity`: environments that must agree (no value declared, parity tier/all) do not. `context` is
 * the deviating environment's key (undefined when it is absent there). The revert aligns it with the
 * reference; the accept declares its value as an expected difference.
 */
export function parityFinding(env: EnvironmentContext, plan: SettingPlan, context: KeyContext | undefined, comparison: ParityComparison): Finding {
  const key = plan.key;
  const environment = env.spec.name;
  const { reference } = comparison;
  const others = reference.environments.join(', ');
  const declared = `; no difference is declared ${comparison.scope}`;
  const base = findingBase('parity', env.spec, key, plan.severity, plan.application);
  const accept = (value: string | null, secret: boolean): Fix => acceptEnvironmentValue(key, environment, value, { secret, setting: plan.setting });

  if (context === undefined) {
    const placement = placementFor(env, plan.setting, plan.secret || reference.shown.secret);
    return {
      ...base,
      expected: reference.shown,
      message: `${key} is absent in ${environment} but ${reference.shown.secret ? 'set' : reference.shown.text} in ${others}${declared}`,
      provenance: [],
      comparedWith: comparison.comparedWith,
      fixes: {
        revert: revertFix(
          placement?.target,
          { kind: 'set', value: reference.raw ?? '' },
          {
            key,
            environment: env.spec,
            secret: plan.secret || reference.shown.secret,
            ...(placement?.region === undefined ? {} : { region: placement.region }),
          },
        ),
        accept: accept(null, false),
      },
    };
  }

  const winner = winnerOf(context);
  const where = winner.provenance;
  const actual = shownObservation(context, winner);
  let message: string;
  let revert: Fix;
  if (!reference.present) {
    message = `${key}${actual.secret ? '' : `=${actual.text}`} is set in ${environment} (${placeOf(where)}) but absent in ${others}`;
    const removals = context.observations.map((o) =>
      revertFix(o.provenance.target, { kind: 'delete' }, { key, environment: env.spec, secret: context.secret, provenance: o.provenance }),
    );
    revert = removals.length === 1 && removals[0] !== undefined ? removals[0] : combineFixes(`Remove ${key} from ${environment}`, removals);
  } else {
    message = `${key} is ${actual.text} in ${environment} (${placeOf(where)}) but ${reference.shown.text} in ${others}`;
    revert = revertFix(
      where.target,
      { kind: 'set', value: reference.raw ?? '' },
      {
        key,
        environment: env.spec,
        secret: context.secret || reference.shown.secret,
        provenance: where,
      },
    );
  }
  return {
    ...base,
    expected: reference.shown,
    actual,
    message: `${message}${declared}${changeSuffix(where)}`,
    provenance: provenanceOf(context),
    comparedWith: comparison.comparedWith,
    fixes: { revert, accept: accept(rawValue(context, winner) ?? '', actual.secret) },
  };
}

/** One environment of a parity group that has no majority. */
export interface GroupMember {
  readonly env: EnvironmentContext;
  readonly shown: ShownValue;
  /** The value as written; undefined when absent or secret. */
  readonly raw: string | undefined;
  /** The winning observation's provenance, attributed; undefined when absent. */
  readonly provenance?: Provenance;
}

/**
 * `parity` on a whole group: environments that must agree do not, and no value is held by a majority
 * (two environments, or a tie), so no environment is blamed. The finding is about the group: its
 * `environment` names every member (`staging-us+production-us`), `comparedWith` shows each value,
 * and the message says who last changed each side. The accept declares each environment's live
 * value as an expected difference; the revert is a decision only a person can make.
 */
export function parityDisagreementFinding(
  plan: SettingPlan,
  members: readonly GroupMember[],
  comparedWith: Readonly<Record<string, ShownValue>>,
  scope: string,
): Finding {
  const key = plan.key;
  const names = members.map((m) => m.env.spec.name);
  const tiers = new Set(members.map((m) => m.env.spec.tier));
  const regions = new Set(members.map((m) => m.env.spec.region));
  const accounts = new Set(members.map((m) => m.env.spec.account));
  const group: EnvironmentSpec = {
    name: names.join('+'),
    tier: tiers.size === 1 ? (members[0]?.env.spec.tier ?? '') : 'mixed',
    ...(regions.size === 1 && members[0]?.env.spec.region !== undefined ? { region: members[0].env.spec.region } : {}),
    ...(accounts.size === 1 && members[0]?.env.spec.account !== undefined ? { account: members[0].env.spec.account } : {}),
    precedence: [],
    sources: [],
  };
  const sides = members.map((m) => {
    const change = m.provenance === undefined ? undefined : describeChange(m.provenance);
    const value = m.shown.secret ? 'set' : m.shown.text;
    return `${value} in ${m.env.spec.name}${m.provenance === undefined ? '' : ` (${placeOf(m.provenance)}${change === undefined ? '' : `, ${change}`})`}`;
  });
  const secret = members.some((m) => m.shown.secret);
  const declared: Record<string, string> = {};
  for (const m of members) if (m.raw !== undefined) declared[m.env.spec.name] = m.raw;
  const { tier, ...base } = findingBase('parity', group, key, plan.severity, plan.application);
  return {
    ...base,
    ...(tiers.size === 1 ? { tier } : {}),
    message: `${key} differs ${scope} and no value is held by a majority: ${sides.join('; ')}; no difference is declared`,
    provenance: members.flatMap((m) => (m.provenance === undefined ? [] : [m.provenance])),
    comparedWith,
    fixes: {
      revert: { summary: `Decide which value of ${key} is right, then set it in ${names.join(' and ')}` },
      accept:
        secret || Object.keys(declared).length !== members.length
          ? { summary: `Declare by hand which environments may differ on ${key}` }
          : {
              summary: `Declare the difference of ${key} between ${names.join(' and ')} in the baseline`,
              baselineEdit: { path: [...settingPath(key, plan.application, plan.setting), 'environments'], value: declared, op: 'set' },
            },
    },
  };
}
