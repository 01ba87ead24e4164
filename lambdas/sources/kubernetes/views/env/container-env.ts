import type { Observation } from '../../../../engine/model.js';
import { isSecretKey } from '../../../../engine/analyse/show-value.js';
import { detectSecret } from '../../../../engine/secrets/detect-secret.js';
import { expandEnvReferences } from '../../expand-env-references.js';
import type { FieldPathStep } from '../../managed-fields.js';
import { asArray, asRecord, asString } from '../../unknown-shape.js';
import type { SelectedContainer, SelectedWorkload, ViewScope } from '../workload-view.js';
import { type ConfigMapData, configMapObservation, observedLiteral } from './config-map-index.js';

/** What the env view reads with during one conversion. */
export interface EnvRunState {
  readonly scope: ViewScope;
  readonly configMaps: ReadonlyMap<string, ConfigMapData>;
  /** ConfigMaps found and read for the current workload. */
  readonly used: Set<ConfigMapData>;
}

/** One variable of a container's environment as the kubelet builds it: the value the process gets, and what it beat. */
interface EnvEntry {
  observation: Observation;
  readonly overridden: Observation[];
}

/**
 * A container's environment, built in the kubelet's order (pkg/kubelet makeEnvironmentVariables and
 * the Container API: "When a key exists in multiple sources, the value associated with the last source
 * will take precedence. Values defined by an Env with a duplicate key will take precedence."):
 * 1. every `envFrom` source in order, a later one replacing an earlier one's variable;
 * 2. every `env` entry in order, replacing whatever came before, its `value` expanded against the
 *    variables defined so far (see {@link expandEnvReferences}).
 * The process gets exactly one value per name: that one is observed as the container's, and the values
 * it replaced are observed with `overriddenBy` naming the rule, so the engine can show them but never
 * lets a baseline precedence pick them. ConfigMap values projected into env (envFrom,
 * configMapKeyRef) are part of the container's environment: layer `env`, revert target the ConfigMap key.
 */
export function observeContainerEnv(workload: SelectedWorkload, container: SelectedContainer, state: EnvRunState): Observation[] {
  const { object, ref } = workload;
  const { scope } = state;
  const { application, name: containerName, fieldPath } = container;
  const where = `${ref} container ${containerName} in namespace ${object.namespace}`;
  const location = `${ref} container ${containerName}`;
  const env = new Map<string, EnvEntry>();
  const define = (name: string, observation: Observation, rule: string): void => {
    const labelled = { ...observation, application };
    const seen = env.get(name);
    if (seen === undefined) {
      env.set(name, { observation: labelled, overridden: [] });
      return;
    }
    seen.overridden.unshift({ ...seen.observation, overriddenBy: rule });
    seen.observation = labelled;
  };

  for (const [index, item] of asArray(container.spec['envFrom']).entries()) {
    const entry = asRecord(item);
    const prefix = asString(entry?.['prefix']) ?? '';
    const secretRef = asRecord(entry?.['secretRef']);
    if (secretRef !== undefined) {
      scope.warn(`${where}: envFrom secret/${asString(secretRef['name']) ?? '?'} is not observed (its keys cannot be known without reading the Secret)`);
      continue;
    }
    const configMapRef = asRecord(entry?.['configMapRef']);
    const configMapName = asString(configMapRef?.['name']);
    if (configMapRef === undefined || !configMapName) {
      scope.warn(`${where}: envFrom[${index}] has neither a configMapRef nor a secretRef with a name; ignored`);
      continue;
    }
    const configMap = state.configMaps.get(`${object.namespace}/${configMapName}`);
    if (configMap === undefined) {
      if (configMapRef['optional'] !== true) scope.warn(`${where}: envFrom configmap/${configMapName} is not in the input; not observed`);
      continue;
    }
    state.used.add(configMap);
    for (const [dataKey, value] of configMap.data) {
      const name = `${prefix}${dataKey}`;
      define(
        name,
        configMapObservation(configMap, dataKey, name, value, 'env', `configmap/${configMapName} via envFrom of ${location}`, scope),
        `a later envFrom source (configmap/${configMapName}) of ${location} sets ${name}`,
      );
    }
  }

  for (const [index, item] of asArray(container.spec['env']).entries()) {
    const entry = asRecord(item);
    const variable = asString(entry?.['name']);
    if (entry === undefined || !variable) {
      scope.warn(`${where}: env[${index}] has no name; ignored`);
      continue;
    }
    const beats = env.has(variable) ? overrideRule(env.get(variable) as EnvEntry, variable, location) : '';
    const envPath: FieldPathStep[] = [...fieldPath, 'f:env', { name: variable }];
    const target = { kind: 'workload-env', namespace: object.namespace, workload: ref, container: containerName, variable } as const;
    const valueFrom = asRecord(entry['valueFrom']);
    if (valueFrom === undefined) {
      // `{ name: X }` without value sets X to the empty string in the container.
      const written = asString(entry['value']) ?? '';
      // A reference to a secret (a secretKeyRef, a secret-looking name, a secret-shaped value) is left
      // as written: the process gets the secret there, and what is compared and shown is the template
      // around it, `postgres://app:$(DB_PASSWORD)@db/app`, never the secret itself.
      const expanded = expandEnvReferences(written, (name) => {
        const defined = env.get(name)?.observation.value;
        const secretName = scope.options.secretKey ?? isSecretKey;
        if (defined?.kind !== 'plain' || secretName(name) || detectSecret(defined.value) !== undefined) return undefined;
        return defined.value;
      });
      define(
        variable,
        { key: variable, value: observedLiteral(expanded.value), provenance: { ...scope.provenance(object, 'env', location, envPath), target } },
        beats,
      );
      continue;
    }
    const secretRef = asRecord(valueFrom['secretKeyRef']);
    if (secretRef !== undefined) {
      const secretName = asString(secretRef['name']);
      const secretKey = asString(secretRef['key']);
      if (!secretName || !secretKey) {
        scope.warn(`${where}: ${variable} has a secretKeyRef without name or key; ignored`);
        continue;
      }
      define(
        variable,
        {
          key: variable,
          value: { kind: 'secret', ref: `secret/${secretName}#${secretKey}` },
          provenance: { ...scope.provenance(object, 'secret', location, envPath), target },
        },
        beats,
      );
      continue;
    }
    const configMapRef = asRecord(valueFrom['configMapKeyRef']);
    if (configMapRef !== undefined) {
      const observation = configMapKeyRefObservation(workload, configMapRef, variable, where, location, state);
      if (observation !== undefined) define(variable, observation, beats);
      continue;
    }
    if (valueFrom['fieldRef'] === undefined && valueFrom['resourceFieldRef'] === undefined) {
      scope.warn(`${where}: ${variable} has an unsupported valueFrom; ignored`);
      continue;
    }
    // fieldRef / resourceFieldRef are filled in at runtime (pod name, limits): not configuration, and
    // whatever envFrom set for the name never reaches the process.
    env.delete(variable);
  }

  return [...env.values()].flatMap((entry) => [entry.observation, ...entry.overridden]);
}

function overrideRule(previous: EnvEntry, variable: string, location: string): string {
  return previous.observation.provenance.layer === 'env' && previous.observation.provenance.target?.kind === 'workload-env'
    ? `a later env entry of ${location} sets ${variable} again`
    : `an env entry of ${location} beats envFrom for ${variable}`;
}

function configMapKeyRefObservation(
  workload: SelectedWorkload,
  reference: Readonly<Record<string, unknown>>,
  variable: string,
  where: string,
  location: string,
  state: EnvRunState,
): Observation | undefined {
  const { scope } = state;
  const configMapName = asString(reference['name']);
  const dataKey = asString(reference['key']);
  const optional = reference['optional'] === true;
  if (!configMapName || !dataKey) {
    scope.warn(`${where}: ${variable} has a configMapKeyRef without name or key; ignored`);
    return undefined;
  }
  const configMap = state.configMaps.get(`${workload.object.namespace}/${configMapName}`);
  if (configMap === undefined) {
    if (!optional) scope.warn(`${where}: ${variable} reads configmap/${configMapName}, which is not in the input; not observed`);
    return undefined;
  }
  state.used.add(configMap);
  const value = configMap.data.get(dataKey);
  if (value === undefined) {
    if (!optional) scope.warn(`${where}: ${variable} reads key ${dataKey} of configmap/${configMapName}, which has no such key; not observed`);
    return undefined;
  }
  return configMapObservation(configMap, dataKey, variable, value, 'env', `configmap/${configMapName} via ${location}`, scope);
}
