import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import type { Finding, Observation, Snapshot } from '../../../../lambdas/engine/model.js';
import { observePods } from '../../../../lambdas/sources/kubernetes/views/pods/observe-pods.js';
import { configMap, deployment, externalSecret, pod, replicaSet, secretProviderClass } from '../../../support/pod-objects.js';
import { baseline, environment, ssmValue } from './builders.js';

const NOW = new Date('2026-08-20T00:00:00Z');
const STARTED = '2026-08-10T08:00:00Z';
const env = environment('production-eu', 'production');

function audit(objects: readonly unknown[], observations: readonly Observation[] = []): Finding[] {
  const { pods } = observePods(objects, { namespaces: ['api'], cluster: 'prod-eu', region: 'eu-west-1' });
  const snapshot: Snapshot = {
    environment: 'production-eu',
    observations,
    images: [],
    sources: [{ id: 'eks:prod-eu/api', kind: 'eks', layers: ['env', 'configmap', 'secret'], status: 'ok', itemCount: 1 }],
    pods,
  };
  return analyse({
    baseline: baseline({ environments: [env], unmanaged: { policy: 'ignore', severity: 'low' } }),
    snapshots: [snapshot],
    now: NOW,
  }).findings.filter((finding) => finding.type === 'stale');
}

const dbPassword = { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } };

describe('Rule: stale', () => {
  it('reports pods that started before the SSM parameter behind their ExternalSecret changed, once for the workload', () => {
    // Prepare: both pods started on the 10th; the parameter was rotated on the 14th.
    const objects = [
      deployment('api', { revision: 3, env: [dbPassword] }),
      replicaSet('api', '7c9d', 3),
      pod('api', '7c9d', 'a', STARTED, { env: [dbPassword] }),
      pod('api', '7c9d', 'b', STARTED, { env: [dbPassword] }),
      ...externalSecret('db', 'password', '/production-eu/api/DB_PASSWORD'),
    ];
    const rotated = ssmValue('production-eu', 'DB_PASSWORD', '', { secure: true, changedAt: '2026-08-14T09:30:00Z', changedBy: 'arn:aws:iam::1:user/alice' });

    // Act
    const findings = audit(objects, [rotated]);

    // Assess
    expect(findings).toHaveLength(1);
    const [finding] = findings as [Finding];
    expect(finding.id).toBe('stale:production-eu:api:api/deployment/api:ssm:/production-eu/api/DB_PASSWORD');
    expect(finding.key).toBe('deployment/api');
    expect(finding.message).toContain(
      '2 pods of deployment/api in namespace api started before SSM parameter /production-eu/api/DB_PASSWORD changed at 2026-08-14T09:30:00Z',
    );
    expect(finding.message).toContain('DB_PASSWORD (secret/db#password via externalsecret/db-sync)');
    expect(finding.message).toContain('api-7c9d-a (started 2026-08-10T08:00:00Z)');
    expect(finding.fixes.revert?.command).toBe('kubectl -n api rollout restart deployment/api');
    expect(finding.provenance[0]?.location).toBe('/production-eu/api/DB_PASSWORD');
    expect(finding.provenance.slice(1).map((p) => p.location)).toEqual(['pod/api-7c9d-a', 'pod/api-7c9d-b']);
  });

  it('says nothing when the pods started after the parameter changed', () => {
    const objects = [
      deployment('api', { revision: 3, env: [dbPassword] }),
      replicaSet('api', '7c9d', 3),
      pod('api', '7c9d', 'a', '2026-08-15T00:00:00Z', { env: [dbPassword] }),
      ...externalSecret('db', 'password', '/production-eu/api/DB_PASSWORD'),
    ];
    const rotated = ssmValue('production-eu', 'DB_PASSWORD', '', { secure: true, changedAt: '2026-08-14T09:30:00Z' });
    expect(audit(objects, [rotated])).toEqual([]);
  });

  it('follows a Secrets Store CSI SecretProviderClass synced to the Secret the env reads', () => {
    const objects = [
      deployment('api', { revision: 3, env: [dbPassword] }),
      replicaSet('api', '7c9d', 3),
      pod('api', '7c9d', 'a', STARTED, { env: [dbPassword] }),
      secretProviderClass('db', 'password', '/production-eu/api/DB_PASSWORD', 'db-password'),
    ];
    const rotated = ssmValue('production-eu', 'DB_PASSWORD', '', { secure: true, changedAt: '2026-08-14T09:30:00Z' });
    const [finding] = audit(objects, [rotated]);
    expect(finding?.message).toContain('via secretproviderclass/db-csi');
  });

  it('reports pods that started before the ConfigMap key their env reads changed, with who changed it', () => {
    const envFrom = [{ configMapRef: { name: 'api-config' } }];
    const objects = [
      deployment('api', { revision: 3, envFrom }),
      replicaSet('api', '7c9d', 3),
      pod('api', '7c9d', 'a', STARTED, { envFrom }),
      configMap('api-config', { DB_TIMEOUT: '30', LOG_LEVEL: 'warn' }, 'kubectl-edit', '2026-08-14T10:00:00Z'),
    ];
    const [finding, ...rest] = audit(objects);
    expect(rest).toEqual([]);
    expect(finding?.id).toBe('stale:production-eu:api:api/deployment/api:configmap/api-config');
    expect(finding?.message).toContain(
      'started before configmap/api-config changed at 2026-08-14T10:00:00Z (changed by kubectl-edit outside the pipeline on 2026-08-14)',
    );
    expect(finding?.message).toContain('DB_TIMEOUT, LOG_LEVEL still hold the earlier value');
    expect(finding?.provenance[0]).toMatchObject({ location: 'configmap/api-config', changedBy: 'kubectl-edit', outOfBand: true });
  });

  it('judges a ConfigMap key by its change time only when that time can only mean a key the pod reads changed', () => {
    // Prepare: the pods read DB_TIMEOUT alone (configMapKeyRef) and started on the 10th; on the 14th
    // the manager owning DB_TIMEOUT wrote the ConfigMap.
    const env = [{ name: 'DB_TIMEOUT', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'DB_TIMEOUT' } } }];
    const workload = [deployment('api', { revision: 3, env }), replicaSet('api', '7c9d', 3), pod('api', '7c9d', 'a', STARTED, { env })];
    const patched = configMap('api-config', { DB_TIMEOUT: '60' }, 'kubectl-patch', '2026-08-14T10:00:00Z');
    const chart = configMap('api-config', { DB_TIMEOUT: '30', UNRELATED: 'b' }, 'helm', '2026-08-14T10:00:00Z');
    const labelled = configMap('api-config', { DB_TIMEOUT: '30' }, 'helm', '2026-08-14T10:00:00Z');
    const entry = (labelled['metadata'] as { managedFields: { fieldsV1: Record<string, unknown> }[] }).managedFields[0];
    if (entry !== undefined) entry.fieldsV1['f:metadata'] = { 'f:labels': { 'f:chart': {} } };

    // Act + Assess: a manager owning DB_TIMEOUT alone changed it: the pod is stale.
    expect(audit([...workload, patched]).map((finding) => finding.id)).toEqual(['stale:production-eu:api:api/deployment/api:configmap/api-config']);
    // A chart owning another key too, or the chart's labels, may have changed only those: nothing can be said.
    expect(audit([...workload, chart])).toEqual([]);
    expect(audit([...workload, labelled])).toEqual([]);
  });

  it('keeps silent about a mounted ConfigMap, which the kubelet refreshes, but not about a subPath mount of it', () => {
    const volumes = [{ name: 'config', configMap: { name: 'api-config' } }];
    const cm = configMap('api-config', { 'app.yaml': 'timeout: 30' }, 'kubectl-edit', '2026-08-14T10:00:00Z');
    const mounted = [{ name: 'config', mountPath: '/etc/api' }];
    const silent = audit([
      deployment('api', { revision: 3 }),
      replicaSet('api', '7c9d', 3),
      pod('api', '7c9d', 'a', STARTED, { volumes, mounts: mounted }),
      cm,
    ]);
    expect(silent).toEqual([]);

    const subPath = [{ name: 'config', mountPath: '/etc/api/app.yaml', subPath: 'app.yaml' }];
    const [finding] = audit([
      deployment('api', { revision: 3 }),
      replicaSet('api', '7c9d', 3),
      pod('api', '7c9d', 'a', STARTED, { volumes, mounts: subPath }),
      cm,
    ]);
    expect(finding?.message).toContain('/etc/api/app.yaml still holds the earlier value');
  });

  it('reports pods of an older template once the rollout is over, with both revision ids', () => {
    const objects = [deployment('api', { revision: 4 }), replicaSet('api', '5d4f', 3), replicaSet('api', '7c9d', 4), pod('api', '5d4f', 'a', STARTED)];
    const [finding, ...rest] = audit(objects);
    expect(rest).toEqual([]);
    expect(finding?.id).toBe('stale:production-eu:api:api/deployment/api:template');
    expect(finding?.expected?.text).toBe('pod-template-hash=7c9d (replicaset api-7c9d, revision 4)');
    expect(finding?.actual?.text).toBe('pod-template-hash=5d4f');
  });

  it('never calls a pod old when its ReplicaSet is newer than the Deployment as listed, or was not listed at all', () => {
    // Prepare: the Deployment was listed at revision 4 just before a rollout to revision 5 began; the
    // Pods and ReplicaSets were listed a moment later (the lists are not one snapshot).
    const newer = [deployment('api', { revision: 4 }), replicaSet('api', '7c9d', 4), replicaSet('api', '9e1a', 5), pod('api', '9e1a', 'a', STARTED)];
    const unlisted = [deployment('api', { revision: 4 }), replicaSet('api', '7c9d', 4), pod('api', '9e1a', 'a', STARTED)];

    // Act + Assess
    expect(audit(newer)).toEqual([]);
    expect(audit(unlisted)).toEqual([]);
  });

  it('says nothing of old pods while a rollout replaces them, and names a stalled rollout', () => {
    const old = (rollout: 'rolling' | 'unobserved' | 'stalled') => [
      deployment('api', { revision: 4, rollout }),
      replicaSet('api', '5d4f', 3),
      replicaSet('api', '7c9d', 4),
      pod('api', '5d4f', 'a', STARTED),
      pod('api', '7c9d', 'b', '2026-08-19T23:59:00Z'),
    ];
    expect(audit(old('rolling'))).toEqual([]);
    expect(audit(old('unobserved'))).toEqual([]);
    const [stalled] = audit(old('stalled'));
    expect(stalled?.message).toContain('exceeded its progress deadline');
    expect(stalled?.message).toContain('1 pod of deployment/api');
  });

  it('gives the same id and values on the next run, whichever stale pods are still there', () => {
    const envFrom = [{ configMapRef: { name: 'api-config' } }];
    const cm = configMap('api-config', { DB_TIMEOUT: '30' }, 'helm', '2026-08-14T10:00:00Z');
    const base = [deployment('api', { revision: 3, envFrom }), replicaSet('api', '7c9d', 3), cm];
    const [before] = audit([...base, pod('api', '7c9d', 'a', STARTED, { envFrom }), pod('api', '7c9d', 'b', STARTED, { envFrom })]);
    const [after] = audit([...base, pod('api', '7c9d', 'b', STARTED, { envFrom })]);
    expect([after?.id, after?.expected, after?.actual]).toEqual([before?.id, before?.expected, before?.actual]);
  });
});
