import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterEach, describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import type { Snapshot } from '../../../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../../../lambdas/sources/aws/aws-client-factory.js';
import { redactKubeObjects } from '../../../../lambdas/collect/redact-kube-objects.js';
import { EksSource } from '../../../../lambdas/sources/eks/eks-source.js';
import { FileSource } from '../../../../lambdas/sources/files/file-source.js';
import { kubernetesObjectsToObservations } from '../../../../lambdas/sources/kubernetes/workload-observations.js';
import type { SourceReadResult } from '../../../../lambdas/sources/source.js';
import { baseline, environment } from '../../engine/analyse/builders.js';
import { type KubeFixtureObject, startKubeServer, TEST_CA_PEM } from '../../../support/kube-server.js';
import { configMap, deployment, list, pod, replicaSet } from '../../../support/pod-objects.js';
import { startEksEndpoint } from './eks-endpoint.js';
import { CLUSTER, CREDENTIALS, REFERENCE_TOKEN, REGION, SIGNED_AT } from './kube-fixtures.js';

const STARTED = '2026-08-10T08:00:00Z';
const envFrom = [{ configMapRef: { name: 'api-config' } }];
const literal = [{ name: 'FEATURE_TOKEN_HINT', value: 'literal-value-of-the-pod' }];

/** A Deployment whose rollout is over, one pod of the old template and one current pod started before a ConfigMap edit. */
function estateObjects(): KubeFixtureObject[] {
  return [
    deployment('api', { revision: 4, envFrom, env: literal }),
    replicaSet('api', '5d4f', 3),
    replicaSet('api', '7c9d', 4),
    pod('api', '5d4f', 'old', STARTED, { envFrom, env: literal }),
    pod('api', '7c9d', 'new', '2026-08-12T08:00:00Z', { envFrom, env: literal }),
    configMap('api-config', { LOG_LEVEL: 'warn' }, 'kubectl-edit', '2026-08-14T10:00:00Z'),
  ] as unknown as KubeFixtureObject[];
}

function staleOf(result: SourceReadResult): string[] {
  const snapshot: Snapshot = {
    environment: 'production-eu',
    observations: result.observations,
    images: result.images,
    sources: [result.status],
    ...(result.pods === undefined ? {} : { pods: result.pods }),
  };
  const env = environment('production-eu', 'production');
  return analyse({ baseline: baseline({ environments: [env], unmanaged: { policy: 'ignore', severity: 'low' } }), snapshots: [snapshot], now: SIGNED_AT })
    .findings.filter((finding) => finding.type === 'stale')
    .map((finding) => finding.id);
}

describe('Workload view: pods', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('reads Pods and ReplicaSets live, yields the pods, and keeps them in the snapshot reduced, without env values', async () => {
    // Prepare: a loopback API server serving the estate, and a loopback EKS endpoint naming it.
    const kube = await startKubeServer({ objects: estateObjects(), acceptToken: REFERENCE_TOKEN });
    cleanups.push(() => kube.close());
    const eks = await startEksEndpoint([{ name: CLUSTER, endpoint: kube.url, caPem: TEST_CA_PEM }]);
    cleanups.push(() => eks.close());
    const factory = new AwsClientFactory({
      overrides: { endpoint: eks.url, credentials: CREDENTIALS },
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
    });
    cleanups.push(() => factory.destroy());
    const source = new EksSource({
      spec: { kind: 'eks', cluster: CLUSTER, namespaces: ['api'], workloads: ['deployment/api'] },
      region: REGION,
      eks: factory.eks({ region: REGION }),
      counter: factory.counter,
      clock: () => SIGNED_AT,
      kube: { pageSize: 2, timeoutMs: 2_000, sleep: async () => {} },
    });

    // Act
    const result = await source.read();

    // Assess: pods observed with their template state and feeds, one finding per cause.
    expect(result.status.status).toBe('ok');
    expect(kube.requests.map((request) => request.resource)).toEqual(expect.arrayContaining(['pods', 'replicasets']));
    expect(result.pods?.map((p) => [p.name, p.template.current, p.application])).toEqual([
      ['api-5d4f-old', false, 'api'],
      ['api-7c9d-new', true, 'api'],
    ]);
    expect(staleOf(result)).toEqual(['stale:production-eu:api:api/deployment/api:configmap/api-config', 'stale:production-eu:api:api/deployment/api:template']);
    // The snapshot writer keeps what a re-audit needs of the pods, and no literal env value of theirs.
    const written = redactKubeObjects(result.objects, () => false);
    const kept = written.filter((object) => object.kind === 'Pod');
    expect(kept.map((object) => object.metadata.name)).toEqual(['api-5d4f-old', 'api-7c9d-new']);
    expect(JSON.stringify(kept)).not.toContain('literal-value-of-the-pod');
    expect(JSON.stringify(kept)).toContain('"startedAt":"2026-08-10T08:00:00Z"');
    // ... and audits offline to the same causes.
    const offline = kubernetesObjectsToObservations(written, { namespaces: ['api'], workloads: ['deployment/api'] });
    expect(offline.payloads['pods']).toHaveLength(2);
  });

  it('reads the same pods offline from a kubectl List and finds the same stale causes', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'drift-audit-pods-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'kubernetes.json'), JSON.stringify(list(estateObjects() as unknown as Record<string, unknown>[])));

    // Act
    const result = await new FileSource({ kind: 'file', path: 'kubernetes.json', keyStyle: 'env' }, { baseDir: dir, namespaces: ['api'] }).read();

    // Assess
    expect(result.pods?.map((p) => p.name)).toEqual(['api-5d4f-old', 'api-7c9d-new']);
    expect(staleOf(result)).toEqual(['stale:production-eu:api:api/deployment/api:configmap/api-config', 'stale:production-eu:api:api/deployment/api:template']);
  });
});
