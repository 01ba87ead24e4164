import type { ChangeAttribution, EnvironmentSpec, Finding, FindingType, Observation, Provenance, Severity } from '../../model.js';
import { attribute, describeChange } from '../attribution.js';
import type { EnvironmentContext } from '../environment-context.js';
import { findingId } from '../finding-id.js';
import type { SettingPlan } from '../setting-plan.js';

/**
 * What every key-level rule needs to build its finding. Built only once a rule has decided to
 * report, so a clean key never allocates one.
 */
export interface KeyContext {
  readonly env: EnvironmentContext;
  readonly key: string;
  /** The application whose key it is. */
  readonly application: string | undefined;
  /** Undefined for undeclared keys. */
  readonly plan: SettingPlan | undefined;
  /** Values are shown as `[secret]` and never compared. */
  readonly secret: boolean;
  /** The key's observations in resolution order, winner first, each attributed (outOfBand set). */
  readonly observations: readonly Observation[];
  readonly attribution: ChangeAttribution;
}

/** Builds a {@link KeyContext}, attributing every observation's provenance (new objects, input untouched). */
export function keyContext(
  env: EnvironmentContext,
  key: string,
  application: string | undefined,
  plan: SettingPlan | undefined,
  secret: boolean,
  ordered: readonly Observation[],
  attribution: ChangeAttribution,
): KeyContext {
  const observations = ordered.map((observation) => {
    const provenance = attribute(observation.provenance, attribution);
    return provenance === observation.provenance ? observation : { ...observation, provenance };
  });
  return { env, key, application, plan, secret, observations, attribution };
}

/** The fields every finding about an environment shares: id, type, severity, environment, tier, region, account, key. */
export function findingBase(
  type: FindingType,
  env: EnvironmentSpec,
  key: string,
  severity: Severity,
  application?: string,
  id: string = findingId(type, env.name, key, application),
): Pick<Finding, 'id' | 'type' | 'severity' | 'environment' | 'tier' | 'region' | 'account' | 'application' | 'key'> {
  return {
    id,
    type,
    severity,
    environment: env.name,
    tier: env.tier,
    ...(env.region === undefined ? {} : { region: env.region }),
    ...(env.account === undefined ? {} : { account: env.account }),
    ...(application === undefined ? {} : { application }),
    key,
  };
}

/** Provenance of every observation, winner first. */
export function provenanceOf(context: KeyContext): Provenance[] {
  return context.observations.map((observation) => observation.provenance);
}

/** The winning observation; callers only build a context for keys that have one. */
export function winnerOf(context: KeyContext): Observation {
  const winner = context.observations[0];
  if (winner === undefined) throw new Error(`internal: no observation of ${context.key} in ${context.env.spec.name}`);
  return winner;
}

/**
 * A value's place for messages: `ssm /production-us/api/DATABASE_POOL_SIZE`, `configmap api-config`,
 * `env deployment/api-server container app`.
 */
export function placeOf(provenance: Provenance): string {
  const prefix = `${provenance.layer}/`;
  const location = provenance.location.startsWith(prefix) ? provenance.location.slice(prefix.length) : provenance.location;
  return `${provenance.layer} ${location}`;
}

/** `; changed by kubectl-set outside the pipeline on 2026-08-14` or empty: appended to messages. */
export function changeSuffix(provenance: Provenance | undefined): string {
  const change = provenance === undefined ? undefined : describeChange(provenance);
  return change === undefined ? '' : `; ${change}`;
}
