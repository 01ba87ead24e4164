import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectLive, type CollectLiveResult } from '../../../lambdas/collect/collect-live.js';
import type { LiveState } from '../../../lambdas/collect/live-state.js';
import { analyse } from '../../../lambdas/engine/analyse/analyse.js';
import type { AuditResult, Finding } from '../../../lambdas/engine/model.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { RequestBudget } from '../../../lambdas/sources/aws/request-budget.js';
import { awsServerError, awsThrottle, kubeStatus, type Fault, type FaultProxy, type ProxiedRequest } from '../../support/fault-proxy.js';
import { canaryFragments, LIVE_BASELINE_YAML, PLAIN_KUBE_CANARY, PLAIN_SSM_CANARY, startLiveEstate, type LiveEstate } from '../../support/live-estate.js';
import { baselineOf } from './collect-estate.js';

/*
 * Every fault a network or an overloaded service produces, on every call a live read makes, through
 * the real clients and a loopback proxy in front of the stand-ins. Whatever breaks, the read must end
 * (short deadlines where a row waits for one), the broken source must be an error with the
 * code that says what happened, the audit must be partial, no finding may appear that the clean estate
 * does not have (an unread tree is not an empty one), and no secret may leak through an error message.
 */

const NOW = new Date('2026-11-23T12:00:00Z');
const CREDENTIALS = { accessKeyId: 'AKIDFAULTTEST', secretAccessKey: 'fault-test-secret' };
const PRODUCTION_SSM = 'ssm:eu-west-1:/production-eu/api/';
const PRODUCTION_EKS = 'eks:prod-eu/api,payments';
const CANARY_PARAMETER = '/production-eu/api/stripe/webhook_secret';

/** Which call a row breaks, how to read so that the call is made, and the faults it is broken with. */
interface Target {
  readonly name: string;
  readonly faults: readonly FaultName[];
  readonly proxy: 'ssm' | 'eks' | 'kube';
  readonly match: (request: ProxiedRequest) => boolean;
  readonly source: string;
  /** Read incrementally from the clean state, with the canary parameter's version moved (so GetParameters fetches it). */
  readonly incremental?: boolean;
  /** Where a `corrupt` fault breaks the body: right before the canary when the body carries it. */
  readonly corruptBefore?: string;
}

const ssmOperation =
  (operation: string) =>
  (request: ProxiedRequest): boolean =>
    request.operation === operation && request.body.includes('/production-eu/api');

/** A fault and the code the broken source must report; `throttle` and `5xx` speak each service's dialect. */
interface FaultCase {
  readonly name: string;
  readonly fault: (target: Target) => Fault;
  readonly code: string;
  /** Ends only at a deadline: read with short ones. Every other row keeps the defaults, so a loaded machine cannot time out a healthy call. */
  readonly waitsForDeadline?: boolean;
}

const FAULTS = {
  empty: { name: 'an empty body', fault: () => ({ kind: 'empty' }), code: 'malformed-response' },
  stall: { name: 'headers, then a stall', fault: () => ({ kind: 'stall' }), code: 'timeout', waitsForDeadline: true },
  drip: { name: 'a body dripped a byte every 40 ms', fault: () => ({ kind: 'drip', intervalMs: 40 }), code: 'timeout', waitsForDeadline: true },
  reset: { name: 'a connection reset', fault: () => ({ kind: 'reset' }), code: 'connection-reset' },
  truncate: { name: 'a body cut after 40 bytes', fault: () => ({ kind: 'truncate', bytes: 40 }), code: 'malformed-response' },
  corrupt: {
    name: 'a corrupted byte',
    fault: (target) => ({ kind: 'corrupt', ...(target.corruptBefore === undefined ? {} : { before: target.corruptBefore }) }),
    code: 'malformed-response',
  },
  '5xx': { name: 'a 5xx', fault: (target) => (target.proxy === 'kube' ? kubeStatus(503) : awsServerError()), code: 'server-error' },
  throttle: { name: 'a throttle', fault: (target) => (target.proxy === 'kube' ? kubeStatus(429) : awsThrottle()), code: 'throttled' },
} satisfies Record<string, FaultCase>;

type FaultName = keyof typeof FAULTS;
const EVERY_FAULT = Object.keys(FAULTS) as FaultName[];

/*
 * Every fault on one call of each protocol (GetParametersByPath, a Kubernetes list); on the other
 * calls, the faults each is most exposed to: a malformed answer on every operation, a stall and a drip
 * on every client. Every row costs a live read, and the slow ones (stall, drip) wait out a deadline.
 */
const TARGETS: readonly Target[] = [
  {
    name: 'SSM GetParametersByPath',
    faults: EVERY_FAULT,
    proxy: 'ssm',
    match: ssmOperation('GetParametersByPath'),
    source: PRODUCTION_SSM,
    corruptBefore: PLAIN_SSM_CANARY,
  },
  {
    name: 'SSM DescribeParameters (full read)',
    faults: ['empty', 'truncate', 'corrupt', 'stall', 'reset'],
    proxy: 'ssm',
    match: ssmOperation('DescribeParameters'),
    source: PRODUCTION_SSM,
  },
  {
    name: 'SSM DescribeParameters (incremental read)',
    faults: ['empty', 'corrupt'],
    proxy: 'ssm',
    match: ssmOperation('DescribeParameters'),
    source: PRODUCTION_SSM,
    incremental: true,
  },
  {
    name: 'SSM GetParameters (incremental read)',
    faults: ['empty', 'truncate', 'corrupt', 'drip'],
    proxy: 'ssm',
    match: ssmOperation('GetParameters'),
    source: PRODUCTION_SSM,
    incremental: true,
    corruptBefore: PLAIN_SSM_CANARY,
  },
  {
    name: 'EKS DescribeCluster',
    faults: ['empty', 'corrupt', 'stall', 'drip', 'reset', '5xx', 'throttle'],
    proxy: 'eks',
    match: (request) => request.path.startsWith('/clusters/prod-eu'),
    source: PRODUCTION_EKS,
  },
  {
    name: 'Kubernetes list of ConfigMaps',
    faults: EVERY_FAULT,
    proxy: 'kube',
    match: (request) => request.path.startsWith('/api/v1/namespaces/api/configmaps'),
    source: PRODUCTION_EKS,
    corruptBefore: PLAIN_KUBE_CANARY,
  },
  {
    name: 'Kubernetes list of Deployments',
    faults: ['empty', 'truncate'],
    proxy: 'kube',
    match: (request) => request.path.startsWith('/apis/apps/v1/namespaces/payments/deployments'),
    source: PRODUCTION_EKS,
  },
];

/** What a finding is about, independent of how ids are spelled. */
function aboutOf(finding: Finding): string {
  return `${finding.type}|${finding.environment}|${finding.key}`;
}

describe('Fault injection: collectLive through a faulty network', () => {
  const baseline = baselineOf(LIVE_BASELINE_YAML);
  let estate: LiveEstate;
  let proxies: NonNullable<LiveEstate['proxies']>;
  let factory: AwsClientFactory | undefined;
  let cleanState: LiveState;
  let cleanFindings: Set<string>;

  /**
   * A live read, one attempt a call, with the default deadlines or, when `short`, 1 s a request and
   * 500 ms of silence (a stall ends at the second, a drip at the first; a healthy call on a loaded
   * machine still fits).
   */
  function collect(previous: LiveState | undefined, short: boolean): Promise<CollectLiveResult> {
    factory = new AwsClientFactory({
      retryStrategy: () => new ConfiguredRetryStrategy(1, () => 0),
      budget: new RequestBudget({ rates: {} }),
      ...(short ? { requestTimeoutMs: 1_000, socketTimeoutMs: 500 } : {}),
      overrides: (_target, service) => ({ endpoint: service === 'EKS' ? estate.endpoints.eks : estate.endpoints.ssm, credentials: CREDENTIALS }),
    });
    return collectLive(baseline, {
      factory,
      clock: () => NOW,
      ...(previous === undefined ? {} : { previous }),
      eks: () => ({ kube: { maxAttempts: 1, ...(short ? { timeoutMs: 1_000, idleTimeoutMs: 500 } : {}) } }),
    });
  }

  function audit(result: CollectLiveResult): AuditResult {
    return analyse({ baseline, snapshots: result.snapshots, now: NOW });
  }

  beforeAll(async () => {
    estate = await startLiveEstate({ proxied: true });
    proxies = estate.proxies as NonNullable<LiveEstate['proxies']>;
    const clean = await collect(undefined, false);
    factory?.destroy();
    cleanState = clean.state;
    const findings = audit(clean).findings;
    cleanFindings = new Set(findings.map(aboutOf));
    // The clean estate reads in full, and has drift of its own: a false read would hide or add to it.
    expect(clean.snapshots.flatMap((snapshot) => snapshot.sources).every((source) => source.status === 'ok')).toBe(true);
    expect(findings.some((finding) => finding.type === 'changed')).toBe(true);
  });

  afterEach(() => {
    for (const proxy of Object.values(proxies)) proxy.clear();
    factory?.destroy();
    factory = undefined;
  });

  afterAll(async () => {
    await estate.close();
  });

  /** The clean state with the canary parameter one version behind, so an incremental read fetches its value. */
  function staleState(): LiveState {
    const records = cleanState.ssm[PRODUCTION_SSM] ?? [];
    return {
      ...cleanState,
      ssm: {
        ...cleanState.ssm,
        [PRODUCTION_SSM]: records.map((record) => (record.name === CANARY_PARAMETER ? { ...record, version: (record.version ?? 1) - 1 } : record)),
      },
    };
  }

  for (const target of TARGETS) {
    describe(target.name, () => {
      for (const faultCase of target.faults.map((name): FaultCase => FAULTS[name])) {
        it(`turns ${faultCase.name} into a ${faultCase.code} source error: a partial audit with no false finding`, async () => {
          // Prepare
          const proxy: FaultProxy = proxies[target.proxy];
          proxy.inject(faultCase.fault(target), { match: target.match });

          // Act
          const result = await collect(target.incremental ? staleState() : undefined, faultCase.waitsForDeadline === true);
          const audited = audit(result);

          // Assess: the fault reached the call it aimed at
          expect(proxy.exchanges.some((exchange) => exchange.fault !== 'pass' && target.match(exchange))).toBe(true);
          // Only the broken source failed, with the code that says why
          const sources = result.snapshots.flatMap((snapshot) => snapshot.sources);
          const broken = sources.find((source) => source.id === target.source);
          expect(broken).toMatchObject({ status: 'error', itemCount: 0, error: { code: faultCase.code } });
          expect(sources.filter((source) => source.id !== target.source).every((source) => source.status === 'ok')).toBe(true);
          expect(
            result.snapshots
              .find((snapshot) => snapshot.environment === 'production-eu')
              ?.observations.some((o) => o.provenance.source === (target.source === PRODUCTION_SSM ? 'ssm' : 'kubernetes')),
          ).toBe(false);
          // Partial, and nothing the clean estate does not have: no missing, changed or unmanaged from an unread source
          expect(audited.status).toBe('partial');
          expect(audited.partialEnvironments).toEqual(['production-eu']);
          const invented = audited.findings.filter((finding) => finding.type !== 'source-error' && !cleanFindings.has(aboutOf(finding)));
          expect(invented).toEqual([]);
          expect(audited.findings.filter((finding) => finding.type === 'source-error').map((finding) => finding.message)).toEqual([broken?.error?.message]);
          // Nothing of a secret, not even the slice a parser quotes, in what is shown or kept (the raw
          // state and observations hold plain values by design: they are redacted on the way out)
          const everything = JSON.stringify({ sources, findings: audited.findings, persisted: result.persistedState });
          for (const fragment of [...canaryFragments(PLAIN_SSM_CANARY), ...canaryFragments(PLAIN_KUBE_CANARY)]) expect(everything).not.toContain(fragment);
          // The unread tree is not kept as the next run's state
          expect(Object.keys(result.state.ssm).includes(target.source) || Object.keys(result.state.kubernetes).includes(target.source)).toBe(false);
        });
      }
    });
  }
});
