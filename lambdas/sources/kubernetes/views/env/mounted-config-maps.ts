import type { Observation } from '../../../../engine/model.js';
import { asArray, asRecord, asString } from '../../unknown-shape.js';
import type { SelectedContainer, SelectedWorkload } from '../workload-view.js';
import { configMapObservation } from './config-map-index.js';
import type { EnvRunState } from './container-env.js';

/**
 * ConfigMaps the container mounts (a `configMap` volume, or a `projected` one's configMap sources):
 * the application reads them itself, so each data key (or each listed item) is a `configmap` layer
 * observation of the container's application, ranked by the declared precedence like its SSM tree or
 * config file.
 */
export function observeMountedConfigMaps(workload: SelectedWorkload, container: SelectedContainer, state: EnvRunState): Observation[] {
  const { object, podSpec, ref } = workload;
  const out: Observation[] = [];
  const mounted = new Set(
    asArray(container.spec['volumeMounts'])
      .map((mount) => asString(asRecord(mount)?.['name']))
      .filter((name): name is string => name !== undefined),
  );
  if (mounted.size === 0) return out;
  const seen = new Set<string>();
  for (const item of asArray(podSpec['volumes'])) {
    const volume = asRecord(item);
    const volumeName = asString(volume?.['name']);
    if (volume === undefined || volumeName === undefined || !mounted.has(volumeName)) continue;
    const sources = [
      asRecord(volume['configMap']),
      ...asArray(asRecord(volume['projected'])?.['sources']).map((source) => asRecord(asRecord(source)?.['configMap'])),
    ];
    for (const source of sources) {
      const configMapName = asString(source?.['name']);
      if (source === undefined || !configMapName) continue;
      const configMap = state.configMaps.get(`${object.namespace}/${configMapName}`);
      if (configMap === undefined) {
        if (source['optional'] !== true) {
          state.scope.warn(
            `${ref} in namespace ${object.namespace}: volume ${volumeName} mounts configmap/${configMapName}, which is not in the input; not observed`,
          );
        }
        continue;
      }
      state.used.add(configMap);
      const items = asArray(source['items'])
        .map((entry) => asString(asRecord(entry)?.['key']))
        .filter((key): key is string => key !== undefined);
      const keys = items.length > 0 ? items : [...configMap.data.keys()];
      for (const dataKey of keys) {
        const value = configMap.data.get(dataKey);
        if (value === undefined || seen.has(`${configMapName}\u0000${dataKey}`)) continue;
        seen.add(`${configMapName}\u0000${dataKey}`);
        const observation = configMapObservation(configMap, dataKey, dataKey, value, 'configmap', `configmap/${configMapName}`, state.scope);
        out.push({ ...observation, application: container.application });
      }
    }
  }
  return out;
}
