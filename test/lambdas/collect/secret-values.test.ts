import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectLive, type CollectLiveResult } from '../../../lambdas/collect/collect-live.js';
import { writeSnapshotDir } from '../../../lambdas/collect/write-snapshot-dir.js';
import { analyse } from '../../../lambdas/engine/analyse/analyse.js';
import type { Snapshot } from '../../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { RequestBudget } from '../../../lambdas/sources/aws/request-budget.js';
import type { LiveState } from '../../../lambdas/collect/live-state.js';
import { readSnapshots } from '../../../lambdas/sources/files/snapshot-dir.js';
import { startEksEndpoint, type EksEndpoint } from '../sources/eks/eks-endpoint.js';
import { fixtureObjects } from '../sources/eks/kube-fixtures.js';
import { startKubeServer, TEST_CA_PEM, type KubeFixtureObject, type KubeServer } from '../../support/kube-server.js';
import { startSsmServer, type FakeSsmParameter, type SsmServer } from '../../support/ssm-server.js';
import { sampler, secretSamples } from '../engine/secrets/secret-samples.js';
import { baselineOf, CREDENTIALS } from './collect-estate.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const r = sampler(777);
const SHARED_PASSWORD = r(18);
const EU_ONLY_PASSWORD = r(18);
const samples = secretSamples(31337);
const REPO_URL = `https://x-access-token:ghs_${r(36)}@github.com/acme/deploy.git`;

/*
 * Secrets kept under harmless names, where only their shape gives them away: a database URL with its
 * password in plain String parameters of two production regions, a token in a Git URL and an API key
 * in a ConfigMap, plus one parameter per detected format.
 */
const BASELINE_YAML = `
environments:
  production-eu:
    tier: production
    region: eu-west-1
    sources:
      ssm: [{ path: /production-eu/api/, key_style: env }]
      eks: [{ cluster: prod-eu, namespaces: [api, payments] }]
  production-us:
    tier: production
    region: us-east-1
    sources:
      ssm: [{ path: /production-us/api/, key_style: env }]
defaults: { unmanaged: report }
settings:
  DATABASE_URL: { parity: tier }
  REPLICA_URL: { parity: tier }
  PAYMENT_TIMEOUT: { value: 30, type: integer }
`;

const url = (password: string): string => `postgres://app:${password}@db.internal:5432/app`;

function parameters(): Record<string, FakeSsmParameter[]> {
  const formats = (env: string) => Object.entries(samples).map(([name, value]) => ({ name: `/${env}/api/formats/${name}`, value }));
  return {
    'eu-west-1': [
      { name: '/production-eu/api/database/url', value: url(SHARED_PASSWORD) },
      { name: '/production-eu/api/replica/url', value: url(EU_ONLY_PASSWORD) },
      { name: '/production-eu/api/payment/timeout', value: '30' },
      ...formats('production-eu'),
    ],
    'us-east-1': [
      { name: '/production-us/api/database/url', value: url(SHARED_PASSWORD) },
      { name: '/production-us/api/replica/url', value: url(SHARED_PASSWORD) },
      { name: '/production-us/api/payment/timeout', value: '30' },
    ],
  };
}

function kubeObjects(): KubeFixtureObject[] {
  const env = [
    { name: 'REPO_URL', value: REPO_URL },
    { name: 'CART_ADDR', value: 'redis-cart:6379' },
    { name: 'MAPS_KEY', valueFrom: { configMapKeyRef: { name: 'deployer-config', key: 'maps' } } },
  ];
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'deployer', namespace: 'api' },
      spec: {
        selector: { matchLabels: { app: 'deployer' } },
        template: { metadata: { labels: { app: 'deployer' } }, spec: { containers: [{ name: 'deployer', image: 'deployer:1.0.0', env }] } },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'deployer-config', namespace: 'api' },
      data: { maps: samples['google-api-key'] as string, region: 'eu' },
    },
  ];
}

/** What people see of each finding: identity, shown values, message. */
function reported(snapshots: readonly Snapshot[]): unknown[] {
  return analyse({ baseline, snapshots, now: NOW }).findings.map((f) => ({ id: f.id, actual: f.actual, expected: f.expected, message: f.message }));
}

const baseline = baselineOf(BASELINE_YAML);
const canaries = [SHARED_PASSWORD, EU_ONLY_PASSWORD, REPO_URL.slice(8, 60), ...Object.values(samples)];

describe('Secret-shaped values under harmless names, collected live', () => {
  let ssm: SsmServer;
  let kube: KubeServer;
  let eks: EksEndpoint;
  let dir: string;

  async function collect(previous?: LiveState): Promise<CollectLiveResult> {
    const factory = new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      budget: new RequestBudget({ rates: {} }),
      overrides: (_target, service) => ({ endpoint: service === 'EKS' ? eks.url : ssm.url, credentials: CREDENTIALS }),
    });
    try {
      return await collectLive(baseline, { factory, clock: () => NOW, ...(previous === undefined ? {} : { previous }) });
    } finally {
      factory.destroy();
    }
  }

  beforeAll(async () => {
    kube = await startKubeServer({ objects: [...fixtureObjects(), ...kubeObjects()], acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
    ssm = await startSsmServer({ account: '210987654321', parameters: parameters() });
  });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'drift-audit-secret-values-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await Promise.all([kube.close(), eks.close(), ssm.close()]);
  });

  it('reports a differing secret by fingerprint and an equal one not at all, without either value', async () => {
    // Act
    const live = await collect();
    const findings = analyse({ baseline, snapshots: live.snapshots, now: NOW }).findings;

    // Assess
    // Two regions and no majority: the difference is on the group, each side shown as [secret].
    const parity = findings.filter((f) => f.type === 'parity').map((f) => [f.id, f.comparedWith]);
    expect(parity).toEqual([
      [
        'parity:production-eu+production-us:api:REPLICA_URL',
        { 'production-eu': { text: '[secret]', secret: true }, 'production-us': { text: '[secret]', secret: true } },
      ],
    ]);
    const text = JSON.stringify(findings);
    for (const canary of canaries) expect(text).not.toContain(canary);
  });

  it('writes every secret-shaped value as a fingerprinted marker, and the offline scan finds what the live one did', async () => {
    // Prepare
    const live = await collect();

    // Act
    await writeSnapshotDir(dir, baseline, live);
    const offline = await readSnapshots(baseline, dir);

    // Assess
    const files = readdirSync(dir).flatMap((env) => readdirSync(path.join(dir, env)).map((file) => readFileSync(path.join(dir, env, file), 'utf8')));
    const everything = files.join('\n');
    for (const canary of canaries) expect(everything).not.toContain(canary);
    expect(everything).toMatch(/\[redacted by drift-audit: url-password [0-9a-f]{8}\.[A-Za-z0-9_-]{22}\]/);
    expect(everything).toMatch(/"value": "\[redacted by drift-audit: github-token /);
    expect(everything).toMatch(/"maps": "\[redacted by drift-audit: google-api-key /);
    expect(everything).toContain('"value": "redis-cart:6379"');
    expect(reported(offline)).toEqual(reported(live.snapshots));
  });

  it('stores no secret-shaped value between runs, and the next run reads those values again to compare them', async () => {
    // Prepare
    const first = await collect();
    const stored = JSON.stringify(first.persistedState);
    for (const canary of canaries) expect(stored).not.toContain(canary);
    ssm.clearRequests();

    // Act
    const next = await collect(first.persistedState);

    // Assess: the plain timeout is reused; the withheld values are fetched again, so nothing flips.
    expect(ssm.count('GetParametersByPath')).toBe(0);
    expect(ssm.count('GetParameters')).toBeGreaterThan(0);
    expect(reported(next.snapshots)).toEqual(reported(first.snapshots));
    const records = next.persistedState.ssm['ssm:eu-west-1:/production-eu/api/'] ?? [];
    expect(records.find((record) => record.name === '/production-eu/api/payment/timeout')).toMatchObject({ value: '30' });
    expect(records.find((record) => record.name === '/production-eu/api/database/url')).toMatchObject({ redacted: true });
    expect(records.find((record) => record.name === '/production-eu/api/database/url')).not.toHaveProperty('value');
  });
});
