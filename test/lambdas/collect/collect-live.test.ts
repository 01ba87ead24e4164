import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectLive, type CollectLiveOptions, type CollectProgress } from '../../../lambdas/collect/collect-live.js';
import { parseLiveState } from '../../../lambdas/collect/live-state.js';
import { AwsClientFactory, type AwsClientFactoryOptions } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { RequestBudget, SSM_GET_GROUP, type BudgetClock } from '../../../lambdas/sources/aws/request-budget.js';
import { startEksEndpoint, type EksEndpoint } from '../sources/eks/eks-endpoint.js';
import { fixtureObjects, SECRET_CANARY } from '../sources/eks/kube-fixtures.js';
import { startKubeServer, TEST_CA_PEM, type KubeServer } from '../../support/kube-server.js';
import { startSsmServer, type SsmServer } from '../../support/ssm-server.js';
import { ASSUMED_KEY, baselineOf, COLLECT_BASELINE_YAML, collectParameters, CREDENTIALS, ROLE, SSM_CANARY } from './collect-estate.js';

/** A budget clock where time stands still and sleeps return at once, recording how long each would wait. */
function frozenClock(): BudgetClock & { readonly waits: number[] } {
  const waits: number[] = [];
  return { waits, now: () => 0, sleep: async (ms: number) => void waits.push(Math.round(ms)) };
}

describe('Function: collectLive', () => {
  let ssm: SsmServer;
  let kube: KubeServer;
  let eks: EksEndpoint;
  let factory: AwsClientFactory;
  const baseline = baselineOf(COLLECT_BASELINE_YAML);

  function newFactory(options: AwsClientFactoryOptions = {}): AwsClientFactory {
    return new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
      budget: new RequestBudget({ rates: {} }),
      overrides: (_target, service) => ({ endpoint: service === 'EKS' ? eks.url : ssm.url, credentials: CREDENTIALS }),
      ...options,
    });
  }

  function collect(options: Partial<CollectLiveOptions> = {}) {
    return collectLive(baseline, { factory, clock: () => new Date('2026-11-23T10:00:00Z'), ...options });
  }

  beforeAll(async () => {
    // The cluster only lets in tokens signed with the production role's credentials.
    kube = await startKubeServer({
      objects: fixtureObjects(),
      acceptToken: (token) => Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString('utf8').includes(`X-Amz-Credential=${ASSUMED_KEY}`),
    });
    eks = await startEksEndpoint([{ name: 'prod-eu', endpoint: kube.url, caPem: TEST_CA_PEM }]);
  });

  beforeEach(async () => {
    ssm = await startSsmServer({ account: '210987654321', parameters: collectParameters() });
    factory = newFactory();
  });

  afterEach(async () => {
    factory.destroy();
    await ssm.close();
  });

  afterAll(async () => {
    await Promise.all([kube.close(), eks.close()]);
  });

  it('reads every source of every environment into one snapshot per environment, in declaration order', async () => {
    // Act
    const result = await collect();

    // Assess
    expect(result.snapshots.map((snapshot) => snapshot.environment)).toEqual(['staging-us', 'production-eu']);
    const [staging, production] = result.snapshots;
    expect(staging?.sources.map((source) => `${source.id} ${source.status}`)).toEqual(['ssm:us-east-1:/staging-us/api/ ok']);
    expect(production?.sources.map((source) => `${source.id} ${source.status}`)).toEqual([
      'ssm:eu-west-1:/production-eu/api/ ok',
      'ssm:us-east-1:/shared/flags/ ok',
      'eks:prod-eu/api,payments ok',
    ]);
    const where = (key: string, layer: string) =>
      production?.observations
        .filter((o) => o.key === key && o.provenance.layer === layer)
        .map((o) => ({ value: o.value, region: o.provenance.region, by: o.provenance.changedBy }));
    expect(where('PAYMENT_TIMEOUT', 'ssm')).toEqual([
      { value: { kind: 'plain', value: '60' }, region: 'eu-west-1', by: 'arn:aws:iam::210987654321:user/oncall-alice' },
    ]);
    // A source's own region wins over its environment's.
    expect(where('NEW_CHECKOUT', 'ssm')).toEqual([
      { value: { kind: 'plain', value: 'true' }, region: 'us-east-1', by: 'arn:aws:iam::210987654321:user/release-bot' },
    ]);
    expect(production?.observations.some((o) => o.key === 'DB_TIMEOUT' && o.provenance.changedBy === 'kubectl-set')).toBe(true);
    expect(production?.images.map((image) => image.image)).toContain('123456789012.dkr.ecr.eu-west-1.amazonaws.com/api-server:2.14.0');
    expect(result.snapshots.every((snapshot) => snapshot.takenAt === '2026-11-23T10:00:00.000Z')).toBe(true);
  });

  it('reads an environment that names a role through that role, in every region it reads', async () => {
    // Act
    const result = await collect();

    // Assess
    const assumed = ssm.requests.filter((request) => request.operation === 'AssumeRole');
    // One session serves the role's SSM and EKS clients in every region it reads.
    expect(assumed).toHaveLength(1);
    expect(new Set(assumed.map((request) => request.body['RoleArn']))).toEqual(new Set([ROLE]));
    expect(assumed.every((request) => request.accessKeyId === CREDENTIALS.accessKeyId)).toBe(true);
    const keyOf = (prefix: string) => new Set(ssm.requests.filter((r) => JSON.stringify(r.body).includes(prefix)).map((r) => r.accessKeyId));
    expect(keyOf('/production-eu/api')).toEqual(new Set([ASSUMED_KEY]));
    expect(keyOf('/shared/flags')).toEqual(new Set([ASSUMED_KEY]));
    expect(keyOf('/staging-us/api')).toEqual(new Set([CREDENTIALS.accessKeyId]));
    // The stand-in cluster accepts only tokens signed with the role's credentials.
    expect(result.snapshots[1]?.sources.find((source) => source.kind === 'eks')?.status).toBe('ok');
    expect(kube.requests.length).toBeGreaterThan(0);
    expect(kube.requests.every((request) => request.authorized || request.path.includes('/secrets'))).toBe(true);
  });

  it('starts every source before any finishes: environments, regions and accounts are read concurrently', async () => {
    // Prepare
    const events: CollectProgress[] = [];

    // Act
    await collect({ onProgress: (event) => events.push(event) });

    // Assess
    const firstEnd = events.findIndex((event) => event.phase !== 'start');
    expect(
      events
        .slice(0, firstEnd)
        .map((event) => event.sourceId)
        .sort(),
    ).toEqual(['eks:prod-eu/api,payments', 'ssm:eu-west-1:/production-eu/api/', 'ssm:us-east-1:/shared/flags/', 'ssm:us-east-1:/staging-us/api/']);
    expect(events.slice(firstEnd).every((event) => event.phase === 'done' && (event.items ?? 0) > 0)).toBe(true);
  });

  it('paces each region of each account with one budget shared by every environment reading it', async () => {
    // Prepare: 10 Get requests/s per bucket on a frozen clock, so each wait shows the request's place in its bucket.
    const clock = frozenClock();
    factory.destroy();
    factory = newFactory({ budget: new RequestBudget({ rates: { [SSM_GET_GROUP]: 10 }, clock }) });

    // Act
    await collect();

    // Assess: Parameter Store throttles per account and Region. us-east-1 is read in two accounts
    // (staging's tree with our credentials, production's flags through its role), so each queues in
    // its own bucket, 100 ms apart; eu-west-1 (production's account) has its own too.
    const gets = (region: string, key: string) =>
      ssm.requests.filter((r) => r.region === region && r.accessKeyId === key && r.operation.startsWith('GetParameter')).length;
    const queue = (count: number) => Array.from({ length: Math.max(0, count - 1) }, (_, index) => (index + 1) * 100);
    expect(gets('us-east-1', CREDENTIALS.accessKeyId)).toBeGreaterThanOrEqual(1);
    expect(gets('us-east-1', ASSUMED_KEY)).toBeGreaterThanOrEqual(1);
    expect(clock.waits.sort((a, b) => a - b)).toEqual(
      [...queue(gets('us-east-1', CREDENTIALS.accessKeyId)), ...queue(gets('us-east-1', ASSUMED_KEY)), ...queue(gets('eu-west-1', ASSUMED_KEY))].sort(
        (a, b) => a - b,
      ),
    );
  });

  it('shares one bucket between environments that declare the same account in one region', async () => {
    // Prepare: staging declares production's account, so its reads and production's share a quota.
    const clock = frozenClock();
    factory.destroy();
    factory = newFactory({ budget: new RequestBudget({ rates: { [SSM_GET_GROUP]: 10 }, clock }) });
    const sameAccount = baselineOf(COLLECT_BASELINE_YAML.replace('  staging-us:\n', '  staging-us:\n    account: "210987654321"\n'));

    // Act
    await collectLive(sameAccount, { factory, clock: () => new Date('2026-11-23T10:00:00Z') });

    // Assess: one queue for us-east-1, whichever credentials sent the request.
    const gets = (region: string) => ssm.requests.filter((r) => r.region === region && r.operation.startsWith('GetParameter')).length;
    const queue = (count: number) => Array.from({ length: Math.max(0, count - 1) }, (_, index) => (index + 1) * 100);
    expect(clock.waits.sort((a, b) => a - b)).toEqual([...queue(gets('us-east-1')), ...queue(gets('eu-west-1'))].sort((a, b) => a - b));
  });

  it('turns a source that fails into an error status and reads everything else', async () => {
    // Prepare
    ssm.denyPath('/shared/flags/', 'us-east-1');
    const events: CollectProgress[] = [];

    // Act
    const result = await collect({ onProgress: (event) => events.push(event) });

    // Assess
    const production = result.snapshots[1];
    const failed = production?.sources.find((source) => source.id === 'ssm:us-east-1:/shared/flags/');
    expect(failed?.status).toBe('error');
    expect(failed?.error?.message).toContain('AccessDenied');
    expect(production?.sources.filter((source) => source.status === 'ok')).toHaveLength(2);
    expect(result.snapshots[0]?.sources[0]?.status).toBe('ok');
    expect(production?.observations.some((o) => o.key === 'NEW_CHECKOUT')).toBe(false);
    expect(events.find((event) => event.phase === 'error')).toMatchObject({ environment: 'production-eu', sourceId: 'ssm:us-east-1:/shared/flags/' });
    // A failed source leaves nothing to read incrementally from.
    expect(Object.keys(result.state.ssm).sort()).toEqual(['ssm:eu-west-1:/production-eu/api/', 'ssm:us-east-1:/staging-us/api/']);
  });

  it('with the previous state, fetches values only for parameters whose version moved', async () => {
    // Prepare
    const first = await collect();
    const previous = parseLiveState(JSON.stringify(first.state));
    ssm.put('eu-west-1', { name: '/production-eu/api/payment/timeout', value: '30' });
    ssm.clearRequests();

    // Act
    const second = await collect({ ...(previous === undefined ? {} : { previous }) });

    // Assess
    expect(previous).toBeDefined();
    expect(ssm.count('GetParametersByPath')).toBe(0);
    const fetched = ssm.requests.filter((request) => request.operation === 'GetParameters').map((request) => request.body['Names']);
    expect(fetched).toEqual([['/production-eu/api/payment/timeout']]);
    const timeout = second.snapshots[1]?.observations.find((o) => o.key === 'PAYMENT_TIMEOUT' && o.provenance.layer === 'ssm');
    expect(timeout?.value).toEqual({ kind: 'plain', value: '30' });
    expect(second.snapshots[1]?.observations.some((o) => o.key === 'ALLOWED_ORIGINS')).toBe(true);
  });

  it('reports the API calls of this read only, even from a factory reused across runs', async () => {
    // Prepare
    const first = await collect();
    ssm.clearRequests();

    // Act
    const second = await collect();

    // Assess
    const total = (stats: typeof first.apiCalls, operation: string) =>
      Object.entries(stats)
        .filter(([key]) => key.includes(`SSM.${operation}`))
        .reduce((sum, [, entry]) => sum + entry.calls, 0);
    for (const operation of ['DescribeParameters', 'GetParametersByPath']) {
      expect(total(second.apiCalls, operation)).toBe(ssm.count(operation as 'DescribeParameters'));
      expect(total(first.apiCalls, operation)).toBe(total(second.apiCalls, operation));
    }
    // The role's credentials are still valid: the second read assumes nothing.
    expect(Object.keys(first.apiCalls)).toContain('eu-west-1:STS.AssumeRole');
    expect(Object.keys(second.apiCalls)).not.toContain('eu-west-1:STS.AssumeRole');
  });

  it('never holds a secret value: not in the snapshots, not in the state kept for the next run', async () => {
    // Act
    const result = await collect();

    // Assess
    const everything = JSON.stringify(result);
    expect(everything).not.toContain(SSM_CANARY);
    expect(everything).not.toContain(SECRET_CANARY);
    const stripe = result.state.ssm['ssm:eu-west-1:/production-eu/api/']?.find((record) => record.name.endsWith('stripe/api_key'));
    expect(stripe).toMatchObject({ type: 'SecureString', version: 1 });
    expect(stripe?.value).toBeUndefined();
    expect(kube.requests.some((request) => request.resource === 'secrets')).toBe(false);
  });

  it('turns the sources still reading when the signal aborts into aborted errors', async () => {
    // Prepare: production's Parameter Store hangs; the deadline passes while it does.
    ssm.stall('DescribeParameters', 10_000);
    const controller = new AbortController();
    let started = 0;
    const onProgress = (event: CollectProgress) => {
      if (event.phase !== 'start') return;
      started += 1;
      if (started === 4) setTimeout(() => controller.abort(new Error('deadline')), 50);
    };

    // Act
    const result = await collect({ signal: controller.signal, onProgress });
    ssm.stall('DescribeParameters', 0);

    // Assess
    const ssmStatuses = result.snapshots.flatMap((snapshot) => snapshot.sources).filter((source) => source.kind === 'ssm');
    expect(ssmStatuses.map((source) => source.error?.code)).toEqual(['aborted', 'aborted', 'aborted']);
    expect(result.state.ssm).toEqual({});
  });
});
