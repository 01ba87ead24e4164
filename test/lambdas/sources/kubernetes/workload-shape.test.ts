import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { valuesEqual } from '../../../../lambdas/engine/analyse/compare-values.js';
import { revertFix } from '../../../../lambdas/engine/analyse/revert-fix.js';
import type { Finding, Observation } from '../../../../lambdas/engine/model.js';
import { kubernetesObjectsToObservations } from '../../../../lambdas/sources/kubernetes/workload-observations.js';
import { baseline, environment, okSource, setting, snapshot } from '../../engine/analyse/builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');

interface Shape {
  readonly replicas: number;
  readonly memory: string;
  readonly cpu: string | number;
  readonly maxReplicas?: number;
  readonly managers?: readonly unknown[];
}

/** Seed 000's api-server as a region runs it: a Deployment, and an HPA when autoscaling is on. */
function regionObjects({ replicas, memory, cpu, maxReplicas, managers = [] }: Shape): unknown[] {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api-server', namespace: 'api', resourceVersion: '9', managedFields: managers },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'api-server' } },
      template: {
        metadata: { labels: { app: 'api-server', tier: 'backend' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'api-server:2.14.0',
              resources: { requests: { cpu, memory }, limits: { memory } },
              readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
            },
          ],
        },
      },
    },
  };
  const hpa =
    maxReplicas === undefined
      ? []
      : [
          {
            apiVersion: 'autoscaling/v2',
            kind: 'HorizontalPodAutoscaler',
            metadata: { name: 'api-server', namespace: 'api' },
            spec: {
              scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api-server' },
              minReplicas: 3,
              maxReplicas,
              metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
              behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
            },
          },
        ];
  return [{ apiVersion: 'v1', kind: 'List', items: [deployment, ...hpa] }];
}

function observe(shape: Shape, environmentName: string): Observation[] {
  return kubernetesObjectsToObservations(regionObjects(shape), { namespaces: ['api'], cluster: environmentName }).observations;
}

function shapeSnapshot(environmentName: string, shape: Shape) {
  return snapshot(environmentName, observe(shape, environmentName), { sources: [okSource(`eks:${environmentName}/api`, 'eks', ['env', 'workload'])] });
}

function keysOf(findings: readonly Finding[]): string[] {
  return findings.map((finding) => `${finding.type} ${finding.environment} ${finding.key}`).sort();
}

describe('Workload shape views', () => {
  describe('Function: kubernetesObjectsToObservations', () => {
    it('observes replicas, resources and probes in the workload layer, and the HPA instead of replicas when one targets the workload', () => {
      const fixed = observe({ replicas: 15, memory: '4Gi', cpu: 1 }, 'production-eu');
      const autoscaled = observe({ replicas: 10, memory: '2Gi', cpu: '1000m', maxReplicas: 50 }, 'production-us');

      const values = (list: Observation[]) =>
        Object.fromEntries(list.filter((o) => o.key.startsWith('k8s:')).map((o) => [o.key, o.value.kind === 'plain' ? o.value.value : '?']));
      expect(values(fixed)).toEqual({
        'k8s:replicas': '15',
        'k8s:resources.requests.cpu': '1',
        'k8s:resources.requests.memory': '4Gi',
        'k8s:resources.limits.memory': '4Gi',
        'k8s:probe.readiness.httpGet.path': '/healthz',
        'k8s:probe.readiness.httpGet.port': '8080',
        'k8s:probe.readiness.periodSeconds': '5',
        // The API server's probe defaults, so a manifest reads as the live object does.
        'k8s:probe.readiness.timeoutSeconds': '1',
        'k8s:probe.readiness.failureThreshold': '3',
        'k8s:probe.readiness.successThreshold': '1',
        'k8s:probe.readiness.initialDelaySeconds': '0',
        // Each probe's presence, so a probe removed somewhere is one difference, not one per field.
        'k8s:probe.liveness': 'absent',
        'k8s:probe.readiness': 'present',
        'k8s:probe.startup': 'absent',
        'k8s:hpa': 'absent',
        'k8s:pdb': 'absent',
      });
      expect(values(autoscaled)).toMatchObject({
        'k8s:hpa': 'present',
        'k8s:hpa.minReplicas': '3',
        'k8s:hpa.maxReplicas': '50',
        'k8s:hpa.metrics.cpu.averageUtilization': '70',
        'k8s:hpa.behavior.scaleDown.stabilizationWindowSeconds': '300',
      });
      expect(values(autoscaled)['k8s:replicas']).toBeUndefined();
      expect(fixed.filter((o) => o.key.startsWith('k8s:')).every((o) => o.provenance.layer === 'workload' && o.application === 'api-server')).toBe(true);
      expect(fixed.find((o) => o.key === 'k8s:resources.limits.memory')?.comparison).toBe('quantity');
    });

    it('matches a PodDisruptionBudget by its label selector against the pod template labels', () => {
      const [list] = regionObjects({ replicas: 2, memory: '1Gi', cpu: '500m' }) as [{ items: unknown[] }];
      const pdb = (name: string, selector: unknown, spec: Record<string, unknown>) => ({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name, namespace: 'api' },
        spec: { selector, ...spec },
      });
      const items = [
        ...list.items,
        pdb('other', { matchLabels: { app: 'worker' } }, { minAvailable: 1 }),
        pdb('api-server', { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] }, { maxUnavailable: '25%' }),
      ];
      const result = kubernetesObjectsToObservations([{ kind: 'List', items }], { namespaces: ['api'] });
      const pdbKeys = result.observations.filter((o) => o.key.startsWith('k8s:pdb'));
      expect(pdbKeys.map((o) => [o.key, o.value.kind === 'plain' ? o.value.value : '?', o.provenance.location])).toEqual([
        ['k8s:pdb', 'present', 'poddisruptionbudget/api-server'],
        ['k8s:pdb.maxUnavailable', '25%', 'poddisruptionbudget/api-server'],
      ]);
      expect(result.used).toContain(items[2]);
      expect(result.used).not.toContain(items[1]);
    });

    it('attributes a hand-made `kubectl scale` and `kubectl set resources` to their managedFields manager', () => {
      const managers = [
        {
          manager: 'helm',
          operation: 'Update',
          time: '2026-11-01T10:00:00Z',
          fieldsV1: { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:image': {} } } } } } },
        },
        { manager: 'kubectl', operation: 'Update', subresource: 'scale', time: '2026-11-20T09:00:00Z', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
        {
          manager: 'kubectl-set',
          operation: 'Update',
          time: '2026-11-21T09:00:00Z',
          fieldsV1: {
            'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:resources': { 'f:limits': { 'f:memory': {} } } } } } } },
          },
        },
      ];
      const observed = observe({ replicas: 15, memory: '4Gi', cpu: 1, managers }, 'production-eu');
      expect(observed.find((o) => o.key === 'k8s:replicas')?.provenance).toMatchObject({ changedBy: 'kubectl', changedAt: '2026-11-20T09:00:00Z' });
      expect(observed.find((o) => o.key === 'k8s:resources.limits.memory')?.provenance).toMatchObject({ changedBy: 'kubectl-set' });
      expect(observed.find((o) => o.key === 'k8s:resources.requests.memory')?.provenance.changedBy).toBeUndefined();
    });
  });

  describe('Function: analyse', () => {
    const production = (name: string) => environment(name, 'production', { region: name.endsWith('eu') ? 'eu-west-1' : 'us-east-1' });

    it('seed 000: US autoscaled 10 x 2Gi vs EU fixed 15 x 4Gi gives memory and HPA findings; cpu 1000m vs 1 and HPA-owned replicas are silent', () => {
      const result = analyse({
        baseline: baseline({ environments: [production('production-us'), production('production-eu')], unmanaged: { policy: 'compare', severity: 'medium' } }),
        snapshots: [
          shapeSnapshot('production-us', { replicas: 10, memory: '2Gi', cpu: '1000m', maxReplicas: 50 }),
          shapeSnapshot('production-eu', { replicas: 15, memory: '4Gi', cpu: 1 }),
        ],
        now: NOW,
      });
      expect(keysOf(result.findings)).toEqual([
        // Two regions, one each way: the pair is the finding (no majority to call either the odd one).
        'parity production-us+production-eu k8s:hpa',
        'parity production-us+production-eu k8s:resources.limits.memory',
        'parity production-us+production-eu k8s:resources.requests.memory',
      ]);
    });

    it('an HPA-owned replica count never drifts, whatever the HPA scaled it to', () => {
      const result = analyse({
        baseline: baseline({ environments: [production('production-us'), production('production-eu')], unmanaged: { policy: 'compare', severity: 'medium' } }),
        snapshots: [
          shapeSnapshot('production-us', { replicas: 37, memory: '2Gi', cpu: '1', maxReplicas: 50 }),
          shapeSnapshot('production-eu', { replicas: 4, memory: '2048Mi', cpu: '1', maxReplicas: 50 }),
        ],
        now: NOW,
      });
      // The same replica counts without autoscalers are a real difference.
      const fixed = analyse({
        baseline: baseline({ environments: [production('production-us'), production('production-eu')], unmanaged: { policy: 'compare', severity: 'medium' } }),
        snapshots: [
          shapeSnapshot('production-us', { replicas: 37, memory: '2Gi', cpu: '1' }),
          shapeSnapshot('production-eu', { replicas: 4, memory: '2048Mi', cpu: '1' }),
        ],
        now: NOW,
      });
      expect(keysOf(result.findings)).toEqual([]);
      expect(keysOf(fixed.findings)).toEqual(['parity production-us+production-eu k8s:replicas']);
    });

    it('seed 001: staging 4 CPU / 8Gi vs production 8 CPU / 32Gi declared per tier is silent; an undeclared production difference is not; staging vs production replicas compare within a tier only', () => {
      const declared = (key: string, staging: string, prod: string) => setting(key, { perTier: { staging, production: prod } });
      const result = analyse({
        baseline: baseline({
          environments: [environment('staging', 'staging'), production('production-us'), production('production-eu')],
          settings: [
            declared('k8s:resources.requests.cpu', '4', '8'),
            declared('k8s:resources.requests.memory', '8Gi', '32Gi'),
            declared('k8s:resources.limits.memory', '8Gi', '32Gi'),
          ],
          unmanaged: { policy: 'compare', severity: 'medium' },
        }),
        snapshots: [
          shapeSnapshot('staging', { replicas: 1, memory: '8Gi', cpu: '4000m' }),
          shapeSnapshot('production-us', { replicas: 10, memory: '32768Mi', cpu: 8 }),
          shapeSnapshot('production-eu', { replicas: 12, memory: '32Gi', cpu: '8' }),
        ],
        now: NOW,
      });
      expect(keysOf(result.findings)).toEqual(['parity production-us+production-eu k8s:replicas']);
    });
    it('reads an httpGet probe without a path as the API server stores it: path / (SetDefaults_HTTPGetAction)', () => {
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'api-server', namespace: 'api' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'api-server' } },
          template: {
            metadata: { labels: { app: 'api-server' } },
            spec: { containers: [{ name: 'app', image: 'api-server:2.14.0', livenessProbe: { httpGet: { port: 8080 } } }] },
          },
        },
      };
      const { observations } = kubernetesObjectsToObservations([{ apiVersion: 'v1', kind: 'List', items: [deployment] }], {
        namespaces: ['api'],
        cluster: 'production-us',
      });

      const path = observations.find((o) => o.key === 'k8s:probe.liveness.httpGet.path');
      expect(path?.value).toEqual({ kind: 'plain', value: '/' });
    });
  });

  describe('Function: revertFix', () => {
    const env = environment('production-eu', 'production');
    const fixFor = (observation: Observation | undefined, value: string) => {
      if (observation === undefined) throw new Error('not observed');
      return revertFix(
        observation.provenance.target,
        { kind: 'set', value },
        { key: observation.key, environment: env, secret: false, provenance: observation.provenance },
      );
    };

    it('builds kubectl scale, set resources and patch commands per key', () => {
      const fixed = observe({ replicas: 15, memory: '4Gi', cpu: 1 }, 'production-eu');
      const autoscaled = observe({ replicas: 10, memory: '2Gi', cpu: '1', maxReplicas: 40 }, 'production-us');
      const find = (list: Observation[], key: string) => list.find((o) => o.key === key);
      expect(fixFor(find(fixed, 'k8s:replicas'), '10').command).toBe('kubectl -n api scale deployment/api-server --replicas=10');
      expect(fixFor(find(fixed, 'k8s:resources.limits.memory'), '2Gi').command).toBe(
        'kubectl -n api set resources deployment/api-server -c app --limits=memory=2Gi',
      );
      expect(fixFor(find(fixed, 'k8s:resources.requests.cpu'), '1000m').command).toBe(
        'kubectl -n api set resources deployment/api-server -c app --requests=cpu=1000m',
      );
      expect(fixFor(find(autoscaled, 'k8s:hpa.maxReplicas'), '50').command).toBe(
        `kubectl -n api patch hpa api-server --type merge -p '{"spec":{"maxReplicas":50}}'`,
      );
      expect(fixFor(find(fixed, 'k8s:probe.readiness.periodSeconds'), '10').command).toBe(
        `kubectl -n api patch deployment api-server --type strategic -p '{"spec":{"template":{"spec":{"containers":[{"name":"app","readinessProbe":{"periodSeconds":10}}]}}}}'`,
      );
      // No HPA to patch: a sentence, never a guessed command.
      const missingHpa = fixFor(find(fixed, 'k8s:hpa'), 'present');
      expect(missingHpa.command).toBeUndefined();
      expect(missingHpa.summary).toContain('the autoscaler of deployment/api-server in api');
    });
  });

  describe('Function: valuesEqual', () => {
    it('compares Kubernetes quantities by value', () => {
      for (const [a, b] of [
        ['2Gi', '2048Mi'],
        ['1000m', '1'],
        ['0.5', '500m'],
        ['1e3', '1k'],
        ['1.5Gi', '1536Mi'],
        ['500000u', '500m'],
        ['250000000n', '250m'],
      ])
        expect(valuesEqual(a as string, b as string, 'quantity')).toBe(true);
      for (const [a, b] of [
        ['2Gi', '2G'],
        ['1', '1001m'],
        ['1Ki', '1k'],
      ])
        expect(valuesEqual(a as string, b as string, 'quantity')).toBe(false);
    });
  });
});
