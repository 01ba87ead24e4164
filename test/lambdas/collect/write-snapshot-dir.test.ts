import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectLive, type CollectLiveResult } from '../../../lambdas/collect/collect-live.js';
import { LIVE_STATE_SCHEMA } from '../../../lambdas/collect/live-state.js';
import { REDACTED_VALUE, writeSnapshotDir } from '../../../lambdas/collect/write-snapshot-dir.js';
import { analyse } from '../../../lambdas/engine/analyse/analyse.js';
import type { ImageObservation, Observation, Snapshot } from '../../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { RequestBudget } from '../../../lambdas/sources/aws/request-budget.js';
import type { KubeObject } from '../../../lambdas/sources/eks/kube-client.js';
import { readSnapshots } from '../../../lambdas/sources/files/snapshot-dir.js';
import { startEksEndpoint, type EksEndpoint } from '../sources/eks/eks-endpoint.js';
import { fixtureObjects, SECRET_CANARY } from '../sources/eks/kube-fixtures.js';
import { startKubeServer, TEST_CA_PEM, type KubeServer } from '../../support/kube-server.js';
import { startSsmServer, type SsmServer } from '../../support/ssm-server.js';
import { isSecretKey } from '../../../lambdas/engine/analyse/show-value.js';
import {
  baselineOf,
  COLLECT_BASELINE_YAML,
  collectParameters,
  CREDENTIALS,
  DECLARED_CANARY,
  KUBE_CANARY,
  leakyKubeObjects,
  NAMED_CANARY,
  SECRET_BASELINE_YAML,
  secretParameters,
  SSM_CANARY,
} from './collect-estate.js';

const NOW = new Date('2026-11-23T10:00:00Z');

/** What the engine uses of an observation; `file` names the snapshot file, which only offline reads have. */
function comparable(snapshot: Snapshot): { observations: unknown[]; images: unknown[] } {
  const strip = <T extends Observation | ImageObservation>(item: T) => {
    const { file: _file, ...provenance } = item.provenance;
    return JSON.stringify({ ...item, provenance });
  };
  return { observations: snapshot.observations.map(strip).sort(), images: snapshot.images.map(strip).sort() };
}

describe('Function: writeSnapshotDir', () => {
  let ssm: SsmServer;
  let kube: KubeServer;
  let eks: EksEndpoint;
  let dir: string;
  const baseline = baselineOf(COLLECT_BASELINE_YAML);

  async function collect(): Promise<CollectLiveResult> {
    const factory = new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      budget: new RequestBudget({ rates: {} }),
      overrides: (_target, service) => ({ endpoint: service === 'EKS' ? eks.url : ssm.url, credentials: CREDENTIALS }),
    });
    try {
      return await collectLive(baseline, { factory, clock: () => NOW });
    } finally {
      factory.destroy();
    }
  }

  beforeAll(async () => {
    kube = await startKubeServer({ objects: fixtureObjects(), acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
  });

  beforeEach(async () => {
    ssm = await startSsmServer({ account: '210987654321', parameters: collectParameters() });
    dir = mkdtempSync(path.join(tmpdir(), 'drift-audit-snapshot-'));
  });

  afterEach(async () => {
    await ssm.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await Promise.all([kube.close(), eks.close()]);
  });

  it('writes what the offline reader reads back as the same observations, images and findings', async () => {
    // Prepare
    const live = await collect();

    // Act
    const written = await writeSnapshotDir(dir, baseline, live);
    const offline = await readSnapshots(baseline, dir);

    // Assess
    expect(written).toEqual([
      { environment: 'staging-us', files: ['ssm.json', 'ssm-describe.json', 'snapshot.json'] },
      { environment: 'production-eu', files: ['ssm.json', 'ssm-describe.json', 'kubernetes.json', 'snapshot.json'] },
    ]);
    expect(offline.map((snapshot) => snapshot.environment)).toEqual(['staging-us', 'production-eu']);
    for (const [index, snapshot] of live.snapshots.entries()) {
      expect(snapshot.observations.length).toBeGreaterThan(0);
      expect(comparable(offline[index]!)).toEqual(comparable(snapshot));
      expect(offline[index]?.takenAt).toBe(snapshot.takenAt);
    }
    const ids = (snapshots: readonly Snapshot[]) => analyse({ baseline, snapshots, now: NOW }).findings.map((finding) => finding.id);
    expect(ids(offline)).toEqual(ids(live.snapshots));
    expect(ids(live.snapshots)).toContain('changed:production-eu:api:PAYMENT_TIMEOUT');
  });

  it('keeps a source that failed live a failure offline: a source-error, never a missing finding', async () => {
    // Prepare
    ssm.denyPath('/production-eu/api/', 'eu-west-1');
    const live = await collect();

    // Act
    await writeSnapshotDir(dir, baseline, live);
    const offline = await readSnapshots(baseline, dir);

    // Assess
    const failedLive = live.snapshots[1]?.sources.find((source) => source.status === 'error');
    expect(failedLive?.id).toBe('ssm:eu-west-1:/production-eu/api/');
    expect(offline[1]?.sources).toContainEqual(failedLive);
    const findings = analyse({ baseline, snapshots: offline, now: NOW }).findings;
    expect(findings.map((finding) => finding.id)).toContain('source-error:production-eu:ssm:eu-west-1:/production-eu/api/');
    expect(findings.filter((finding) => finding.type === 'missing')).toEqual([]);
    expect(findings.map((finding) => finding.id)).toEqual(analyse({ baseline, snapshots: live.snapshots, now: NOW }).findings.map((finding) => finding.id));
  });

  it('writes the files in the shapes the AWS CLI and kubectl print, with who changed what', async () => {
    // Prepare
    const live = await collect();

    // Act
    await writeSnapshotDir(dir, baseline, live);

    // Assess
    const read = (file: string) => JSON.parse(readFileSync(path.join(dir, 'production-eu', file), 'utf8')) as Record<string, unknown>;
    const exported = read('ssm.json') as { Parameters: Record<string, unknown>[] };
    expect(exported.Parameters.find((parameter) => parameter.Name === '/production-eu/api/payment/timeout')).toMatchObject({
      Type: 'String',
      Value: '60',
      Version: 1,
    });
    // Several SSM trees of one environment (two regions here) share one export.
    expect(exported.Parameters.map((parameter) => parameter.Name)).toContain('/shared/flags/new_checkout');
    const secure = exported.Parameters.find((parameter) => parameter.Type === 'SecureString');
    expect(secure).toBeDefined();
    expect(secure).not.toHaveProperty('Value');
    const described = read('ssm-describe.json') as { Parameters: Record<string, unknown>[] };
    expect(described.Parameters.find((parameter) => parameter.Name === '/production-eu/api/payment/timeout')?.LastModifiedUser).toBe(
      'arn:aws:iam::210987654321:user/oncall-alice',
    );
    const list = read('kubernetes.json') as { apiVersion: string; kind: string; items: KubeObject[] };
    expect(list).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    expect(list.items.map((item) => `${item.kind}/${item.metadata?.name}`)).toContain('Deployment/api-server');
    expect(read('snapshot.json')).toMatchObject({
      schema: 'drift-audit.snapshot/1',
      environment: 'production-eu',
      takenAt: NOW.toISOString(),
      ssmPrefixes: [
        { path: '/production-eu/api/', keyStyle: 'env' },
        { path: '/shared/flags/', keyStyle: 'env' },
      ],
    });
    expect(readdirSync(path.join(dir, 'staging-us')).sort()).toEqual(['snapshot.json', 'ssm-describe.json', 'ssm.json']);
  });

  it('writes no secret: no SecureString value, no Secret, and literal values of secret-looking keys replaced', async () => {
    // Prepare: a hand-set token in a Deployment and a password in a ConfigMap, as people do.
    const live = await collect();
    const literal = 'literal-token-canary-in-a-manifest';
    const leaky: KubeObject[] = [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'leaky', namespace: 'api' },
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: 'app',
                  image: 'leaky:1',
                  env: [
                    { name: 'SESSION_TOKEN', value: literal },
                    { name: 'LOG_LEVEL', value: 'info' },
                  ],
                },
              ],
            },
          },
        },
      } as KubeObject,
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'leaky-config', namespace: 'api' },
        data: { DB_PASSWORD: literal, POOL_SIZE: '10' },
      } as KubeObject,
    ];
    const kubernetes = Object.fromEntries(Object.entries(live.state.kubernetes).map(([id, objects]) => [id, [...objects, ...leaky]]));

    // Act
    await writeSnapshotDir(dir, baseline, { snapshots: live.snapshots, state: { ...live.state, schema: LIVE_STATE_SCHEMA, kubernetes } });

    // Assess
    const everything = ['staging-us', 'production-eu']
      .flatMap((environment) => readdirSync(path.join(dir, environment)).map((file) => readFileSync(path.join(dir, environment, file), 'utf8')))
      .join('\n');
    expect(everything).not.toContain(SSM_CANARY);
    expect(everything).not.toContain(SECRET_CANARY);
    expect(everything).not.toContain(literal);
    const list = JSON.parse(readFileSync(path.join(dir, 'production-eu', 'kubernetes.json'), 'utf8')) as {
      items: { metadata: { name: string }; data?: Record<string, string>; spec?: unknown }[];
    };
    expect(list.items.find((item) => item.metadata.name === 'leaky-config')?.data).toEqual({ DB_PASSWORD: REDACTED_VALUE, POOL_SIZE: '10' });
    expect(JSON.stringify(list.items.find((item) => item.metadata.name === 'leaky')?.spec)).toContain('"LOG_LEVEL","value":"info"');
  });
});

describe('Function: writeSnapshotDir (secrets kept in plain sight)', () => {
  let ssm: SsmServer;
  let kube: KubeServer;
  let eks: EksEndpoint;
  let dir: string;
  const baseline = baselineOf(SECRET_BASELINE_YAML);

  async function collect(): Promise<CollectLiveResult> {
    const factory = new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      budget: new RequestBudget({ rates: {} }),
      overrides: (_target, service) => ({ endpoint: service === 'EKS' ? eks.url : ssm.url, credentials: CREDENTIALS }),
    });
    try {
      return await collectLive(baseline, { factory, clock: () => NOW });
    } finally {
      factory.destroy();
    }
  }

  /** Every file written, by `<env>/<file>`. */
  function writtenFiles(): Record<string, string> {
    return Object.fromEntries(
      readdirSync(dir).flatMap((environment) =>
        readdirSync(path.join(dir, environment)).map((file) => [`${environment}/${file}`, readFileSync(path.join(dir, environment, file), 'utf8')]),
      ),
    );
  }

  /** What people see of each finding: identity, shown values, message. */
  function reported(snapshots: readonly Snapshot[]): unknown[] {
    return analyse({ baseline, snapshots, now: NOW }).findings.map((f) => ({ id: f.id, actual: f.actual, expected: f.expected, message: f.message }));
  }

  beforeAll(async () => {
    kube = await startKubeServer({ objects: [...fixtureObjects(), ...leakyKubeObjects()], acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
    ssm = await startSsmServer({ account: '210987654321', parameters: secretParameters() });
  });

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'drift-audit-snapshot-secrets-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  afterAll(async () => {
    await Promise.all([kube.close(), eks.close(), ssm.close()]);
  });

  it('writes no secret value in any file, whether the key is secret by its name or by declaration', async () => {
    // Prepare
    const live = await collect();
    expect(JSON.stringify(live.state)).toContain(KUBE_CANARY);

    // Act
    await writeSnapshotDir(dir, baseline, live);

    // Assess
    const files = writtenFiles();
    expect(Object.keys(files).sort()).toEqual([
      'production-eu/kubernetes.json',
      'production-eu/snapshot.json',
      'production-eu/ssm-describe.json',
      'production-eu/ssm.json',
      'staging-us/snapshot.json',
      'staging-us/ssm-describe.json',
      'staging-us/ssm.json',
    ]);
    const binary = Buffer.from(`${KUBE_CANARY}-binary`).toString('base64');
    for (const [file, text] of Object.entries(files)) {
      for (const canary of [NAMED_CANARY, DECLARED_CANARY, KUBE_CANARY, binary, SSM_CANARY, SECRET_CANARY, 'last-applied-configuration']) {
        expect({ file, leaked: text.includes(canary) }).toEqual({ file, leaked: false });
      }
    }
  });

  it('keeps each secret parameter with its type and the redaction marker, and every non-secret value', async () => {
    // Prepare
    const live = await collect();

    // Act
    await writeSnapshotDir(dir, baseline, live);

    // Assess
    const files = writtenFiles();
    const exported = (environment: string) => (JSON.parse(files[`${environment}/ssm.json`] ?? '{}') as { Parameters: Record<string, unknown>[] }).Parameters;
    const shape = (environment: string) => exported(environment).map((p) => [p.Name, p.Type, p.Value ?? null]);
    expect(shape('production-eu')).toEqual([
      ['/production-eu/api/dsn', 'StringList', REDACTED_VALUE],
      ['/production-eu/api/payment/timeout', 'String', '60'],
      ['/production-eu/api/smtp/password', 'String', REDACTED_VALUE],
      ['/production-eu/api/stripe/api_key', 'SecureString', null],
    ]);
    expect(shape('staging-us')).toContainEqual(['/staging-us/api/smtp/password', 'String', REDACTED_VALUE]);
    const list = JSON.parse(files['production-eu/kubernetes.json'] ?? '{}') as { items: KubeObject[] };
    const item = (kind: string, name: string) =>
      list.items.find((object) => object.kind === kind && object.metadata.name === name) as
        | (KubeObject & { data?: Record<string, string>; binaryData?: unknown })
        | undefined;
    const mailer = item('Deployment', 'mailer');
    expect(mailer?.metadata.annotations).toEqual({ team: 'mail' });
    const env = (mailer!.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0]?.env;
    expect(env?.filter((variable) => variable.value !== undefined).map((variable) => [variable.name, variable.value])).toEqual([
      ['DSN', REDACTED_VALUE],
      ['SMTP_PASSWORD', REDACTED_VALUE],
      ['MAIL_FROM', 'noreply@example.com'],
    ]);
    // Read as MAILER_API_KEY (secret name) and through envFrom as MAILER_RELAY (declared secret).
    expect(item('ConfigMap', 'mailer-config')?.data).toEqual({ 'provider-key': REDACTED_VALUE, region: 'eu' });
    expect(item('ConfigMap', 'mailer-config')).not.toHaveProperty('binaryData');
    expect(item('ConfigMap', 'mailer-env')?.data).toEqual({ RELAY: REDACTED_VALUE, FROM_NAME: 'Shop' });
    expect(item('ConfigMap', 'api-config')?.data).toEqual({ 'log-level': 'warn', DATABASE_POOL_SIZE: '15', API_TIMEOUT: '120' });
  });

  it('reads the redacted snapshot back with the findings of the live read, secret keys present as secrets', async () => {
    // Prepare
    const live = await collect();

    // Act
    await writeSnapshotDir(dir, baseline, live);
    const offline = await readSnapshots(baseline, dir);

    // Assess
    expect(reported(offline)).toEqual(reported(live.snapshots));
    expect(reported(offline).some((finding) => (finding as { id: string }).id.startsWith('missing:') && (finding as { id: string }).id.endsWith(':DSN'))).toBe(
      false,
    );
    for (const snapshot of offline) {
      const ssmSecrets = snapshot.observations.filter((o) => o.provenance.layer === 'ssm' && (o.key === 'DSN' || o.key === 'SMTP_PASSWORD'));
      expect(ssmSecrets.map((o) => [o.key, o.value])).toEqual([
        ['DSN', { kind: 'secret' }],
        ['SMTP_PASSWORD', { kind: 'secret' }],
      ]);
    }
    // Everything that is not secret reads back exactly as it was read live.
    const plain = (snapshot: Snapshot) =>
      comparable({ ...snapshot, observations: snapshot.observations.filter((o) => !isSecretKey(o.key, baseline.settings.get(o.key))) });
    for (const [index, snapshot] of live.snapshots.entries()) expect(plain(offline[index]!)).toEqual(plain(snapshot));
  });
});
