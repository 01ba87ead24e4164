import type { Observation } from '../../../../engine/model.js';
import type { KubeResourceType, WorkloadView } from '../workload-view.js';
import { indexConfigMaps } from './config-map-index.js';
import { type EnvRunState, observeContainerEnv } from './container-env.js';
import { observeMountedConfigMaps } from './mounted-config-maps.js';

const CONFIG_MAPS: KubeResourceType = { plural: 'configmaps', kind: 'ConfigMap', apiVersion: 'v1', base: '/api/v1', operation: 'ListConfigMaps' };

/**
 * Each running container's environment as the kubelet builds it (`env` layer, ConfigMap values
 * projected by envFrom and configMapKeyRef included; see {@link observeContainerEnv}), the keys of
 * ConfigMaps it mounts (`configmap` layer: the application reads them itself) and its secretKeyRefs
 * (`secret` layer, by name and key only: Secrets are never read, and Secret objects in the input are
 * ignored). Only ConfigMaps a selected workload references are observed, so cluster plumbing such as
 * `kube-root-ca.crt` is never reported; those it read are the workload's related objects.
 * Reverts: `workload-env` and `configmap-key` targets (built in `engine/analyse/revert-fix.ts`).
 */
export const envView: WorkloadView = {
  name: 'env',
  resources: [CONFIG_MAPS],
  // Env names, ConfigMap keys: anything outside the reserved `k8s:` namespace.
  revertTargets: [],
  keys: [{ pattern: /^(?!k8s:)/, examples: [] }],
  start(scope) {
    const configMaps = indexConfigMaps(scope);
    return {
      observe(workload) {
        const state: EnvRunState = { scope, configMaps, used: new Set() };
        const observations: Observation[] = [];
        for (const container of workload.containers) {
          if (!container.runs) continue;
          observations.push(...observeContainerEnv(workload, container, state), ...observeMountedConfigMaps(workload, container, state));
        }
        return { observations, related: [...state.used].map((configMap) => configMap.object) };
      },
    };
  },
};
