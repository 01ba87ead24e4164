import type { Baseline, Constraints, Observation, SettingSpec, Severity, Snapshot } from '../model.js';
import { compileConstraints, hasNoConstraints, mergeConstraints, NO_CONSTRAINTS, type ConstraintChecker } from './check-constraints.js';
import type { ValueType } from './compare-values.js';
import type { EnvironmentContext } from './environment-context.js';
import { resolveExpected } from './expected-value.js';
import { compileIgnore } from './ignore-matcher.js';
import { isSecretKey } from './show-value.js';

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
  /** The application whose key this is; undefined for a key of no one application. */
  readonly application: string | undefined;
  /** `application` + key: the identity observations are grouped by (see {@link scopedKey}). */
  readonly scoped: string;
  /**
   * True for a key no setting declares, compiled because the baseline's contract (`unmanaged:
   * compare`) says it must be identical across environments: it is judged by parity only.
   */
  readonly implicit: boolean;
  readonly setting: SettingSpec;
  /**
   * Never compared by value, never shown: the setting's own `secret` (the parser made a secret-looking
   * name secret unless the setting says `secret: false`).
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
  /** By {@link scopedKey}. */
  readonly byKey: ReadonlyMap<string, SettingPlan>;
  /** In baseline order. */
  readonly list: readonly SettingPlan[];
  readonly parity: readonly SettingPlan[];
}

/**
 * The identity of a key within its application. Keys of no application keep their bare name, so an
 * estate whose sources name no application costs nothing extra.
 */
export function scopedKey(application: string | undefined, key: string): string {
  return application === undefined ? key : `${application}\u0000${key}`;
}

/**
 * Compiles every setting against every declared environment, once per application it holds for:
 * - a setting under `applications.<name>.settings` holds for that application;
 * - a shared setting holds for its `applications`, else for every declared application and every
 *   application that reads the key somewhere (an application's own setting of the key wins), else
 *   (nobody declares or reads it) once, for no application;
 * - under `unmanaged: compare` / `compare-tier`, every key read by an application and declared by no
 *   setting is compiled as an implicit setting with no value that the environments must agree on.
 */
export function buildPlans(baseline: Baseline, snapshots: readonly Snapshot[]): SettingPlans {
  const observed = observedScopes(snapshots);
  const declaredApplications = [...(baseline.applications?.keys() ?? [])];
  const builder = new PlanBuilder(baseline);
  for (const application of baseline.applications?.values() ?? []) {
    for (const [key, setting] of application.settings) builder.add(key, application.name, setting, false);
  }
  for (const [key, setting] of baseline.settings) {
    const readers = observed.get(key);
    const scope = new Set<string | undefined>(setting.applications ?? [...declaredApplications, ...(readers ?? [])]);
    if (scope.size === 0) scope.add(undefined);
    for (const application of [...scope].sort(compareScope)) {
      if (baseline.applications?.get(application ?? '')?.settings.has(key) === true) continue;
      builder.add(key, application, setting, false);
    }
  }
  const policy = baseline.unmanaged.policy;
  if (policy === 'compare' || policy === 'compare-tier') {
    const parity = policy === 'compare' ? 'all' : 'tier';
    const ignore = compileIgnore(baseline.ignore);
    for (const [key, readers] of [...observed].sort(([a], [b]) => compareScope(a, b))) {
      for (const application of [...readers].sort(compareScope)) {
        if (builder.has(application, key) || ignore.ignores(key, application)) continue;
        builder.add(key, application, implicitSetting(key, application, parity), true);
      }
    }
  }
  return builder.plans();
}

/** key -> applications reading it in any snapshot (undefined: an observation of no application). */
function observedScopes(snapshots: readonly Snapshot[]): Map<string, Set<string | undefined>> {
  const observed = new Map<string, Set<string | undefined>>();
  for (const snapshot of snapshots) {
    for (const observation of snapshot.observations) {
      const readers = observed.get(observation.key);
      if (readers === undefined) observed.set(observation.key, new Set([observation.application]));
      else readers.add(observation.application);
    }
  }
  return observed;
}

function implicitSetting(key: string, application: string | undefined, parity: 'all' | 'tier'): SettingSpec {
  return {
    key,
    ...(application === undefined ? {} : { application }),
    perEnvironment: {},
    perTier: {},
    constraints: {},
    scopedConstraints: {},
    secret: isSecretKey(key, undefined),
    required: false,
    parity,
  };
}

class PlanBuilder {
  readonly #baseline: Baseline;
  readonly #byKey = new Map<string, SettingPlan>();
  readonly #list: SettingPlan[] = [];
  readonly #parity: SettingPlan[] = [];

  constructor(baseline: Baseline) {
    this.#baseline = baseline;
  }

  has(application: string | undefined, key: string): boolean {
    return this.#byKey.has(scopedKey(application, key));
  }

  add(key: string, application: string | undefined, setting: SettingSpec, implicit: boolean): void {
    const scoped = scopedKey(application, key);
    if (this.#byKey.has(scoped)) return;
    const environments = this.#baseline.environments;
    const envCount = environments.length;
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
      index: this.#list.length,
      key,
      application,
      scoped,
      implicit,
      setting,
      secret: isSecretKey(key, setting),
      severity: implicit ? this.#baseline.unmanaged.severity : (setting.severity ?? this.#baseline.defaultSeverity),
      type: setting.constraints.type,
      expectedByEnv,
      uniformExpected,
      paritySlots: needsParity ? new Array<Observation | typeof BLOCKED | undefined>(envCount) : undefined,
      invalidEnvs: undefined,
      checkers: undefined,
    };
    this.#byKey.set(scoped, plan);
    this.#list.push(plan);
    if (needsParity) this.#parity.push(plan);
  }

  plans(): SettingPlans {
    return { byKey: this.#byKey, list: this.#list, parity: this.#parity };
  }
}

function compareScope(a: string | undefined, b: string | undefined): number {
  const x = a ?? '';
  const y = b ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
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
