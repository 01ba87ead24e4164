import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubeClient, type KubeApiCall, type KubeClientOptions } from '../../../../lambdas/sources/eks/kube-client.js';
import { KubeApiError } from '../../../../lambdas/sources/eks/kube-errors.js';
import { startFaultProxy, type FaultProxy } from '../../../support/fault-proxy.js';
import { OTHER_CA_PEM, startKubeServer, TEST_CA_PEM, type KubeServer } from '../../../support/kube-server.js';
import { fixtureObjects } from './kube-fixtures.js';

const TOKEN = 'k8s-aws-v1.test-token';

describe('Class: KubeClient', () => {
  let server: KubeServer;
  let client: KubeClient | undefined;
  const sleeps: number[] = [];
  const calls: KubeApiCall[] = [];

  beforeEach(async () => {
    server = await startKubeServer({ objects: fixtureObjects(), acceptToken: TOKEN });
    sleeps.length = 0;
    calls.length = 0;
  });

  afterEach(async () => {
    client?.close();
    client = undefined;
    await server.close();
  });

  function connect(overrides: Partial<KubeClientOptions> = {}): KubeClient {
    client = new KubeClient({
      cluster: 'prod-eu',
      server: server.url,
      ca: server.ca,
      token: () => TOKEN,
      pageSize: 1,
      // Instant, recorded waits: retries are asserted on what was asked, never on time.
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      onCall: (call) => calls.push(call),
      ...overrides,
    });
    return client;
  }

  describe('Method: list', () => {
    it('follows continue tokens over every page and fills in kind and apiVersion the list items lack', async () => {
      // Prepare
      const kube = connect({ pageSize: 2 });

      // Act
      const deployments = await kube.list('deployments', 'api');

      // Assess
      expect(deployments.map((d) => d.metadata.name)).toEqual(['api-server', 'api-worker', 'legacy-admin']);
      expect(deployments.every((d) => d.kind === 'Deployment' && d.apiVersion === 'apps/v1')).toBe(true);
      const pages = server.requests.filter((r) => r.resource === 'deployments');
      expect(pages).toHaveLength(2);
      expect(pages.map((p) => p.limit)).toEqual([2, 2]);
      expect(pages[0]?.continueToken).toBeUndefined();
      expect(pages[1]?.continueToken).toEqual(expect.any(String));
      expect(pages.every((p) => p.authorized)).toBe(true);
    });

    it('reads each kind from its API group: CronJobs from batch/v1, ConfigMaps from the core API', async () => {
      // Prepare
      const kube = connect();

      // Act
      const cronJobs = await kube.list('cronjobs', 'payments');
      const configMaps = await kube.list('configmaps', 'payments');

      // Assess
      expect(cronJobs.map((c) => [c.kind, c.apiVersion, c.metadata.name])).toEqual([['CronJob', 'batch/v1', 'payment-reconcile']]);
      expect(configMaps.map((c) => [c.kind, c.apiVersion, c.metadata.name])).toEqual([['ConfigMap', 'v1', 'payments-config']]);
      expect(server.requests.map((r) => r.path)).toEqual(['/apis/batch/v1/namespaces/payments/cronjobs', '/api/v1/namespaces/payments/configmaps']);
    });

    it('names the resource, namespace, cluster and the API message when RBAC forbids the list', async () => {
      // Prepare
      server.forbid({ namespace: 'payments', resource: 'deployments' });
      const kube = connect();

      // Act
      const attempt = kube.list('deployments', 'payments');

      // Assess
      await expect(attempt).rejects.toBeInstanceOf(KubeApiError);
      await expect(attempt).rejects.toMatchObject({
        code: 'access-denied',
        status: 403,
        message: expect.stringMatching(
          /^cannot list deployments in namespace payments of cluster prod-eu: 403 Forbidden \(deployments\.apps is forbidden: User ".*" cannot list resource "deployments"/,
        ),
      });
      expect(calls).toHaveLength(1); // 403 is final: no retry
    });

    it('reports a refused token as unauthorized without retrying', async () => {
      // Prepare
      const kube = connect({ token: () => 'k8s-aws-v1.not-the-right-one' });

      // Act
      const attempt = kube.list('deployments', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: 'unauthorized', status: 401, message: expect.stringContaining('401 Unauthorized') });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]?.authorized).toBe(false);
    });

    it('retries 429 honouring Retry-After, and counts the throttled attempts', async () => {
      // Prepare
      server.failNext(429, 2, { resource: 'configmaps', retryAfter: '3' });
      const kube = connect({ pageSize: 10 });

      // Act
      const configMaps = await kube.list('configmaps', 'api');

      // Assess
      expect(configMaps).toHaveLength(3);
      expect(sleeps).toEqual([3000, 3000]);
      expect(calls.map((c) => [c.status, c.throttled, c.attempt])).toEqual([
        [429, true, 1],
        [429, true, 2],
        [200, false, 3],
      ]);
    });

    it('backs off exponentially on 5xx without Retry-After, and gives up after the last attempt', async () => {
      // Prepare
      server.failNext(503, 10, { resource: 'statefulsets' });
      const kube = connect({ maxAttempts: 3, retryBaseMs: 100 });

      // Act
      const attempt = kube.list('statefulsets', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        code: 'server-error',
        status: 503,
        message: 'cannot list statefulsets in namespace api of cluster prod-eu: 503 Service Unavailable after 3 attempts (injected 503)',
      });
      expect(sleeps).toEqual([50, 100]); // full jitter at 0.5 of 100, 200
      expect(server.requests).toHaveLength(3);
    });

    it('restarts the list once when a continue token has expired (410 Gone), as kubectl does', async () => {
      // Prepare
      server.failNext(410, 1, { resource: 'deployments', continued: true });
      const kube = connect();

      // Act
      const deployments = await kube.list('deployments', 'api');

      // Assess
      expect(deployments.map((d) => d.metadata.name)).toEqual(['api-server', 'api-worker', 'legacy-admin']);
      expect(server.requests.map((r) => [r.status, r.continueToken === undefined])).toEqual([
        [200, true],
        [410, false],
        [200, true],
        [200, false],
        [200, false],
      ]);
    });

    it('refuses a server whose certificate does not chain to the cluster CA', async () => {
      // Prepare
      const kube = connect({ ca: OTHER_CA_PEM });

      // Act
      const attempt = kube.list('deployments', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        code: 'tls',
        message: expect.stringMatching(/^cannot list deployments in namespace api of cluster prod-eu: TLS verification of https:\/\/127\.0\.0\.1:\d+ failed/),
      });
      expect(server.requests).toHaveLength(0);
    });

    it('times out a response that does not come', async () => {
      // Prepare
      server.delay(5_000, { resource: 'daemonsets' });
      const kube = connect({ timeoutMs: 200 });

      // Act
      const attempt = kube.list('daemonsets', 'payments');

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: 'timeout', message: expect.stringContaining('within 200 ms') });
    });

    it('reports an API server that refuses connections as unreachable', async () => {
      // Prepare
      const url = server.url;
      await server.close();
      server = await startKubeServer({ objects: [], acceptToken: TOKEN });
      const kube = connect({ server: url });

      // Act
      const attempt = kube.list('deployments', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: 'unreachable', message: expect.stringContaining('unreachable (ECONNREFUSED)') });
    });

    it('stops when the caller aborts', async () => {
      // Prepare
      server.delay(5_000);
      const kube = connect();
      const controller = new AbortController();

      // Act
      const attempt = kube.list('deployments', 'api', controller.signal);
      setTimeout(() => controller.abort(), 50);

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: 'aborted' });
    });
  });

  describe('Method: list (through a faulty network)', () => {
    let proxy: FaultProxy;
    const certificate = (name: string): string => readFileSync(fileURLToPath(new URL(`../../../support/certs/${name}`, import.meta.url)), 'utf8');

    beforeEach(async () => {
      proxy = await startFaultProxy({ target: server.url, tls: { key: certificate('server.key'), cert: certificate('server.pem'), ca: TEST_CA_PEM } });
    });

    afterEach(async () => {
      await proxy.close();
    });

    it('ends a connection that goes silent after the headers at the idle timeout', async () => {
      // Prepare
      proxy.inject({ kind: 'stall' });
      const kube = connect({ server: proxy.url, timeoutMs: 5_000, idleTimeoutMs: 100, maxAttempts: 1 });

      // Act
      const attempt = kube.list('deployments', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({ code: 'timeout', message: expect.stringMatching(/was silent for 100 ms$/) });
    });

    it('ends a body dripped a byte at a time, never silent for long, at the request deadline', async () => {
      // Prepare: a byte every 20 ms keeps the 2 s idle timeout from ever firing
      proxy.inject({ kind: 'drip', intervalMs: 20 });
      const kube = connect({ server: proxy.url, timeoutMs: 300, idleTimeoutMs: 2_000, maxAttempts: 1 });

      // Act
      const attempt = kube.list('deployments', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        code: 'timeout',
        message: expect.stringMatching(/no complete answer from https:\/\/127\.0\.0\.1:\d+ within 300 ms$/),
      });
    });

    it('retries a reset connection and reports a reset, not an unreachable server, when every attempt is reset', async () => {
      // Prepare
      proxy.inject({ kind: 'reset' });
      const kube = connect({ server: proxy.url, maxAttempts: 3 });

      // Act
      const attempt = kube.list('deployments', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        code: 'connection-reset',
        message: expect.stringContaining('closed the connection before the answer was complete (ECONNRESET)'),
      });
      expect(proxy.exchanges).toHaveLength(3);
      expect(sleeps).toHaveLength(2);
    });

    it('treats an empty 200 answer as malformed, never as an empty namespace', async () => {
      // Prepare
      proxy.inject({ kind: 'empty' });
      const kube = connect({ server: proxy.url });

      // Act
      const attempt = kube.list('deployments', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        code: 'malformed-response',
        status: 200,
        message: 'cannot list deployments in namespace api of cluster prod-eu: HTTP 200 answer is not valid JSON',
      });
    });

    it('treats a list without its metadata as malformed, even with an items array', async () => {
      // Prepare: what a proxy that rewrote the body might leave
      proxy.inject({
        kind: 'answer',
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'DeploymentList', items: [] }),
      });
      const kube = connect({ server: proxy.url });

      // Act
      const attempt = kube.list('deployments', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        code: 'malformed-response',
        message: expect.stringContaining('is not a Kubernetes list (no list metadata)'),
      });
    });

    it('never quotes an error body that is not a Kubernetes Status', async () => {
      // Prepare: a gateway page that echoes what it was carrying
      proxy.inject({
        kind: 'answer',
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html>upstream sent {"data":{"DB_PASSWORD":"Pa55w0rd-echoed"}}</html>',
      });
      const kube = connect({ server: proxy.url, maxAttempts: 1 });

      // Act
      const attempt = kube.list('configmaps', 'api');

      // Assess
      await expect(attempt).rejects.toMatchObject({
        code: 'server-error',
        message: 'cannot list configmaps in namespace api of cluster prod-eu: 502 Bad Gateway',
      });
    });
  });
});
