import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsClientFactory } from '../../../../lambdas/sources/aws/aws-client-factory.js';
import { EksSource } from '../../../../lambdas/sources/eks/eks-source.js';
import { KUBE_RESOURCE_TYPES, WORKLOAD_VIEWS } from '../../../../lambdas/sources/kubernetes/views/registry.js';
import type { SelectedWorkload, WorkloadView } from '../../../../lambdas/sources/kubernetes/views/workload-view.js';
import { kubernetesObjectsToObservations } from '../../../../lambdas/sources/kubernetes/workload-observations.js';
import { type KubeFixtureObject, startKubeServer, TEST_CA_PEM } from '../../../support/kube-server.js';
import { startEksEndpoint } from '../eks/eks-endpoint.js';
import { CLUSTER, CREDENTIALS, REFERENCE_TOKEN, REGION, SIGNED_AT } from '../eks/kube-fixtures.js';

function deployment(name: string, podSpec: Record<string, unknown>): KubeFixtureObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'api', resourceVersion: '7' },
    spec: { replicas: 2, template: { metadata: { labels: { app: name } }, spec: podSpec } },
  };
}

const mountingApi = deployment('api-server', {
  containers: [{ name: 'app', image: 'api:1.0', volumeMounts: [{ name: 'settings', mountPath: '/etc/api' }] }],
  volumes: [{ name: 'settings', configMap: { name: 'api-files' } }],
});
const apiFiles: KubeFixtureObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'api-files', namespace: 'api' }, data: { 'app.yaml': 'x: 1' } };
const unrelated: KubeFixtureObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kube-root-ca.crt', namespace: 'api' }, data: { 'ca.crt': 'c' } };

describe('Workload views registry', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  describe('Function: kubernetesObjectsToObservations', () => {
    it('gives every selected workload to each view once, and returns its payload by view name and its related objects as used', () => {
      // Prepare: a view in the shape the pods view will have: it reads Pods and returns them as payload.
      const seen: SelectedWorkload[] = [];
      const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api-server-abc', namespace: 'api', labels: { app: 'api-server' } }, spec: {} };
      const podsView: WorkloadView = {
        name: 'pods',
        resources: [{ plural: 'pods', kind: 'Pod', apiVersion: 'v1', base: '/api/v1', operation: 'ListPods' }],
        keys: [],
        revertTargets: [],
        start: (scope) => ({
          observe(workload) {
            seen.push(workload);
            const pods = scope.objects.filter((object) => object.kind === 'Pod' && object.name.startsWith(`${workload.object.name}-`));
            return { payload: pods.map((object) => ({ pod: object.name })), related: pods };
          },
        }),
      };

      // Act
      const result = kubernetesObjectsToObservations([mountingApi, apiFiles, unrelated, pod], { namespaces: ['api'] }, [...WORKLOAD_VIEWS, podsView]);

      // Assess: the pod is its own workload kind too, so two workloads were given to the view.
      expect(seen.map((workload) => workload.ref).sort()).toEqual(['deployment/api-server', 'pod/api-server-abc']);
      expect(seen.find((workload) => workload.ref === 'deployment/api-server')).toMatchObject({
        application: 'api-server',
        defaultContainer: 'app',
        templatePath: ['spec', 'template'],
        containers: [{ name: 'app', runs: true, application: 'api-server' }],
      });
      expect(result.payloads).toEqual({ pods: [{ pod: 'api-server-abc' }] });
      expect(result.used).toContain(pod);
      expect(result.used).not.toContain(unrelated);
    });
  });

  describe('Constant: KUBE_RESOURCE_TYPES', () => {
    it('lists the workloads and every view’s resources once, and never Secrets', () => {
      const plurals = KUBE_RESOURCE_TYPES.map((type) => type.plural);
      expect(plurals).toEqual([...new Set(plurals)]);
      for (const view of WORKLOAD_VIEWS) for (const resource of view.resources) expect(plurals).toContain(resource.plural);
      expect(plurals).toEqual(expect.arrayContaining(['deployments', 'statefulsets', 'daemonsets', 'cronjobs', 'configmaps']));
      expect(plurals).not.toContain('secrets');
    });
  });

  describe('Class: EksSource', () => {
    it('keeps in the live snapshot the ConfigMap a workload mounts as a volume, and no unrelated one', async () => {
      // Prepare
      const kube = await startKubeServer({ objects: [mountingApi, apiFiles, unrelated], acceptToken: REFERENCE_TOKEN });
      cleanups.push(() => kube.close());
      const eks = await startEksEndpoint([{ name: CLUSTER, endpoint: kube.url, caPem: TEST_CA_PEM }]);
      cleanups.push(() => eks.close());
      const factory = new AwsClientFactory({
        overrides: { endpoint: eks.url, credentials: CREDENTIALS },
        retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      });
      cleanups.push(() => factory.destroy());
      const source = new EksSource({
        spec: { kind: 'eks', cluster: CLUSTER, namespaces: ['api'], workloads: [] },
        region: REGION,
        eks: factory.eks({ region: REGION }),
        clock: () => SIGNED_AT,
        kube: { timeoutMs: 2_000, sleep: async () => {} },
      });

      // Act
      const result = await source.read();

      // Assess: offline, the snapshot yields the same configmap-layer observation the live read did.
      expect(result.status.status).toBe('ok');
      expect(result.observations.filter((o) => o.provenance.layer !== 'workload').map((o) => `${o.provenance.layer} ${o.key}`)).toEqual(['configmap app.yaml']);
      expect(result.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Deployment/api-server', 'ConfigMap/api-files']);
    });
  });
});
