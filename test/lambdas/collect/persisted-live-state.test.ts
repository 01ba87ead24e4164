import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditDependencies, type AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import { parseLiveState } from '../../../lambdas/collect/live-state.js';
import { HistoryStore } from '../../../lambdas/sinks/history/history-store.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { startEksEndpoint, type EksEndpoint } from '../sources/eks/eks-endpoint.js';
import { fixtureObjects, SECRET_CANARY } from '../sources/eks/kube-fixtures.js';
import { startDynaliteTable, type DynaliteTable } from '../../support/dynalite.js';
import { startKubeServer, TEST_CA_PEM, type KubeServer } from '../../support/kube-server.js';
import { startS3, type S3Standin } from '../../support/s3rver.js';
import { startSnsServer, type SnsStandin } from '../../support/sns-server.js';
import { startSsmServer, type SsmServer } from '../../support/ssm-server.js';
import { DECLARED_CANARY, KUBE_CANARY, leakyKubeObjects, NAMED_CANARY, SECRET_BASELINE_YAML, secretParameters, SSM_CANARY } from './collect-estate.js';

/**
 * The scheduled audit's own write of `state/live-state.json`, against loopback stand-ins (s3rver,
 * dynalite, SNS, SSM, EKS and Kubernetes), on an estate that keeps secrets in plain String parameters
 * and literal Kubernetes values.
 */
describe('Function: runAudit (the live state it stores)', () => {
  let table: DynaliteTable;
  let s3: S3Standin;
  let sns: SnsStandin;
  let ssm: SsmServer;
  let kube: KubeServer;
  let eks: EksEndpoint;
  let snsClient: SNSClient;
  let deps: AuditDependencies;
  let clockMs = Date.parse('2026-11-23T10:00:00Z');
  const outcomes: AuditOutcome[] = [];

  const readState = async () =>
    (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: 'state/live-state.json' }))).Body!.transformToString('utf8');
  const findingIds = (outcome: AuditOutcome | undefined) =>
    outcome?.kind === 'recorded' ? outcome.result?.findings.map((finding) => `${finding.id} ${finding.actual?.text ?? ''}`) : undefined;

  beforeAll(async () => {
    [table, s3, sns] = await Promise.all([startDynaliteTable(), startS3(), startSnsServer()]);
    ssm = await startSsmServer({ account: '210987654321', parameters: secretParameters() });
    kube = await startKubeServer({ objects: [...fixtureObjects(), ...leakyKubeObjects()], acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
    snsClient = new SNSClient({ endpoint: sns.url, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const bundle = JSON.stringify({ schema: 'drift-audit.baseline-bundle/1', files: [{ name: 'baseline.yaml', text: SECRET_BASELINE_YAML }] });
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'baseline/baseline.json', Body: bundle, ContentType: 'application/json' }));
    const credentials = { accessKeyId: 'AKIDAUDIT', secretAccessKey: 'audit-secret' };
    deps = {
      s3: s3.client,
      sns: snsClient,
      history: new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName, sleep: async () => undefined }),
      factory: new AwsClientFactory({
        retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
        overrides: (_target, service) => ({ endpoint: service === 'EKS' ? eks.url : ssm.url, credentials }),
      }),
      bucket: s3.bucket,
      baselineKey: 'baseline/baseline.json',
      reportPrefix: 'reports/',
      statePrefix: 'state/',
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts',
      region: 'eu-west-1',
      clock: () => {
        clockMs += 1000;
        return new Date(clockMs);
      },
    };
  });

  afterAll(async () => {
    deps.factory.destroy();
    snsClient.destroy();
    await Promise.all([table.stop(), s3.stop(), sns.close(), ssm.close(), kube.close(), eks.close()]);
  });

  it('stores no value of a secret key and no Kubernetes object', async () => {
    // Act
    outcomes.push(await runAudit({ idempotencyKey: 'run-1' }, deps));

    // Assess
    expect(outcomes[0]?.kind).toBe('recorded');
    const stored = await readState();
    for (const canary of [NAMED_CANARY, DECLARED_CANARY, KUBE_CANARY, SSM_CANARY, SECRET_CANARY, 'last-applied-configuration']) {
      expect(stored).not.toContain(canary);
    }
    const state = parseLiveState(stored);
    expect(state?.kubernetes).toEqual({});
    expect(state?.ssm['ssm:eu-west-1:/production-eu/api/']?.map((record) => record.name)).toContain('/production-eu/api/dsn');
  });

  it('reads the next run incrementally from that state: the same findings, no value fetched', async () => {
    // Prepare
    ssm.clearRequests();

    // Act
    outcomes.push(await runAudit({ idempotencyKey: 'run-2' }, deps));

    // Assess
    expect(outcomes[1]?.kind).toBe('recorded');
    expect(ssm.count('GetParameters')).toBe(0);
    expect(ssm.count('GetParametersByPath')).toBe(0);
    expect(findingIds(outcomes[1])).toEqual(findingIds(outcomes[0]));
    expect(outcomes[1]?.kind === 'recorded' ? outcomes[1].transitions : undefined).toEqual([]);
    expect(await readState()).not.toContain(DECLARED_CANARY);
  });
});
