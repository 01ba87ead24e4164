import type { EnvironmentSpec, SettingSpec } from '../model.js';

/** Where an expected value was declared. */
export type ExpectedSource = 'environment' | 'tier' | 'shared' | 'undeclared';

/** The expected value of a setting in one environment and where it was declared. */
export interface ExpectedValue {
  /** `null`: must be absent here; `undefined`: nothing declared (parity decides). */
  readonly value: string | null | undefined;
  readonly from: ExpectedSource;
}

/**
 * `perEnvironment[env]` ?? `perTier[tier]` ?? the shared `value`: the most specific declaration wins,
 * and an explicit `null` (must be absent) is a declaration like any other.
 */
export function resolveExpected(setting: SettingSpec, environment: Pick<EnvironmentSpec, 'name' | 'tier'>): ExpectedValue {
  if (Object.hasOwn(setting.perEnvironment, environment.name)) {
    return { value: setting.perEnvironment[environment.name] ?? null, from: 'environment' };
  }
  if (Object.hasOwn(setting.perTier, environment.tier)) {
    return { value: setting.perTier[environment.tier] ?? null, from: 'tier' };
  }
  if (setting.value !== undefined) return { value: setting.value, from: 'shared' };
  return { value: undefined, from: 'undeclared' };
}
