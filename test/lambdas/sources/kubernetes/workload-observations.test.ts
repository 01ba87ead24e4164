import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../../../lambdas/engine/model.js';
import { envView } from '../../../../lambdas/sources/kubernetes/views/env/env-view.js';
import { imageView } from '../../../../lambdas/sources/kubernetes/views/image/image-view.js';
import { kubernetesObjectsToObservations } from '../../../../lambdas/sources/kubernetes/workload-observations.js';

/** What these tests specify: env, ConfigMaps and images. The shape views' `k8s:` keys are tested on their own. */
const ENV_AND_IMAGE = [envView, imageView];

const ESTATE = fileURLToPath(new URL('../../../fixtures/snapshots/estate/', import.meta.url));
const K8S_SECRET_CANARY = 'SECRET-CANARY-K8S-7f3a';

function kubectlList(): unknown {
  return JSON.parse(readFileSync(`${ESTATE}production-eu/kubernetes.json`, 'utf8')) as unknown;
}

function find(observations: readonly Observation[], key: string, location?: string): Observation {
  const found = observations.filter((o) => o.key === key && (location === undefined || o.provenance.location === location));
  expect(found, `observations for ${key}`).toHaveLength(1);
  return found[0] as Observation;
}

describe('Function: kubernetesObjectsToObservations', () => {
  describe('with the kubectl get -o json List of production-eu', () => {
    const result = kubernetesObjectsToObservations([kubectlList()], {
      namespaces: ['api'],
      region: 'eu-west-1',
      account: '345678901234',
      cluster: 'prod-eu',
      file: 'production-eu/kubernetes.json',
    });

    it('attributes DB_TIMEOUT to the kubectl-set manager and time that own it in managedFields', () => {
      // Act
      const observation = find(result.observations, 'DB_TIMEOUT');

      // Assess
      expect(observation.value).toEqual({ kind: 'plain', value: '60s' });
      expect(observation.provenance).toEqual({
        source: 'kubernetes',
        layer: 'env',
        location: 'deployment/api-server container app',
        file: 'production-eu/kubernetes.json',
        version: '913377',
        changedAt: '2026-10-14T02:07:31Z',
        changedBy: 'kubectl-set',
        region: 'eu-west-1',
        account: '345678901234',
        cluster: 'prod-eu',
        target: { kind: 'workload-env', namespace: 'api', workload: 'deployment/api-server', container: 'app', variable: 'DB_TIMEOUT' },
      });
    });

    it('attributes env vars the pipeline set to the pipeline manager, and never sets outOfBand itself', () => {
      const observation = find(result.observations, 'LOG_LEVEL');

      expect(observation.provenance.changedBy).toBe('argocd-controller');
      expect(observation.provenance.changedAt).toBe('2026-09-01T08:00:00Z');
      expect(result.observations.every((o) => o.provenance.outOfBand === undefined)).toBe(true);
    });

    it('follows spec.jobTemplate for CronJob env and its managedFields', () => {
      const timeout = find(result.observations, 'REPORT_TIMEOUT');
      const batch = find(result.observations, 'REPORT_BATCH_SIZE');

      expect(timeout.value).toEqual({ kind: 'plain', value: '900' });
      expect(timeout.provenance.location).toBe('cronjob/nightly-report container report');
      expect(timeout.provenance.changedBy).toBe('kubectl-edit');
      expect(timeout.provenance.changedAt).toBe('2026-11-10T22:15:00Z');
      expect(batch.provenance.changedBy).toBe('helm');
    });

    it('resolves configMapKeyRef from the ConfigMap, attributed to the manager of that data key', () => {
      const observation = find(result.observations, 'DB_HOST');

      expect(observation.value).toEqual({ kind: 'plain', value: 'db-eu-west.example.com' });
      expect(observation.application).toBe('api-server');
      expect(observation.provenance).toMatchObject({
        // Projected into the container's env: part of what the process env is.
        layer: 'env',
        location: 'configmap/api-config via deployment/api-server container app',
        version: '913001',
        changedBy: 'argocd-controller',
        target: { kind: 'configmap-key', namespace: 'api', configMap: 'api-config', dataKey: 'database.host' },
      });
    });

    it('observes envFrom ConfigMap keys once per application that reads them, attributed to the ConfigMap key', () => {
      // Both the Deployment and the CronJob read api-config through envFrom: two processes, two keys.
      const observations = result.observations.filter((o) => o.key === 'LOG_INCLUDE_SENSITIVE');

      expect(observations.map((o) => o.application).sort()).toEqual(['api-server', 'nightly-report']);
      for (const observation of observations) {
        expect(observation.value).toEqual({ kind: 'plain', value: 'true' });
        expect(observation.provenance.layer).toBe('env');
        expect(observation.provenance.changedBy).toBe('kubectl-edit');
        expect(observation.provenance.changedAt).toBe('2026-10-30T11:45:00Z');
      }
    });

    it('honours the envFrom prefix', () => {
      const observation = find(result.observations, 'FLAG_NEW_CHECKOUT');

      expect(observation.value).toEqual({ kind: 'plain', value: 'true' });
      expect(observation.provenance.target).toEqual({
        kind: 'configmap-key',
        namespace: 'api',
        configMap: 'feature-flags',
        dataKey: 'NEW_CHECKOUT',
      });
      expect(observation.provenance.changedBy).toBe('kubectl-client-side-apply');
      expect(result.observations.some((o) => o.key === 'NEW_CHECKOUT')).toBe(false);
    });

    it('records secretKeyRef by name and key only, and never any Secret value', () => {
      const observation = find(result.observations, 'DB_PASSWORD');

      expect(observation.value).toEqual({ kind: 'secret', ref: 'secret/api-db#password' });
      expect(observation.provenance.layer).toBe('secret');
      expect(JSON.stringify(result)).not.toContain(K8S_SECRET_CANARY);
      expect(JSON.stringify(result)).not.toContain(Buffer.from(K8S_SECRET_CANARY).toString('base64'));
    });

    it('skips fieldRef and resourceFieldRef, which are runtime facts, not configuration', () => {
      expect(result.observations.map((o) => o.key)).not.toContain('POD_NAME');
      expect(result.observations.map((o) => o.key)).not.toContain('CPU_LIMIT');
    });

    it('warns about an envFrom Secret (keys unknowable) and a missing non-optional ConfigMap only', () => {
      expect(result.warnings).toEqual([
        'deployment/api-server container app in namespace api: envFrom secret/api-tokens is not observed (its keys cannot be known without reading the Secret)',
        'statefulset/cache container redis in namespace api: MISSING_CM_VALUE reads configmap/does-not-exist, which is not in the input; not observed',
      ]);
      expect(result.observations.map((o) => o.key)).not.toContain('MISSING_CM_VALUE');
    });

    it('never observes ConfigMaps no selected workload references, nor other namespaces', () => {
      const keys = result.observations.map((o) => o.key);

      expect(keys).not.toContain('ca.crt');
      expect(keys).not.toContain('GF_LOG_LEVEL');
    });

    it('skips a ReplicaSet whose controlling Deployment is in the input, so nothing is counted twice', () => {
      const timeouts = result.observations.filter((o) => o.key === 'DB_TIMEOUT');

      expect(timeouts.map((o) => o.provenance.location)).toEqual(['deployment/api-server container app']);
    });

    it('reports images of every container, init containers included, with registry ports kept in the repository', () => {
      const summary = result.images.map(({ workload, container, repository, tag, digest }) => ({
        workload,
        container,
        repository,
        tag,
        digest,
      }));

      expect(summary).toEqual([
        {
          workload: 'cronjob/nightly-report',
          container: 'report',
          repository: 'registry.internal:5000/shop/report-runner',
          tag: '1.9.0',
          digest: undefined,
        },
        {
          workload: 'deployment/api-server',
          container: 'app',
          repository: 'registry.internal:5000/shop/api-server',
          tag: '2.4.1',
          digest: 'sha256:4f2b8e8a9c1d0e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f',
        },
        {
          workload: 'deployment/api-server',
          container: 'metrics-sidecar',
          repository: 'quay.io/prometheus/statsd-exporter',
          tag: 'v0.26.0',
          digest: undefined,
        },
        {
          workload: 'deployment/api-server',
          container: 'migrate',
          repository: 'registry.internal:5000/shop/api-migrate',
          tag: '2.4.0',
          digest: undefined,
        },
        { workload: 'statefulset/cache', container: 'redis', repository: 'redis', tag: '7.2', digest: undefined },
      ]);
    });

    it('attributes an image to the manager owning f:image (kubectl set image)', () => {
      const app = result.images.find((image) => image.container === 'app');

      expect(app?.provenance).toMatchObject({ changedBy: 'kubectl-set', changedAt: '2026-11-02T16:40:00Z', cluster: 'prod-eu' });
      expect(result.images.find((image) => image.container === 'migrate')?.provenance.changedBy).toBe('argocd-controller');
    });

    it('does not read init container env as application configuration', () => {
      expect(result.observations.every((o) => !o.provenance.location.includes('container migrate'))).toBe(true);
    });

    it('returns the same output whatever the input order', () => {
      // Prepare
      const list = kubectlList() as { items: unknown[] };
      const reversed = { ...list, items: [...list.items].reverse() };

      // Act
      const again = kubernetesObjectsToObservations([reversed], {
        namespaces: ['api'],
        region: 'eu-west-1',
        account: '345678901234',
        cluster: 'prod-eu',
        file: 'production-eu/kubernetes.json',
      });

      // Assess
      expect(again).toEqual(result);
    });
  });

  describe('with workload filters', () => {
    it('keeps only the named workloads (kubectl short names accepted)', () => {
      // Act
      const result = kubernetesObjectsToObservations([kubectlList()], {
        namespaces: ['api'],
        workloads: ['cj/nightly-report'],
      });

      // Assess
      expect(new Set(result.observations.map((o) => o.provenance.location))).toEqual(
        new Set(['cronjob/nightly-report container report', 'configmap/api-config via envFrom of cronjob/nightly-report container report']),
      );
      expect(new Set(result.observations.map((o) => o.application))).toEqual(new Set(['nightly-report']));
      expect(result.observations.map((o) => o.key)).not.toContain('FLAG_NEW_CHECKOUT');
      expect(result.warnings.join('\n')).not.toContain('not found');
    });
  });

  describe('with malformed input', () => {
    it('turns odd shapes into warnings instead of throwing', () => {
      // Prepare
      const objects: unknown[] = [
        42,
        { kind: 'Deployment', metadata: {} },
        { kind: 'Deployment', metadata: { name: 'no-template', namespace: 'api' }, spec: {} },
        {
          kind: 'Deployment',
          metadata: { name: 'odd', namespace: 'api', managedFields: 'not-a-list' },
          spec: { template: { spec: { containers: [{ image: 'x:1' }, { name: 'app', env: [{ value: 'v' }, { name: 'OK', value: 'yes' }] }] } } },
        },
      ];

      // Act
      const result = kubernetesObjectsToObservations(objects, {}, ENV_AND_IMAGE);

      // Assess
      expect(result.observations.map((o) => [o.key, o.value])).toEqual([['OK', { kind: 'plain', value: 'yes' }]]);
      expect(result.observations[0]?.provenance.changedBy).toBeUndefined();
      expect(result.warnings).toEqual([
        'deployment/no-template in namespace api: no pod spec at spec.template.spec; ignored',
        'deployment/odd container app in namespace api: env[0] has no name; ignored',
        'deployment/odd in namespace api: containers[0] has no name; ignored',
        'object #1 is not a Kubernetes object; ignored',
        'object #2 has no kind or metadata.name; ignored',
      ]);
    });

    it('reads typed API lists whose items carry no kind (DeploymentList)', () => {
      const result = kubernetesObjectsToObservations(
        [
          {
            kind: 'DeploymentList',
            apiVersion: 'apps/v1',
            items: [
              {
                metadata: { name: 'api', namespace: 'default' },
                spec: { template: { spec: { containers: [{ name: 'c', env: [{ name: 'A', value: '1' }] }] } } },
              },
            ],
          },
        ],
        {},
        ENV_AND_IMAGE,
      );

      expect(result.observations.map((o) => o.provenance.location)).toEqual(['deployment/api container c']);
    });

    it('warns about a configMapKeyRef to a key the ConfigMap lacks, unless the reference is optional', () => {
      // Prepare
      const configMap = { kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' }, data: { PRESENT: 'x' } };
      const env = [
        { name: 'GONE', valueFrom: { configMapKeyRef: { name: 'cm', key: 'ABSENT' } } },
        { name: 'MAYBE', valueFrom: { configMapKeyRef: { name: 'cm', key: 'ABSENT', optional: true } } },
      ];
      const pod = { kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', env }] } };

      // Act
      const result = kubernetesObjectsToObservations([pod, configMap], {});

      // Assess
      expect(result.observations).toEqual([]);
      expect(result.warnings).toEqual(['pod/p container c in namespace ns: GONE reads key ABSENT of configmap/cm, which has no such key; not observed']);
    });

    it('observes a variable declared without value as the empty string, as the kubelet sets it', () => {
      const result = kubernetesObjectsToObservations(
        [{ kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [{ name: 'c', env: [{ name: 'EMPTY' }] }] } }],
        {},
      );

      expect(result.observations).toMatchObject([{ key: 'EMPTY', value: { kind: 'plain', value: '' } }]);
      expect(result.observations[0]?.provenance.target).toMatchObject({ workload: 'pod/p', namespace: 'ns' });
    });
  });
});
