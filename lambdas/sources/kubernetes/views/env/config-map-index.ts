import type { ObservedValue, Observation, SourceLayer } from '../../../../engine/model.js';
import { REDACTED_VALUE } from '../../../ssm/ssm-observations.js';
import { asRecord } from '../../unknown-shape.js';
import type { KubeRecord, ViewScope } from '../workload-view.js';

/** A ConfigMap's string data, by key. */
export interface ConfigMapData {
  readonly object: KubeRecord;
  readonly data: ReadonlyMap<string, string>;
}

/** The ConfigMaps of the input by `namespace/name`; a non-string data value is a warning. */
export function indexConfigMaps(scope: ViewScope): Map<string, ConfigMapData> {
  const index = new Map<string, ConfigMapData>();
  for (const object of scope.objects) {
    if (object.kind !== 'ConfigMap') continue;
    const data = new Map<string, string>();
    for (const [key, value] of Object.entries(asRecord(object.raw['data']) ?? {})) {
      if (typeof value === 'string') data.set(key, value);
      else scope.warn(`configmap/${object.name} in namespace ${object.namespace}: data key ${key} is not a string; ignored`);
    }
    index.set(`${object.namespace}/${object.name}`, { object, data });
  }
  return index;
}

/** One ConfigMap data key as an observation of `key`, its revert target the ConfigMap key. */
export function configMapObservation(
  configMap: ConfigMapData,
  dataKey: string,
  key: string,
  value: string,
  layer: SourceLayer,
  location: string,
  scope: ViewScope,
): Observation {
  const { object } = configMap;
  return {
    key,
    value: observedLiteral(value),
    provenance: {
      ...scope.provenance(object, layer, location, ['f:data', `f:${dataKey}`]),
      target: { kind: 'configmap-key', namespace: object.namespace, configMap: object.name, dataKey },
    },
  };
}

/**
 * A literal value as observed. The marker `drift-audit snapshot` writes in place of a secret value
 * reads back as a present secret, never as the marker text, so an old snapshot cannot compare it.
 */
export function observedLiteral(value: string): ObservedValue {
  return value === REDACTED_VALUE ? { kind: 'secret' } : { kind: 'plain', value };
}
