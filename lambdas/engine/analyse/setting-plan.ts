import type { Baseline, Constraints, Observation, SettingSpec, Severity } from '../model.js';
import { compileConstraints, hasNoConstraints, mergeConstraints, NO_CONSTRAINTS, type ConstraintChecker } from './check-constraints.js';
import type { ValueType } from './compare-values.js';
import type { EnvironmentContext } from './environment-context.js';
import { resolveExpected } from './expected-value.js';
import { compileIgnore, type IgnoreMatcher } from './ignore-matcher.js';
import { isSecretKey } from './show-value.js';
import { settingIsSecret } from '../secrets/setting-secrecy.js';
import { WORKLOAD_KEY_PREFIX } from './workload-keys.js';

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
  /**
   * True for a key no setting declares, compiled because the baseline's contract (`unmanaged:
   * compare`) says it must be identical across environments: it is judged by parity only.
   */
  readonly implicit: boolean;
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
  /** Application -> key -> plan: what grouping observations looks up. */
  readonly byApplication: ReadonlyMap<string | undefined, ReadonlyMap<string, SettingPlan>>;
  /** In baseline order. */
  readonly list: readonly SettingPlan[];
  readonly parity: readonly SettingPlan[];
}

/**
 * Compiles the settings of an audit, once per application each holds for:
 * - a setting under `applications.<name>.settings` holds for that application;
 * - a shared setting holds for its `applications`, else for every declared application and every
 *   application that reads the key somewhere (an application's own setting of the key wins), else
 *   (nobody declares or reads it) once, for no application;
 * - under `unmanaged: compare` / `compare-tier`, every key read by an application and declared by no
 *   setting is compiled as an implicit setting with no value that the environments must agree on
 *   (workload shape `k8s:` keys within each tier only, under `report` too: every workload has a shape,
 *   so a shape key is never `unmanaged`).
 *
 * Plans for what is declared up front are made here; plans that depend on who reads a key are made
 * while observations are grouped ({@link PlanBuilder.resolve}), so the audit needs no extra pass over
 * a million observations to find out. {@link PlanBuilder.finish} then adds shared settings nobody read.
 */
export function startPlans(baseline: Baseline): PlanBuilder {
  const builder = new PlanBuilder(baseline);
  const declaredApplications = [...(baseline.applications?.keys() ?? [])];
  for (const application of baseline.applications?.values() ?? []) {
    for (const [key, setting] of application.settings) builder.add(key, application.name, setting, false);
  }
  for (const [key, setting] of baseline.settings) {
    for (const application of setting.applications ?? declaredApplications) {
      if (baseline.applications?.get(application)?.settings.has(key) === true) continue;
      builder.add(key, application, setting, false);
    }
  }
  return builder;
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

/** Collects the plans of one audit; see {@link startPlans}. */
export class PlanBuilder {
  readonly #baseline: Baseline;
  readonly #compare: 'all' | 'tier' | undefined;
  readonly #ignore: IgnoreMatcher;
  /** Keys that have a plan for some application: `finish` adds a no-application plan for the rest. */
  readonly #plannedKeys = new Set<string>();
  readonly #byApplication = new Map<string | undefined, Map<string, SettingPlan>>();
  readonly #list: SettingPlan[] = [];
  readonly #parity: SettingPlan[] = [];

  constructor(baseline: Baseline) {
    this.#baseline = baseline;
    const policy = baseline.unmanaged.policy;
    this.#compare = policy === 'compare' ? 'all' : policy === 'compare-tier' ? 'tier' : undefined;
    this.#ignore = compileIgnore(baseline.ignore);
  }

  /** Application -> key -> plan, live: grouping looks observations up here as plans are added. */
  get byApplication(): ReadonlyMap<string | undefined, ReadonlyMap<string, SettingPlan>> {
    return this.#byApplication;
  }

  /**
   * The plan for an observed key of an application that has none yet: the shared setting of the key
   * when it holds for every application, else (under the contract) an implicit one; undefined when
   * the key is undeclared and reported (or ignored) as such.
   */
  resolve(application: string | undefined, key: string): SettingPlan | undefined {
    const shared = this.#baseline.settings.get(key);
    if (shared !== undefined && shared.applications === undefined) return this.add(key, application, shared, false);
    // Workload shape differs by tier by design (staging 1 replica, production 10); production regions
    // must agree. Every workload has a shape, so an undeclared shape key is never `unmanaged` either.
    const shape = key.startsWith(WORKLOAD_KEY_PREFIX) && this.#baseline.unmanaged.policy !== 'ignore';
    if ((this.#compare === undefined && !shape) || this.#ignore.ignores(key, application)) return undefined;
    return this.add(key, application, implicitSetting(key, application, shape ? 'tier' : (this.#compare ?? 'tier')), true);
  }

  /**
   * The plans, after adding every shared setting no application declared or read, for no application
   * (so it is reported missing), but for a key the contract alone declares: it says how environments
   * may differ, and an estate where nothing reads it has nothing to differ.
   */
  finish(): SettingPlans {
    for (const [key, setting] of this.#baseline.settings) {
      if (setting.applications !== undefined || setting.contractOnly === true) continue;
      if (!this.#plannedKeys.has(key)) this.add(key, undefined, setting, false);
    }
    return this.plans();
  }

  add(key: string, application: string | undefined, setting: SettingSpec, implicit: boolean): SettingPlan {
    const existing = this.#byApplication.get(application)?.get(key);
    if (existing !== undefined) return existing;
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
      implicit,
      setting,
      secret: settingIsSecret(key, setting),
      severity: implicit ? this.#baseline.unmanaged.severity : (setting.severity ?? this.#baseline.defaultSeverity),
      type: setting.constraints.type,
      expectedByEnv,
      uniformExpected,
      paritySlots: needsParity ? new Array<Observation | typeof BLOCKED | undefined>(envCount) : undefined,
      invalidEnvs: undefined,
      checkers: undefined,
    };
    this.#plannedKeys.add(key);
    let keys = this.#byApplication.get(application);
    if (keys === undefined) {
      keys = new Map();
      this.#byApplication.set(application, keys);
    }
    keys.set(key, plan);
    this.#list.push(plan);
    if (needsParity) this.#parity.push(plan);
    return plan;
  }

  plans(): SettingPlans {
    return { byApplication: this.#byApplication, list: this.#list, parity: this.#parity };
  }
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
