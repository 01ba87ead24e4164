import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';
import type { ScenarioFinding } from '../../support/scenario-estate.js';

interface Region {
  readonly tier: string;
  readonly replicas: number;
  readonly memory: string;
  readonly cpu: string | number;
  readonly maxReplicas?: number;
  /** The app container has a readinessProbe (an HTTP GET on 8080). */
  readonly readiness?: boolean;
}

/** Seed 000's api-server in one region, as `kubectl get deploy,hpa,pdb -o json` prints it. */
function kubectlList({ replicas, memory, cpu, maxReplicas, readiness }: Region): unknown {
  const items: unknown[] = [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'api-server',
        namespace: 'api',
        managedFields: [
          {
            manager: 'kubectl-edit',
            operation: 'Update',
            time: '2026-11-20T03:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: {
              'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"app"}': { 'f:resources': { 'f:limits': { 'f:memory': {} } } } } } } },
            },
          },
        ],
      },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'api-server' } },
        template: {
          metadata: { labels: { app: 'api-server' } },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'api-server:2.14.0',
                resources: { requests: { cpu, memory }, limits: { memory } },
                ...(readiness === true ? { readinessProbe: { httpGet: { port: 8080 } } } : {}),
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'api-server', namespace: 'api' },
      spec: { selector: { matchLabels: { app: 'api-server' } }, minAvailable: 2 },
    },
  ];
  if (maxReplicas !== undefined) {
    items.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api-server', namespace: 'api' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api-server' }, minReplicas: 3, maxReplicas },
    });
  }
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}

async function scan(baselineYaml: string, regions: Readonly<Record<string, Region>>): Promise<ScenarioFinding[]> {
  const root = mkdtempSync(path.join(tmpdir(), 'drift-shape-'));
  try {
    mkdirSync(path.join(root, 'baseline'));
    const declared = Object.entries(regions)
      .map(([name, region]) => `  ${name}:\n    tier: ${region.tier}\n    sources:\n      files:\n        - path: ${name}/kubernetes.json\n`)
      .join('');
    writeFileSync(path.join(root, 'baseline', 'environments.yaml'), `environments:\n${declared}`);
    writeFileSync(path.join(root, 'baseline', 'baseline.yaml'), baselineYaml);
    for (const [name, region] of Object.entries(regions)) {
      mkdirSync(path.join(root, 'snapshots', name), { recursive: true });
      writeFileSync(path.join(root, 'snapshots', name, 'kubernetes.json'), JSON.stringify(kubectlList(region)));
    }
    const run = await runCli(['scan', path.join(root, 'baseline'), '--snapshots', path.join(root, 'snapshots'), '--json', '--now', '2026-11-23T12:00:00Z']);
    return (JSON.parse(run.stdout) as { findings: ScenarioFinding[] }).findings;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('CLI: drift-audit scan of workload shape (kubectl JSON lists)', () => {
  it('seed 000: production regions disagree on memory and autoscaling; cpu 1000m vs 1 and the HPA-owned replicas are silent', async () => {
    const findings = await scan('', {
      'production-us': { tier: 'production', replicas: 10, memory: '2Gi', cpu: '1000m', maxReplicas: 50 },
      'production-eu': { tier: 'production', replicas: 15, memory: '4Gi', cpu: 1 },
    });

    expect(findings.map((finding) => finding.id).sort()).toEqual([
      'parity:production-us+production-eu:api-server:k8s:hpa',
      'parity:production-us+production-eu:api-server:k8s:resources.limits.memory',
      'parity:production-us+production-eu:api-server:k8s:resources.requests.memory',
    ]);
    const memory = findings.find((finding) => finding.key === 'k8s:resources.limits.memory');
    expect(memory?.comparedWith).toMatchObject({ 'production-us': { text: '2Gi' }, 'production-eu': { text: '4Gi' } });
  });

  it('seed 001: per-tier declared resources are silent, an undeclared production difference is not, and the revert is kubectl set resources', async () => {
    const baselineYaml = `expected_differences:
  k8s:resources.requests.memory: { staging: 8Gi, production: 32Gi }
  k8s:resources.limits.memory: { staging: 8Gi, production: 32Gi }
  k8s:resources.requests.cpu: { staging: "4", production: "8" }
`;
    const findings = await scan(baselineYaml, {
      staging: { tier: 'staging', replicas: 1, memory: '8Gi', cpu: '4000m' },
      'production-us': { tier: 'production', replicas: 10, memory: '32Gi', cpu: 8, maxReplicas: 50 },
      'production-eu': { tier: 'production', replicas: 10, memory: '16Gi', cpu: '8', maxReplicas: 50 },
    });

    const ids = findings.map((finding) => finding.id).sort();
    expect(ids).toEqual(['changed:production-eu:api-server:k8s:resources.limits.memory', 'changed:production-eu:api-server:k8s:resources.requests.memory']);
    const limit = findings.find((finding) => finding.key === 'k8s:resources.limits.memory');
    expect(limit?.fixes.revert?.command).toBe('kubectl -n api set resources deployment/api-server -c app --limits=memory=32Gi');
    // Changed by `kubectl edit`: out of band, said so in the message.
    expect(limit?.message).toMatch(/kubectl-edit/);
  });

  it('a readiness probe removed in one production region is one finding on the probe, not one per probe field', async () => {
    // Act
    const region = { tier: 'production', replicas: 3, memory: '2Gi', cpu: '1' };
    const findings = await scan('version: 1\n', {
      'production-us': { ...region, readiness: true },
      'production-ap': { ...region, readiness: true },
      'production-eu': region,
    });

    // Assess
    expect(findings.map((finding) => finding.id)).toEqual(['parity:production-eu:api-server:k8s:probe.readiness']);
  });

  it('a declared k8s:replicas is not missing where an HPA owns the replica count: the autoscaling difference is the one finding', async () => {
    const findings = await scan('settings:\n  k8s:replicas:\n    value: "10"\n', {
      'production-us': { tier: 'production', replicas: 10, memory: '2Gi', cpu: 1, maxReplicas: 50 },
      'production-eu': { tier: 'production', replicas: 10, memory: '2Gi', cpu: 1, maxReplicas: 50 },
      'production-ap': { tier: 'production', replicas: 10, memory: '2Gi', cpu: 1 },
    });

    // No `missing` whose revert (`kubectl scale --replicas=10`) would fight the HPA.
    expect(findings.map((finding) => finding.id)).toEqual(['parity:production-ap:api-server:k8s:hpa']);
  });

  it('a deleted HPA whose fields the baseline declares is one finding, the k8s:hpa parity, not one more per field', async () => {
    const baselineYaml = 'settings:\n  k8s:hpa.minReplicas:\n    value: "3"\n  k8s:hpa.maxReplicas:\n    value: "50"\n';
    const findings = await scan(baselineYaml, {
      'production-us': { tier: 'production', replicas: 10, memory: '2Gi', cpu: 1, maxReplicas: 50 },
      'production-eu': { tier: 'production', replicas: 10, memory: '2Gi', cpu: 1 },
      'production-ap': { tier: 'production', replicas: 10, memory: '2Gi', cpu: 1, maxReplicas: 50 },
    });

    expect(findings.map((finding) => finding.id)).toEqual(['parity:production-eu:api-server:k8s:hpa']);
  });

  it('with no HPA anywhere to compare against, the declared HPA fields are one missing k8s:hpa per environment listing them', async () => {
    const baselineYaml =
      'applications:\n  api-server:\n    workloads: [deployment/api-server]\nsettings:\n  k8s:hpa.minReplicas:\n    value: "3"\n  k8s:hpa.maxReplicas:\n    value: "50"\n';
    const findings = await scan(baselineYaml, {
      'production-us': { tier: 'production', replicas: 10, memory: '2Gi', cpu: 1 },
      'production-eu': { tier: 'production', replicas: 10, memory: '2Gi', cpu: 1 },
    });

    expect(findings.map((finding) => finding.id).sort()).toEqual(['missing:production-eu:api-server:k8s:hpa', 'missing:production-us:api-server:k8s:hpa']);
    expect(findings[0]?.message).toContain('the baseline expects one with k8s:hpa.maxReplicas 50, k8s:hpa.minReplicas 3');
  });
});
