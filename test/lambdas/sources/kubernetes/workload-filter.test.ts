import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { DEFAULT_PRECEDENCE, type Baseline, type EnvironmentSpec, type SettingSpec } from '../../../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../../../lambdas/sources/aws/aws-client-factory.js';
import { EksSource } from '../../../../lambdas/sources/eks/eks-source.js';
import { FileSource } from '../../../../lambdas/sources/files/file-source.js';
import { readSnapshots } from '../../../../lambdas/sources/files/snapshot-dir.js';
import { WorkloadNotFoundError } from '../../../../lambdas/sources/kubernetes/workload-not-found-error.js';
import { kubernetesObjectsToObservations } from '../../../../lambdas/sources/kubernetes/workload-observations.js';
import { startKubeServer, TEST_CA_PEM } from '../../../support/kube-server.js';
import { startEksEndpoint } from '../eks/eks-endpoint.js';
import { CLUSTER, CREDENTIALS, fixtureObjects, REFERENCE_TOKEN, REGION, SIGNED_AT } from '../eks/kube-fixtures.js';

const SNAPSHOTS = fileURLToPath(new URL('../../../fixtures/snapshots/', import.meta.url));
const ESTATE = `${SNAPSHOTS}estate/`;

function kubectlList(): unknown {
  return JSON.parse(readFileSync(`${ESTATE}production-eu/kubernetes.json`, 'utf8')) as unknown;
}

describe('Workload filters that match nothing', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  describe('Function: kubernetesObjectsToObservations', () => {
    it('throws WorkloadNotFoundError naming every unmatched filter, so no source can read "ok" without the workload', () => {
      // Act
      const read = () =>
        kubernetesObjectsToObservations([kubectlList()], {
          namespaces: ['api'],
          cluster: 'prod-eu',
          workloads: ['deployment/api-servr', 'cj/nightly-report', 'sts/gone'],
        });

      // Assess
      expect(read).toThrow(WorkloadNotFoundError);
      try {
        read();
      } catch (error) {
        expect(error).toMatchObject({
          code: 'workload-not-found',
          workloads: ['deployment/api-servr', 'statefulset/gone'],
        });
        expect((error as Error).message).toMatch(/^cannot find workloads deployment\/api-servr, statefulset\/gone in namespace api of cluster prod-eu:/);
      }
    });
  });

  describe('Class: EksSource', () => {
    it('reports status error workload-not-found, with no observations, when a declared workload is not in the cluster', async () => {
      // Prepare: a loopback cluster holding deployment/api-server but no deployment/api-gateway.
      const kube = await startKubeServer({ objects: fixtureObjects(), acceptToken: REFERENCE_TOKEN });
      cleanups.push(() => kube.close());
      const eks = await startEksEndpoint([{ name: CLUSTER, endpoint: kube.url, caPem: TEST_CA_PEM }]);
      cleanups.push(() => eks.close());
      const factory = new AwsClientFactory({
        overrides: { endpoint: eks.url, credentials: CREDENTIALS },
        retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      });
      cleanups.push(() => factory.destroy());
      const source = new EksSource({
        spec: { kind: 'eks', cluster: CLUSTER, namespaces: ['api'], workloads: ['deployment/api-server', 'deployment/api-gateway'] },
        region: REGION,
        eks: factory.eks({ region: REGION }),
        clock: () => SIGNED_AT,
        kube: { timeoutMs: 2_000, sleep: async () => {} },
      });

      // Act
      const result = await source.read();

      // Assess
      expect(result.status).toMatchObject({ status: 'error', itemCount: 0, error: { code: 'workload-not-found' } });
      expect(result.status.error?.message).toContain('deployment/api-gateway');
      expect(result.status.error?.message).toContain(`cluster ${CLUSTER}`);
      expect(result.observations).toEqual([]);
      expect(result.images).toEqual([]);
    });
  });

  describe('Class: FileSource', () => {
    it('reports status error workload-not-found for a kubectl export without the declared workload', async () => {
      // Prepare
      const source = new FileSource(
        { kind: 'file', path: 'estate/production-eu/kubernetes.json', keyStyle: 'env' },
        { baseDir: SNAPSHOTS, namespaces: ['api'], workloads: ['deployment/api-servr'] },
      );

      // Act
      const result = await source.read();

      // Assess
      expect(result.status).toMatchObject({
        id: 'file:estate/production-eu/kubernetes.json',
        status: 'error',
        layers: ['env', 'configmap', 'secret', 'workload'],
        error: { code: 'workload-not-found' },
      });
      expect(result.status.error?.message).toContain('estate/production-eu/kubernetes.json');
      expect(result.observations).toEqual([]);
    });
  });

  describe('Function: readSnapshots, then analyse', () => {
    it('makes the environment partial: no false missing for the absent workload’s keys', async () => {
      // Prepare: the baseline names a workload the export does not hold (renamed, or a typo).
      const environment: EnvironmentSpec = {
        name: 'production-eu',
        tier: 'production',
        region: 'eu-west-1',
        precedence: DEFAULT_PRECEDENCE,
        sources: [
          { kind: 'eks', cluster: 'prod-eu', namespaces: ['api'], workloads: ['deployment/api-servr'] },
          { kind: 'file', path: 'production-eu/kubernetes.json', keyStyle: 'env' },
        ],
      };
      const dbTimeout: SettingSpec = {
        key: 'DB_TIMEOUT',
        value: '10s',
        perEnvironment: {},
        perTier: {},
        constraints: {},
        scopedConstraints: {},
        secret: false,
        required: true,
        parity: 'none',
      };
      const baseline: Baseline = {
        environments: [environment],
        settings: new Map([['DB_TIMEOUT', dbTimeout]]),
        ignore: [],
        unmanaged: { policy: 'report', severity: 'low' },
        exceptions: [],
        defaultSeverity: 'medium',
        attribution: { outOfBandManagers: ['kubectl-set'], pipelinePrincipals: [] },
        files: [],
      };

      // Only the export: no manifest whose failed sources would make the environment partial anyway.
      const dir = await mkdtemp(join(tmpdir(), 'workload-filter-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      await mkdir(join(dir, 'production-eu'));
      await copyFile(`${ESTATE}production-eu/kubernetes.json`, join(dir, 'production-eu', 'kubernetes.json'));

      // Act
      const snapshots = await readSnapshots(baseline, dir);
      const result = analyse({ baseline, snapshots, now: new Date('2026-11-23T12:00:00Z') });

      // Assess
      expect(snapshots[0]?.sources.map((s) => [s.id, s.status, s.error?.code])).toEqual([
        ['file:production-eu/kubernetes.json', 'error', 'workload-not-found'],
      ]);
      expect(result.status).toBe('partial');
      expect(result.findings.map((f) => f.id)).toEqual(['source-error:production-eu:file:production-eu/kubernetes.json']);
    });
  });
});

describe('Function: kubernetesObjectsToObservations, redaction marker', () => {
  it('reads the marker `drift-audit snapshot` writes for a secret value as a present secret', async () => {
    // Prepare
    const { kubernetesObjectsToObservations } = await import('../../../../lambdas/sources/kubernetes/workload-observations.js');
    const { REDACTED_VALUE } = await import('../../../../lambdas/sources/ssm/ssm-observations.js');
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'api', namespace: 'api' },
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'app',
                image: 'app:1',
                env: [
                  { name: 'API_SECRET', value: REDACTED_VALUE },
                  { name: 'MODE', value: 'fast' },
                ],
              },
            ],
          },
        },
      },
    };

    // Act
    const { observations } = kubernetesObjectsToObservations([deployment], {});

    // Assess
    expect(observations.find((observation) => observation.key === 'API_SECRET')?.value).toEqual({ kind: 'secret' });
    expect(observations.find((observation) => observation.key === 'MODE')?.value).toEqual({ kind: 'plain', value: 'fast' });
  });
});
