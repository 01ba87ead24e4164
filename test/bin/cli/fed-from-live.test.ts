import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEksEndpoint, type EksEndpoint } from '../../lambdas/sources/eks/eks-endpoint.js';
import { startKubeServer, TEST_CA_PEM, type KubeFixtureObject, type KubeServer } from '../../support/kube-server.js';
import { deployment, pod, replicaSet } from '../../support/pod-objects.js';
import { runCli } from '../../support/run-cli.js';
import { startSsmServer, type SsmServer } from '../../support/ssm-server.js';

const BASELINE = `
environments:
  production-eu:
    tier: production
    region: eu-west-1
    sources:
      ssm: [/production-eu/api/]
      eks: [{ cluster: prod-eu, namespaces: [api] }]
applications:
  api:
    workloads: [deployment/api]
    settings:
      DB_URL:
        fed_from: { ssm: db-url }
`;

/**
 * `fed_from` live: the CLI's real SDK clients read the loopback SSM stand-in (GetParametersByPath,
 * DescribeParameters) and the Kubernetes API behind the loopback EKS endpoint, found through the
 * standard AWS_ENDPOINT_URL_* variables.
 */
describe('CLI: fed_from on a live estate', () => {
  let ssm: SsmServer;
  let kube: KubeServer;
  let eks: EksEndpoint;
  let workDir: string;
  const savedEnv = { ...process.env };

  beforeAll(async () => {
    const env = [{ name: 'DB_URL', value: 'postgres://db-old.internal:5432/app' }];
    const objects = [deployment('api', { revision: 2, env }), replicaSet('api', '7c9d', 2), pod('api', '7c9d', 'a', '2026-11-20T08:00:00Z', { env })];
    kube = await startKubeServer({ objects: objects as unknown as KubeFixtureObject[], acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
    ssm = await startSsmServer({
      account: '123456789012',
      parameters: {
        'eu-west-1': [
          {
            name: '/production-eu/api/db-url',
            value: 'postgres://db-new.internal:5432/app',
            version: 7,
            lastModifiedDate: new Date('2026-11-28T10:00:00Z'),
            lastModifiedUser: 'arn:aws:iam::123456789012:user/alice',
          },
        ],
      },
    });
    workDir = mkdtempSync(path.join(tmpdir(), 'drift-audit-fed-live-'));
    writeFileSync(path.join(workDir, 'baseline.yaml'), BASELINE);
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDLIVETEST',
      AWS_SECRET_ACCESS_KEY: 'live-test-secret',
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL_SSM: ssm.url,
      AWS_ENDPOINT_URL_EKS: eks.url,
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    delete process.env.AWS_PROFILE;
  });

  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([ssm.close(), kube.close(), eks.close()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  it('reports the env var that did not follow its parameter, with the parameter’s change and the set env revert', async () => {
    // Act
    const run = await runCli(['scan', '.', '--live', '--json'], { cwd: workDir });

    // Assess
    const report = JSON.parse(run.stdout) as { findings: { id: string; message: string; fixes: { revert?: { command?: string } } }[] };
    expect(run.stderr).toMatch(/live read: 2\/2 sources read/);
    expect(report.findings.map((finding) => finding.id)).toEqual(['changed:production-eu:api:DB_URL']);
    expect(report.findings[0]?.message).toContain(
      'is fed from SSM /production-eu/api/db-url, which changed at 2026-11-28T10:00:00.000Z (by arn:aws:iam::123456789012:user/alice, version 7); the env var (env deployment/api container app) still holds the earlier value',
    );
    expect(report.findings[0]?.fixes.revert?.command).toBe("kubectl -n api set env deployment/api -c app 'DB_URL=postgres://db-new.internal:5432/app'");
    expect(run.code).toBe(1);
  });
});
