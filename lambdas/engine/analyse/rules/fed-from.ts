import type { Finding, Observation } from '../../model.js';
import { nothingToAccept } from '../accept-fix.js';
import { attribute } from '../attribution.js';
import { valuesEqual } from '../compare-values.js';
import type { EnvironmentContext } from '../environment-context.js';
import { fedParameterIn, parameterKey } from '../fed-parameter.js';
import { revertFix } from '../revert-fix.js';
import type { SettingPlan } from '../setting-plan.js';
import { secretToken } from '../../secrets/compare-secrets.js';
import { ssmParameterIndex } from '../ssm-parameter-index.js';
import { changeSuffix, findingBase, placeOf, provenanceOf, type KeyContext } from './key-context.js';
import { shownObservation } from './shown-observation.js';

/** A `fed_from` env var and the parameter feeding it, both observed in one environment. */
export interface FedPair {
  /** The container's env var: the application's `env` layer observation from Kubernetes. */
  readonly variable: Observation;
  /** The parameter's observation, found by name in whichever tree holds it. */
  readonly parameter: Observation;
  /** The parameter's full name in this environment. */
  readonly name: string;
  /** The two values differ: the parameter changed and the env var was not given its new value. */
  readonly drifted: boolean;
}

/**
 * The fed pair of a `fed_from` setting in one environment, when both sides are observed and their
 * values can be compared: two plain values (type-aware, as the setting's `type` says), or two values
 * withheld for their secret shape by keyed fingerprint. A secret by source (a `secretKeyRef`, a
 * SecureString) has no value to compare: the `stale` rule judges it by times. Undefined also when the
 * parameter is absent here (its own tree reports it `missing` when declared) or the application sets
 * no such env var (it may read the key from a values file).
 */
export function fedPair(env: EnvironmentContext, plan: SettingPlan, observations: readonly Observation[]): FedPair | undefined {
  const fedFrom = plan.setting.fedFrom;
  if (fedFrom === undefined) return undefined;
  const resolved = fedParameterIn(fedFrom, env.spec, plan.application);
  if (resolved.kind !== 'parameter') return undefined;
  const variable = observations.find(
    (observation) => observation.provenance.layer === 'env' && observation.provenance.source === 'kubernetes' && observation.overriddenBy === undefined,
  );
  const parameter = ssmParameterIndex(env.observations).get(parameterKey(resolved.name));
  if (variable === undefined || parameter === undefined) return undefined;
  const drifted = differs(variable, parameter, plan);
  return drifted === undefined ? undefined : { variable, parameter, name: resolved.name, drifted };
}

/**
 * True when the parameter feeding a `fed_from` setting cannot be known here: it resolves to a name no
 * read tree holds while a source holding SSM parameters failed. The env var's value alone says nothing
 * then (it may lag the unread parameter, or be its value), so the key is as unknown as any key of the
 * failed source: no changed, no parity vote, the `source-error` only.
 */
export function feedUnread(env: EnvironmentContext, plan: SettingPlan): boolean {
  const fedFrom = plan.setting.fedFrom;
  if (fedFrom === undefined || env.complete) return false;
  const resolved = fedParameterIn(fedFrom, env.spec, plan.application);
  if (resolved.kind !== 'parameter' || ssmParameterIndex(env.observations).has(parameterKey(resolved.name))) return false;
  return env.sources.some((source) => source.status !== 'ok' && source.layers.includes('ssm'));
}

function differs(variable: Observation, parameter: Observation, plan: SettingPlan): boolean | undefined {
  if (variable.value.kind === 'plain' && parameter.value.kind === 'plain') {
    if (plan.secret) return undefined;
    return !valuesEqual(variable.value.value, parameter.value.value, plan.type);
  }
  const left = secretToken(variable);
  const right = secretToken(parameter);
  return left === undefined || right === undefined ? undefined : left !== right;
}

/**
 * `changed`, explained as a feed that did not follow: the parameter changed (when, by whom, to which
 * version) and the env var still holds the earlier value. Expected is the parameter's value, actual
 * the env var's (both `[secret]` for a secret). The revert gives the env var the parameter's value
 * (`kubectl set env`; for a secret, a summary: no value in a command); nothing to accept, since
 * copying a value into the baseline would not make the two agree.
 */
export function fedDriftFinding(context: KeyContext, pair: FedPair): Finding {
  const { env, key, plan, secret } = context;
  const variable = attributed(pair.variable, context);
  const parameter = attributed(pair.parameter, context);
  const actual = shownObservation(context, variable);
  const expected = shownObservation(context, parameter);
  const p = parameter.provenance;
  const details = [p.changedBy === undefined ? undefined : `by ${p.changedBy}`, p.version === undefined ? undefined : `version ${p.version}`].filter(
    (part): part is string => part !== undefined,
  );
  const change = `${p.changedAt === undefined ? 'which changed' : `which changed at ${p.changedAt}`}${details.length === 0 ? '' : ` (${details.join(', ')})`}`;
  const who = context.application === undefined ? '' : ` of ${context.application}`;
  const shown = secret ? '' : ` (${actual.text}; the parameter holds ${expected.text})`;
  const message = `${key}${who} in ${env.spec.name} is fed from SSM ${pair.name}, ${change}; the env var (${placeOf(variable.provenance)}) still holds the earlier value${shown}${changeSuffix(variable.provenance)}`;
  return {
    ...findingBase('changed', env.spec, key, plan?.severity ?? 'medium', context.application),
    expected,
    actual,
    message,
    provenance: [
      variable.provenance,
      parameter.provenance,
      ...provenanceOf(context).filter((item) => item.location !== variable.provenance.location && item.location !== parameter.provenance.location),
    ],
    fixes: {
      revert: revertFix(
        variable.provenance.target,
        { kind: 'set', value: parameter.value.kind === 'plain' ? parameter.value.value : '' },
        { key, environment: env.spec, secret: secret || parameter.value.kind === 'secret', provenance: variable.provenance },
      ),
      accept: nothingToAccept(
        `Nothing to accept: ${key} must follow SSM ${pair.name}; give the env var the parameter's value, or drop fed_from if it no longer feeds it`,
      ),
    },
  };
}

/** The observation with its change attributed (out of band or not), as every finding shows provenance. */
function attributed(observation: Observation, context: KeyContext): Observation {
  const provenance = attribute(observation.provenance, context.attribution);
  return provenance === observation.provenance ? observation : { ...observation, provenance };
}
