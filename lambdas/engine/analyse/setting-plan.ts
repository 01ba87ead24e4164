import type { Baseline, Constraints, Observation, SettingSpec, Severity } from '../model.js';
import { compileConstraints, hasNoConstraints, mergeConstraints, NO_CONSTRAINTS, type ConstraintChecker } from './check-constraints.js';
import type { ValueType } from './compare-values.js';
import type { EnvironmentContext } from './environment-context.js';
import { resolveExpected } from './expected-value.js';
import { isSecretKey } from './show-value.js';
import { declaresSecretValue } from '../secrets/setting-secrecy.js';

/** Marks a parity slot whose value cannot be known: the winning layer ranks at or below a failed source. */
export const BLOCKED = Symbol('blocked');

/**
 * One setting compiled for an audit: everything that does not depend on the live value worked out
 * once (secrecy, severity, expected value per environment, constraints), so the per-key loop is a
 * map lookup and a string comparison when nothing drifted.
 */
export interface SettingPlan {
  /** Position in the audit's setting list (and in each environment's `declared` array). */
  readonly index: number;
  readonly key: string;
  readonly setting: SettingSpec;
  /**
   * Never compared by value, never shown: the setting's own `secret` (the parser made a secret-looking
   * name secret unless the setting says `secret: false`), or a secret-shaped declared value.
   */
  readonly secret: boolean;
  readonly severity: Severity;
  readonly type: ValueType | undefined;
  /** Expected value by environment index, or undefined when every environment expects `uniformExpected`. */
  readonly expectedByEnv: readonly (string | null | undefined)[] | undefined;
  readonly uniformExpected: string | null | undefined;
  /** Present for settings with parity tier/all and no expected value somewhere: the winner per environment index. */
  readonly paritySlots: (Observation | typeof BLOCKED | undefined)[] | undefined;
  /** Environment indexes whose value is invalid: they vote in parity but get the `invalid` finding instead. */
  invalidEnvs: Set<number> | undefined;
  /** Constraint checkers by environment index when scoped constraints exist, else the shared one; built lazily. */
  checkers: ConstraintChecker | (ConstraintChecker | undefined)[] | undefined;
}

/** The compiled settings of an audit. */
export interface SettingPlans {
  readonly byKey: ReadonlyMap<string, SettingPlan>;
  /** In baseline order. */
  readonly list: readonly SettingPlan[];
  readonly parity: readonly SettingPlan[];
}

/** Compiles every setting against every declared environment. */
export function buildPlans(baseline: Baseline): SettingPlans {
  const environments = baseline.environments;
  const envCount = environments.length;
  const byKey = new Map<string, SettingPlan>();
  const list: SettingPlan[] = [];
  const parity: SettingPlan[] = [];
  for (const [key, setting] of baseline.settings) {
    let expectedByEnv: (string | null | undefined)[] | undefined;
    if (hasAnyKey(setting.perEnvironment) || hasAnyKey(setting.perTier)) {
      expectedByEnv = new Array<string | null | undefined>(envCount);
      environments.forEach((env, index) => {
        (expectedByEnv as (string | null | undefined)[])[index] = resolveExpected(setting, env).value;
      });
    }
    const uniformExpected = setting.value;
    let needsParity = false;
    if (setting.parity !== 'none') {
      if (expectedByEnv === undefined) needsParity = uniformExpected === undefined;
      else for (let i = 0; i < envCount; i += 1) if (expectedByEnv[i] === undefined) needsParity = true;
    }
    const plan: SettingPlan = {
      index: list.length,
      key,
      setting,
      secret: isSecretKey(key, setting) || declaresSecretValue(setting),
      severity: setting.severity ?? baseline.defaultSeverity,
      type: setting.constraints.type,
      expectedByEnv,
      uniformExpected,
      paritySlots: needsParity ? new Array<Observation | typeof BLOCKED | undefined>(envCount) : undefined,
      invalidEnvs: undefined,
      checkers: undefined,
    };
    byKey.set(key, plan);
    list.push(plan);
    if (needsParity) parity.push(plan);
  }
  return { byKey, list, parity };
}

/** The expected value of a plan in an environment (see `resolveExpected`). */
export function expectedIn(plan: SettingPlan, env: EnvironmentContext): string | null | undefined {
  return plan.expectedByEnv === undefined ? plan.uniformExpected : plan.expectedByEnv[env.index];
}

/**
 * The constraints that hold for a setting in an environment: global ones, then the tier's scoped
 * ones, then the environment's (the more specific wins). Compiled on first use and kept.
 */
export function checkerFor(plan: SettingPlan, env: EnvironmentContext): ConstraintChecker {
  const setting = plan.setting;
  if (plan.checkers === undefined) {
    if (!hasAnyKey(setting.scopedConstraints)) {
      plan.checkers = hasNoConstraints(setting.constraints) ? NO_CONSTRAINTS : compileConstraints(setting.constraints);
    } else {
      plan.checkers = [];
    }
  }
  if (!Array.isArray(plan.checkers)) return plan.checkers;
  let checker = plan.checkers[env.index];
  if (checker === undefined) {
    checker = compileConstraints(constraintsFor(setting, env.spec.name, env.spec.tier));
    plan.checkers[env.index] = checker;
  }
  return checker;
}

/** The merged constraints for an environment (explanations show them). */
export function constraintsFor(setting: SettingSpec, environment: string, tier: string): Constraints {
  const scoped = setting.scopedConstraints;
  return mergeConstraints(
    setting.constraints,
    Object.hasOwn(scoped, tier) ? scoped[tier] : undefined,
    Object.hasOwn(scoped, environment) ? scoped[environment] : undefined,
  );
}

function hasAnyKey(record: object): boolean {
  for (const key in record) if (Object.hasOwn(record, key)) return true;
  return false;
}
