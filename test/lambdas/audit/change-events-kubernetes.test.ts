/**
 * Kubernetes writes, reported by the cluster's audit log through the forwarder, lead to a targeted
 * run of the environment whose cluster source declares the object: its cluster is re-read (the live
 * state keeps no Kubernetes object to build on), other environments are not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeBatchEvent, ChangeBatchResult } from '../../../lambdas/audit/change-batch.js';
import type { AuditDependencies } from '../../../lambdas/audit/run-audit.js';
import { startEksEndpoint, type EksEndpoint } from '../sources/eks/eks-endpoint.js';
import { fixtureObjects } from '../sources/eks/kube-fixtures.js';
import { kubernetesChangeMessage, parameterStoreEvent, sqsBatch } from '../../support/change-events.js';
import { startKubeServer, TEST_CA_PEM, type KubeFixtureObject, type KubeServer } from '../../support/kube-server.js';
import { LIVE_BASELINE_YAML } from '../../support/live-estate.js';
import { alertedTransitions, invokeAudit, invokeChangeBatch, rigDependencies, startAuditRig, type AuditRig } from './audit-rig.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';

describe('change events: Kubernetes writes', () => {
  let rig: AuditRig;
  let kube: KubeServer;
  let eks: EksEndpoint;
  let deps: AuditDependencies;
  const objects: KubeFixtureObject[] = fixtureObjects();
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') };

  const deliver = (batch: ChangeBatchEvent, at: string): Promise<ChangeBatchResult> => invokeChangeBatch(deps, clock, batch, at);

  /** The api-server Deployment's app container env, as the fixture serves it (mutable: the server reads it per request). */
  function appEnv(): { name: string; value?: string }[] {
    const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'api-server') as unknown as {
      spec: { template: { spec: { containers: { name: string; env: { name: string; value?: string }[] }[] } } };
    };
    const app = deployment.spec.template.spec.containers.find((container) => container.name === 'app');
    if (app === undefined) throw new Error('fixture changed: no app container in deployment/api-server');
    return app.env;
  }

  beforeAll(async () => {
    kube = await startKubeServer({ objects, acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
    rig = await startAuditRig(
      [
        { name: '/production-eu/api/payment/timeout', value: '60' },
        { name: '/production-eu/api/payment/gateway_url', value: 'https://api.payment-provider.com' },
      ],
      eks.url,
    );
    rig.ssm.put('us-east-1', { name: '/staging-us/api/payment/timeout', value: '30' });
    rig.ssm.put('us-east-1', { name: '/staging-us/api/payment/gateway_url', value: 'https://api.payment-provider.com' });
    rig.ssm.put('us-east-1', { name: '/staging-us/api/inventory/service_url', value: 'https://inventory.internal' });
    await rig.uploadBaseline(LIVE_BASELINE_YAML);
    deps = rigDependencies(rig, { clock });
    const sweep = await invokeAudit(deps, clock, '2026-11-23T10:00:00Z');
    expect(sweep.kind === 'recorded' && sweep.transitions.map((t) => `${t.kind} ${t.finding.environment} ${t.finding.key}`)).toContain(
      'opened production-eu DB_TIMEOUT',
    );
  });

  afterAll(async () => {
    await Promise.all([rig?.close(), kube?.close(), eks?.close()]);
  });

  it('a write to a declared Deployment re-reads that environment alone and resolves what the write fixed', async () => {
    const entry = appEnv().find((variable) => variable.name === 'DB_TIMEOUT');
    if (entry === undefined) throw new Error('fixture changed: no DB_TIMEOUT');
    entry.value = '10s';
    const before = alertedTransitions(rig.sns, TOPIC).length;
    rig.ssm.clearRequests();
    const listsBefore = kube.requests.length;

    const { outcome, response } = await deliver(
      sqsBatch([
        kubernetesChangeMessage({
          cluster: 'prod-eu',
          region: 'eu-west-1',
          resource: 'deployments',
          namespace: 'api',
          name: 'api-server',
          verb: 'patch',
          user: 'bob',
        }),
      ]),
      '2026-11-23T10:05:00Z',
    );

    expect(response.batchItemFailures).toEqual([]);
    expect(outcome?.kind === 'recorded' && outcome.transitions.map((t) => `${t.kind} ${t.finding.environment} ${t.finding.key}`)).toEqual([
      'resolved production-eu DB_TIMEOUT',
    ]);
    expect(alertedTransitions(rig.sns, TOPIC).slice(before)).toEqual(['resolved DB_TIMEOUT']);
    // The cluster was listed again; staging's tree (us-east-1) was not read: its part came from the state.
    expect(kube.requests.length).toBeGreaterThan(listsBefore);
    expect(rig.ssm.requests.filter((request) => request.region === 'us-east-1')).toEqual([]);
  });

  it('a Parameter Store change in an environment with a cluster re-reads the cluster too, so every layer of the key is current', async () => {
    rig.ssm.put('eu-west-1', { name: '/production-eu/api/payment/timeout', value: '30' });
    const listsBefore = kube.requests.length;
    const { outcome } = await deliver(sqsBatch([parameterStoreEvent('/production-eu/api/payment/timeout')]), '2026-11-23T10:06:00Z');
    // The cronjob's ConfigMap value (30s) stays hidden by SSM: the shadowed note follows the new SSM value.
    expect(
      outcome?.kind === 'recorded' && outcome.transitions.map((t) => `${t.kind} ${t.finding.type} ${t.finding.environment} ${t.finding.key}`).sort(),
    ).toEqual(['changed shadowed production-eu PAYMENT_TIMEOUT', 'resolved changed production-eu PAYMENT_TIMEOUT']);
    expect(kube.requests.length).toBeGreaterThan(listsBefore);
  });

  it('a run for another environment reports on what it read: the cluster it did not read is no failed source', async () => {
    rig.ssm.put('us-east-1', { name: '/staging-us/api/payment/timeout', value: '45' });
    const listsBefore = kube.requests.length;
    const before = rig.sns.published.length;

    const { outcome } = await deliver(
      sqsBatch([parameterStoreEvent('/staging-us/api/payment/timeout', 'Update', { region: 'us-east-1' })]),
      '2026-11-23T10:06:30Z',
    );

    expect(outcome?.kind).toBe('recorded');
    if (outcome?.kind !== 'recorded') return;
    expect(outcome.transitions.map((t) => `${t.kind} ${t.finding.environment} ${t.finding.key}`)).toEqual(['opened staging-us PAYMENT_TIMEOUT']);
    expect(outcome.run.status).toBe('ok');
    expect(outcome.run.sources.map((source) => `${source.id} ${source.status}`)).toEqual(['ssm:us-east-1:/staging-us/api/ ok']);
    expect(outcome.result?.findings.every((finding) => finding.environment === 'staging-us' && finding.key === 'PAYMENT_TIMEOUT')).toBe(true);
    expect(kube.requests.length).toBe(listsBefore);
    const alert = rig.sns.published.slice(before).find((message) => message.topicArn === TOPIC);
    expect(alert?.subject).not.toContain('partial');
  });

  it('a write outside the declared namespaces or workloads leads to no run', async () => {
    const listsBefore = kube.requests.length;
    const { outcome, targets } = await deliver(
      sqsBatch([
        kubernetesChangeMessage({ cluster: 'prod-eu', resource: 'deployments', namespace: 'kube-system', name: 'coredns', verb: 'patch' }),
        kubernetesChangeMessage({ cluster: 'other-cluster', resource: 'deployments', namespace: 'api', name: 'api-server', verb: 'patch' }),
      ]),
      '2026-11-23T10:07:00Z',
    );
    expect(targets).toEqual([]);
    expect(outcome).toBeUndefined();
    expect(kube.requests.length).toBe(listsBefore);
  });
});
