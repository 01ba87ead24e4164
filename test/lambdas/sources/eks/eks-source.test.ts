import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, describe, expect, it } from 'vitest';
import type { EksSourceSpec } from '../../../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../../../lambdas/sources/aws/aws-client-factory.js';
import { EksSource, type EksSourceOptions } from '../../../../lambdas/sources/eks/eks-source.js';
import { toKubectlList } from '../../../../lambdas/sources/eks/kubectl-list.js';
import { kubernetesObjectsToObservations } from '../../../../lambdas/sources/kubernetes/workload-observations.js';
import { OTHER_CA_PEM, startKubeServer, TEST_CA_PEM, type KubeServer } from '../../../support/kube-server.js';
import { startEksEndpoint, type EksEndpoint, type FakeCluster } from './eks-endpoint.js';
import { CLUSTER, CREDENTIALS, fixtureObjects, REFERENCE_TOKEN, REGION, SECRET_CANARY, SIGNED_AT } from './kube-fixtures.js';

const SPEC: EksSourceSpec = { kind: 'eks', cluster: CLUSTER, namespaces: ['api', 'payments'], workloads: [] };

describe('Class: EksSource', () => {
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A loopback cluster (HTTPS API accepting only the reference token) and a loopback EKS endpoint. */
  async function estate(options: { cluster?: Partial<FakeCluster>; acceptToken?: string } = {}): Promise<{
    kube: KubeServer;
    eks: EksEndpoint;
    factory: AwsClientFactory;
    source: (overrides?: Partial<EksSourceOptions>) => EksSource;
  }> {
    const kube = await startKubeServer({ objects: fixtureObjects(), acceptToken: options.acceptToken ?? REFERENCE_TOKEN });
    cleanups.push(() => kube.close());
    const eks = await startEksEndpoint([{ name: CLUSTER, endpoint: kube.url, caPem: TEST_CA_PEM, ...options.cluster }]);
    cleanups.push(() => eks.close());
    const factory = new AwsClientFactory({
      overrides: { endpoint: eks.url, credentials: CREDENTIALS },
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
    });
    cleanups.push(() => factory.destroy());
    const source = (overrides: Partial<EksSourceOptions> = {}): EksSource =>
      new EksSource({
        spec: SPEC,
        region: REGION,
        account: '111122223333',
        eks: factory.eks({ region: REGION }),
        counter: factory.counter,
        clock: () => SIGNED_AT,
        // A small page forces several pages per list; instant retries keep tests fast.
        kube: { pageSize: 1, timeoutMs: 2_000, sleep: async () => {} },
        ...overrides,
      });
    return { kube, eks, factory, source };
  }

  describe('Method: read', () => {
    it('reads every declared namespace over HTTPS with paging and yields env, ConfigMap, secret and image observations', async () => {
      // Prepare
      const { kube, eks, factory, source } = await estate();

      // Act
      const result = await source().read();

      // Assess
      expect(result.status).toMatchObject({ id: 'eks:prod-eu/api,payments', kind: 'eks', status: 'ok', layers: ['env', 'configmap', 'secret', 'workload'] });
      expect(result.status.itemCount).toBe(result.observations.length);
      expect(eks.described).toEqual([CLUSTER]);
      const dbTimeout = result.observations.find((o) => o.key === 'DB_TIMEOUT');
      expect(dbTimeout).toMatchObject({
        value: { kind: 'plain', value: '60s' },
        provenance: {
          source: 'kubernetes',
          layer: 'env',
          location: 'deployment/api-server container app',
          changedBy: 'kubectl-set',
          changedAt: '2026-08-14T02:13:00Z',
          region: REGION,
          account: '111122223333',
          cluster: CLUSTER,
          target: { kind: 'workload-env', namespace: 'api', workload: 'deployment/api-server', container: 'app', variable: 'DB_TIMEOUT' },
        },
      });
      // ConfigMap resolution: configMapKeyRef (LOG_LEVEL <- log-level) and envFrom (every key), both part of
      // the container's env, addressed to the ConfigMap key for reverts.
      const fromConfigMaps = result.observations
        .filter((o) => o.provenance.target?.kind === 'configmap-key' && o.overriddenBy === undefined)
        .map((o) => [o.key, o.value]);
      expect(fromConfigMaps).toEqual(
        expect.arrayContaining([
          ['LOG_LEVEL', { kind: 'plain', value: 'warn' }],
          ['DATABASE_POOL_SIZE', { kind: 'plain', value: '15' }],
          ['API_TIMEOUT', { kind: 'plain', value: '120' }],
          ['PAYMENT_MAX_RETRIES', { kind: 'plain', value: '3' }],
          ['PAYMENT_TIMEOUT', { kind: 'plain', value: '30s' }],
        ]),
      );
      expect(result.observations.find((o) => o.key === 'LOG_LEVEL')?.provenance).toMatchObject({
        layer: 'env',
        location: 'configmap/api-config via deployment/api-server container app',
        changedBy: 'helm',
      });
      // Workloads of every kind were read, with their image tags.
      expect(result.images.map((i) => `${i.namespace}/${i.workload}/${i.container}:${i.tag}`)).toEqual(
        expect.arrayContaining([
          'api/deployment/api-server/app:2.14.0',
          'api/statefulset/api-cache/redis:7.2.4',
          'payments/daemonset/log-shipper/fluent-bit:2.32.2',
          'payments/cronjob/payment-reconcile/reconcile:5.2.1',
        ]),
      );
      // Paging: three Deployments in `api` at one per page took three requests, the last two with continue.
      const apiDeployments = kube.requests.filter((r) => r.namespace === 'api' && r.resource === 'deployments');
      expect(apiDeployments.map((r) => r.continueToken === undefined)).toEqual([true, false, false]);
      expect(kube.requests.every((r) => r.authorized && r.status === 200)).toBe(true);
      // One pass per namespace: each kind listed, nothing else asked for.
      expect(new Set(kube.requests.map((r) => `${r.namespace}/${r.resource}`))).toEqual(
        new Set(
          ['api', 'payments'].flatMap((ns) =>
            [
              'deployments',
              'statefulsets',
              'daemonsets',
              'cronjobs',
              'configmaps',
              'horizontalpodautoscalers',
              'poddisruptionbudgets',
              'pods',
              'replicasets',
            ].map((r) => `${ns}/${r}`),
          ),
        ),
      );
      // Calls are counted per operation: DescribeCluster by region, Kubernetes lists by cluster.
      const stats = factory.counter.stats();
      expect(stats['eu-west-1:EKS.DescribeCluster']).toEqual({ calls: 1, throttled: 0 });
      expect(stats['prod-eu:k8s.ListDeployments']).toEqual({ calls: 4, throttled: 0 });
      expect(stats['prod-eu:k8s.ListConfigMaps']?.calls).toBe(kube.requests.filter((r) => r.resource === 'configmaps').length);
      expect(stats['prod-eu:k8s.ListHorizontalPodAutoscalers']).toEqual({ calls: 2, throttled: 0 });
      expect(stats['prod-eu:k8s.ListPodDisruptionBudgets']).toEqual({ calls: 2, throttled: 0 });
    });

    it('records secretKeyRef by name and key only and never asks the API for a Secret', async () => {
      // Prepare
      const { kube, source } = await estate();

      // Act
      const result = await source().read();

      // Assess
      expect(result.observations.find((o) => o.key === 'DB_PASSWORD')).toMatchObject({
        value: { kind: 'secret', ref: 'secret/api-secrets#db-password' },
        provenance: { layer: 'secret' },
      });
      expect(kube.requests.some((r) => r.resource === 'secrets' || r.path.includes('/secrets'))).toBe(false);
      expect(JSON.stringify(result)).not.toContain(SECRET_CANARY);
      expect(JSON.stringify(result)).not.toContain(Buffer.from(SECRET_CANARY).toString('base64'));
    });

    it('rides out a throttled list with a retry and counts the throttled attempt', async () => {
      // Prepare
      const { kube, factory, source } = await estate();
      kube.failNext(429, 1, { namespace: 'api', resource: 'configmaps', retryAfter: '1' });

      // Act
      const result = await source().read();

      // Assess
      expect(result.status.status).toBe('ok');
      expect(result.observations.find((o) => o.key === 'DATABASE_POOL_SIZE')?.value).toEqual({ kind: 'plain', value: '15' });
      const configMapCalls = kube.requests.filter((r) => r.resource === 'configmaps').length;
      expect(factory.counter.stats()['prod-eu:k8s.ListConfigMaps']).toEqual({ calls: configMapCalls, throttled: 1 });
    });

    it('stops and reports an aborted read when the caller aborts', async () => {
      // Prepare
      const { kube, source } = await estate();
      kube.delay(10_000, { namespace: 'api' });
      const controller = new AbortController();

      // Act
      const reading = source().read(controller.signal);
      setTimeout(() => controller.abort(), 100);
      const result = await reading;

      // Assess
      expect(result.status).toMatchObject({ status: 'error', error: { code: 'aborted' } });
      expect(result.observations).toEqual([]);
    });

    it('keeps only the declared workloads and the ConfigMaps they read, and its kubectl List audits offline to the same observations', async () => {
      // Prepare
      const { source } = await estate();
      const spec: EksSourceSpec = { ...SPEC, workloads: ['deployment/api-server', 'cj/payment-reconcile'] };

      // Act
      const result = await source({ spec }).read();
      const offline = kubernetesObjectsToObservations([JSON.parse(JSON.stringify(toKubectlList(result.objects)))], {
        namespaces: spec.namespaces,
        workloads: spec.workloads,
        region: REGION,
        account: '111122223333',
        cluster: CLUSTER,
      });

      // Assess
      expect(result.status.status).toBe('ok');
      expect(result.objects.map((o) => `${o.metadata.namespace}/${o.kind}/${o.metadata.name}`)).toEqual([
        'api/Deployment/api-server',
        'api/ConfigMap/api-config',
        'payments/CronJob/payment-reconcile',
        'payments/ConfigMap/payments-config',
      ]);
      expect(result.observations.some((o) => o.key === 'QUEUE_BATCH_SIZE' || o.key === 'ADMIN_MODE')).toBe(false);
      expect(result.objects.every((o) => Array.isArray(o.metadata.managedFields))).toBe(true);
      expect(offline.observations).toEqual(result.observations);
      expect(offline.images).toEqual(result.images);
    });

    it('becomes a source error naming the namespace when one namespace is forbidden, with no partial observations', async () => {
      // Prepare
      const { kube, source } = await estate();
      kube.forbid({ namespace: 'payments' });

      // Act
      const result = await source().read();

      // Assess
      expect(result.status.status).toBe('error');
      expect(result.status.error?.code).toBe('access-denied');
      expect(result.status.error?.message).toMatch(
        /^cannot list (deployments|statefulsets|daemonsets|cronjobs|configmaps) in namespace payments of cluster prod-eu: 403 Forbidden \(.* is forbidden: User ".*" cannot list resource/,
      );
      expect(result.observations).toEqual([]);
      expect(result.images).toEqual([]);
      expect(result.objects).toEqual([]);
      expect(result.status.itemCount).toBe(0);
    });

    it('becomes a source error when the API server certificate does not chain to the cluster CA', async () => {
      // Prepare
      const { kube, source } = await estate({ cluster: { caPem: OTHER_CA_PEM } });

      // Act
      const result = await source().read();

      // Assess
      expect(result.status).toMatchObject({ status: 'error', error: { code: 'tls' } });
      expect(result.status.error?.message).toMatch(
        /^cannot list \w+ in namespace api of cluster prod-eu: TLS verification of https:\/\/127\.0\.0\.1:\d+ failed .*is the cluster CA right\?$/,
      );
      expect(kube.requests).toHaveLength(0);
      expect(result.observations).toEqual([]);
    });

    it('becomes a source error when the cluster refuses the token', async () => {
      // Prepare: the cluster accepts the token signed at SIGNED_AT only; this source signs a minute later.
      const { kube, source } = await estate();

      // Act
      const result = await source({ clock: () => new Date(SIGNED_AT.getTime() + 60_000) }).read();

      // Assess
      expect(result.status).toMatchObject({ status: 'error', error: { code: 'unauthorized' } });
      expect(result.status.error?.message).toMatch(/^cannot list \w+ in namespace api of cluster prod-eu: 401 Unauthorized/);
      expect(kube.requests.length).toBeGreaterThan(0);
      expect(kube.requests.every((r) => !r.authorized)).toBe(true);
    });

    it('becomes a source error when DescribeCluster is denied, and never calls the Kubernetes API', async () => {
      // Prepare
      const { kube, eks, source } = await estate();
      eks.denyAccess();

      // Act
      const result = await source().read();

      // Assess
      expect(result.status).toMatchObject({ status: 'error', error: { code: 'access-denied' } });
      expect(result.status.error?.message).toMatch(
        /^cannot describe EKS cluster prod-eu in eu-west-1: AccessDeniedException: User: .* is not authorized to perform: eks:DescribeCluster/,
      );
      expect(kube.requests).toHaveLength(0);
    });

    it('becomes a source error when a namespace does not answer in time', async () => {
      // Prepare
      const { kube, source } = await estate();
      kube.delay(10_000, { namespace: 'payments', resource: 'cronjobs' });

      // Act
      const result = await source({ kube: { pageSize: 1, timeoutMs: 300, sleep: async () => {} } }).read();

      // Assess
      expect(result.status).toMatchObject({ status: 'error', error: { code: 'timeout' } });
      expect(result.status.error?.message).toBe(
        `cannot list cronjobs in namespace payments of cluster prod-eu: no complete answer from ${kube.url} within 300 ms`,
      );
      expect(result.observations).toEqual([]);
    });

    it('becomes a source error when the cluster endpoint is unreachable', async () => {
      // Prepare
      const { kube, source } = await estate();
      await kube.close();

      // Act
      const result = await source().read();

      // Assess
      expect(result.status).toMatchObject({ status: 'error', error: { code: 'unreachable' } });
      expect(result.status.error?.message).toContain(`API server ${kube.url} unreachable (ECONNREFUSED)`);
    });

    it('becomes a source error when the cluster has no endpoint yet', async () => {
      // Prepare
      const { source } = await estate({ cluster: { endpoint: '', status: 'CREATING' } });

      // Act
      const result = await source().read();

      // Assess
      expect(result.status.error).toEqual({
        code: 'unavailable',
        message: 'cannot read EKS cluster prod-eu in eu-west-1: it has no API endpoint yet (status CREATING)',
      });
    });

    it('uses an overridden API server URL and CA in place of what DescribeCluster returns', async () => {
      // Prepare
      const { kube, source } = await estate({ cluster: { endpoint: 'https://127.0.0.1:1', caPem: OTHER_CA_PEM } });

      // Act
      const result = await source({ apiServer: { url: kube.url, ca: TEST_CA_PEM } }).read();

      // Assess
      expect(result.status.status).toBe('ok');
      expect(result.observations.length).toBeGreaterThan(0);
    });
  });
});
