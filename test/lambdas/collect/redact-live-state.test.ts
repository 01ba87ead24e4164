import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectLive, type CollectLiveOptions } from '../../../lambdas/collect/collect-live.js';
import { LIVE_STATE_SCHEMA, parseLiveState, type LiveState } from '../../../lambdas/collect/live-state.js';
import { redactLiveState } from '../../../lambdas/collect/redact-live-state.js';
import { analyse } from '../../../lambdas/engine/analyse/analyse.js';
import { isSecretKey } from '../../../lambdas/engine/analyse/show-value.js';
import type { Snapshot } from '../../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import type { KubeObject } from '../../../lambdas/sources/eks/kube-client.js';
import { startEksEndpoint, type EksEndpoint } from '../sources/eks/eks-endpoint.js';
import { fixtureObjects, SECRET_CANARY } from '../sources/eks/kube-fixtures.js';
import { startKubeServer, TEST_CA_PEM, type KubeServer } from '../../support/kube-server.js';
import { startSsmServer, type SsmServer } from '../../support/ssm-server.js';
import { RequestBudget } from '../../../lambdas/sources/aws/request-budget.js';
import {
  baselineOf,
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
const PROD = 'ssm:eu-west-1:/production-eu/api/';

/** What a run reports, as people see it: identity, shown values and message of each finding. */
function reported(snapshots: readonly Snapshot[], baseline = baselineOf(SECRET_BASELINE_YAML)): unknown[] {
  return analyse({ baseline, snapshots, now: NOW }).findings.map((f) => ({ id: f.id, actual: f.actual, expected: f.expected, message: f.message }));
}

describe('Function: redactLiveState', () => {
  const baseline = baselineOf(SECRET_BASELINE_YAML);
  const state = (ssm: LiveState['ssm'], kubernetes: LiveState['kubernetes'] = {}): LiveState => ({
    schema: LIVE_STATE_SCHEMA,
    takenAt: NOW.toISOString(),
    ssm,
    kubernetes,
  });

  it('withholds the value of every secret key and keeps what the next incremental read needs', () => {
    // Prepare
    const records = [
      {
        name: '/production-eu/api/dsn',
        type: 'String',
        value: DECLARED_CANARY,
        version: 3,
        lastModifiedDate: '2026-11-01T00:00:00.000Z',
        lastModifiedUser: 'arn:aws:iam::210987654321:user/bob',
        arn: 'arn:aws:ssm:eu-west-1:210987654321:parameter/production-eu/api/dsn',
        tier: 'Standard',
        dataType: 'text',
      },
      { name: '/production-eu/api/payment/timeout', type: 'String', value: '60', version: 1 },
      { name: '/production-eu/api/smtp/password', type: 'String', value: NAMED_CANARY, version: 2 },
      { name: '/production-eu/api/stripe/api_key', type: 'SecureString', version: 1 },
    ] as const;

    // Act
    const redacted = redactLiveState(state({ [PROD]: records }), baseline);

    // Assess
    expect(JSON.stringify(redacted)).not.toContain(DECLARED_CANARY);
    expect(JSON.stringify(redacted)).not.toContain(NAMED_CANARY);
    expect(redacted.ssm[PROD]).toEqual([
      {
        name: '/production-eu/api/dsn',
        type: 'String',
        version: 3,
        lastModifiedDate: '2026-11-01T00:00:00.000Z',
        lastModifiedUser: 'arn:aws:iam::210987654321:user/bob',
        arn: 'arn:aws:ssm:eu-west-1:210987654321:parameter/production-eu/api/dsn',
        tier: 'Standard',
        dataType: 'text',
        redacted: true,
      },
      { name: '/production-eu/api/payment/timeout', type: 'String', value: '60', version: 1 },
      { name: '/production-eu/api/smtp/password', type: 'String', version: 2, redacted: true },
      { name: '/production-eu/api/stripe/api_key', type: 'SecureString', version: 1 },
    ]);
    expect(redacted).toMatchObject({ schema: LIVE_STATE_SCHEMA, takenAt: NOW.toISOString() });
  });

  it('keeps no Kubernetes object: the next run reads only SSM records back', () => {
    // Prepare
    const objects = leakyKubeObjects() as unknown as KubeObject[];

    // Act
    const redacted = redactLiveState(state({}, { 'eks:prod-eu/api,payments': objects }), baseline);

    // Assess
    expect(redacted.kubernetes).toEqual({});
    expect(JSON.stringify(redacted)).not.toContain(KUBE_CANARY);
  });

  it('withholds exactly what the engine would never compare, the setting included', () => {
    // Prepare: a secret-looking name the baseline declares `secret: false`, and one it declares nothing of.
    const declared = baselineOf(`${SECRET_BASELINE_YAML}  TOKEN_TTL: { value: "3600", secret: false }\n`);
    const setting = declared.settings.get('TOKEN_TTL');
    const records = [
      { name: '/production-eu/api/token/ttl', type: 'String', value: '3600', version: 1 },
      { name: '/production-eu/api/session/token', type: 'String', value: 'abc', version: 1 },
    ] as const;

    // Act
    const redacted = redactLiveState(state({ [PROD]: records }), declared);

    // Assess
    const kept = (name: string) => redacted.ssm[PROD]?.find((record) => record.name === name)?.value !== undefined;
    expect(setting).toBeDefined();
    expect(kept('/production-eu/api/token/ttl')).toBe(!isSecretKey('TOKEN_TTL', setting));
    expect(kept('/production-eu/api/session/token')).toBe(false);
  });

  it('judges records of a source the baseline no longer declares under either key style', () => {
    // Prepare
    const records = [
      { name: '/old/api/db/password', type: 'String', value: NAMED_CANARY, version: 1 },
      { name: '/old/api/dsn', type: 'String', value: DECLARED_CANARY, version: 1 },
      { name: '/old/api/log_level', type: 'String', value: 'info', version: 1 },
    ] as const;

    // Act
    const redacted = redactLiveState(state({ 'ssm:eu-west-1:/old/api/': records }), baseline);

    // Assess: `dsn` is DSN in env style, which the baseline declares secret.
    expect(redacted.ssm['ssm:eu-west-1:/old/api/']?.map((record) => [record.name, record.value ?? null, record.redacted ?? false])).toEqual([
      ['/old/api/db/password', null, true],
      ['/old/api/dsn', null, true],
      ['/old/api/log_level', 'info', false],
    ]);
  });
});

describe('Function: collectLive (the state kept between runs)', () => {
  let ssm: SsmServer;
  let kube: KubeServer;
  let eks: EksEndpoint;
  let factory: AwsClientFactory;
  const baseline = baselineOf(SECRET_BASELINE_YAML);

  function collect(options: Partial<CollectLiveOptions> = {}) {
    return collectLive(baseline, { factory, clock: () => NOW, ...options });
  }

  beforeAll(async () => {
    kube = await startKubeServer({ objects: [...fixtureObjects(), ...leakyKubeObjects()], acceptToken: (token) => token.startsWith('k8s-aws-v1.') });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
  });

  beforeEach(async () => {
    ssm = await startSsmServer({ account: '210987654321', parameters: secretParameters() });
    factory = new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      budget: new RequestBudget({ rates: {} }),
      overrides: (_target, service) => ({ endpoint: service === 'EKS' ? eks.url : ssm.url, credentials: CREDENTIALS }),
    });
  });

  afterEach(async () => {
    factory.destroy();
    await ssm.close();
  });

  afterAll(async () => {
    await Promise.all([kube.close(), eks.close()]);
  });

  it('persists no secret: no value of a secret-looking or declared-secret String parameter, no Kubernetes object', async () => {
    // Act
    const result = await collect();

    // Assess
    const persisted = JSON.stringify(result.persistedState);
    for (const canary of [NAMED_CANARY, DECLARED_CANARY, KUBE_CANARY, SSM_CANARY, SECRET_CANARY, 'last-applied-configuration']) {
      expect(persisted).not.toContain(canary);
    }
    // The raw state did hold them: the persisted one is what removed them.
    expect(JSON.stringify(result.state)).toContain(NAMED_CANARY);
    expect(result.persistedState.kubernetes).toEqual({});
    expect(result.persistedState.ssm[PROD]?.map((record) => [record.name, record.type, record.value ?? null, record.version])).toEqual([
      ['/production-eu/api/dsn', 'StringList', null, 1],
      ['/production-eu/api/payment/timeout', 'String', '60', 1],
      ['/production-eu/api/smtp/password', 'String', null, 1],
      ['/production-eu/api/stripe/api_key', 'SecureString', null, 1],
    ]);
  });

  it('reads incrementally from the persisted state with the same findings and no value fetched', async () => {
    // Prepare
    const first = await collect();
    const previous = parseLiveState(JSON.stringify(first.persistedState));
    ssm.clearRequests();

    // Act
    const second = await collect({ ...(previous === undefined ? {} : { previous }) });

    // Assess
    expect(previous).toBeDefined();
    expect(ssm.count('GetParameters')).toBe(0);
    expect(ssm.count('GetParametersByPath')).toBe(0);
    expect(reported(second.snapshots)).toEqual(reported(first.snapshots));
    expect(reported(second.snapshots).some((finding) => (finding as { id: string }).id.startsWith('missing:'))).toBe(false);
    for (const snapshot of second.snapshots) {
      const secrets = snapshot.observations.filter((o) => o.provenance.layer === 'ssm' && (o.key === 'DSN' || o.key === 'SMTP_PASSWORD'));
      expect(secrets.map((o) => [o.key, o.value])).toEqual([
        ['DSN', { kind: 'secret' }],
        ['SMTP_PASSWORD', { kind: 'secret' }],
      ]);
    }
    expect(JSON.stringify(second.persistedState)).not.toContain(DECLARED_CANARY);
  });

  it('fetches the value of a secret key again only when its version moved, and keeps it out of the state', async () => {
    // Prepare
    const first = await collect();
    const previous = parseLiveState(JSON.stringify(first.persistedState));
    ssm.put('eu-west-1', { name: '/production-eu/api/dsn', value: `${DECLARED_CANARY}-rotated`, type: 'StringList' });
    ssm.clearRequests();

    // Act
    const second = await collect({ ...(previous === undefined ? {} : { previous }) });

    // Assess
    const fetched = ssm.requests.filter((request) => request.operation === 'GetParameters').map((request) => request.body['Names']);
    expect(fetched).toEqual([['/production-eu/api/dsn']]);
    expect(reported(second.snapshots)).toEqual(reported(first.snapshots));
    expect(JSON.stringify(second.persistedState)).not.toContain(DECLARED_CANARY);
    expect(second.persistedState.ssm[PROD]?.find((record) => record.name === '/production-eu/api/dsn')).toMatchObject({ version: 2, redacted: true });
  });
});
