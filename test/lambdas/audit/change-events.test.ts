/**
 * Change-driven runs, end to end on loopback stand-ins (SSM, dynalite, s3rver, SNS): an SQS batch of
 * `Parameter Store Change` events becomes one targeted audit of only the keys it touched, through the
 * same lifecycle, history and alerts as the hourly sweep, which stays the backstop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangeBatchEvent, ChangeBatchResult } from '../../../lambdas/audit/change-batch.js';
import type { AuditDependencies } from '../../../lambdas/audit/run-audit.js';
import { parameterStoreEvent, sqsBatch } from '../../support/change-events.js';
import { alertedTransitions, invokeAudit, invokeChangeBatch, rigDependencies, startAuditRig, type AuditRig } from './audit-rig.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';

const BASELINE = `
environments:
  production-eu:
    tier: production
    region: eu-west-1
    sources:
      ssm: [{ path: /production-eu/api/, key_style: env }]
  staging-eu:
    tier: staging
    region: eu-west-1
    sources:
      ssm: [{ path: /staging-eu/api/, key_style: env }]
settings:
  PAYMENT_TIMEOUT: { value: 30, type: integer, severity: high }
  DB_POOL_SIZE: { value: 10, type: integer }
  LOG_LEVEL: { value: warn }
ignore: ["*"]
defaults:
  unmanaged: ignore
`;

const P = {
  timeout: '/production-eu/api/payment/timeout',
  pool: '/production-eu/api/db/pool_size',
  log: '/production-eu/api/log/level',
} as const;
const S = {
  timeout: '/staging-eu/api/payment/timeout',
  pool: '/staging-eu/api/db/pool_size',
  log: '/staging-eu/api/log/level',
} as const;

describe('change events: targeted re-audits', () => {
  let rig: AuditRig;
  let deps: AuditDependencies;
  const clock = { now: Date.parse('2026-11-23T10:00:00Z') };
  let logs: Record<string, unknown>[] = [];

  /** Runs one SQS batch through the handler's path, keeping its log lines. */
  async function deliver(batch: ChangeBatchEvent, at: string): Promise<ChangeBatchResult> {
    const result = await invokeChangeBatch(deps, clock, batch, at);
    logs = result.logs;
    return result;
  }

  function alertsSince(count: number): string[] {
    return alertedTransitions(rig.sns, TOPIC).slice(count);
  }

  beforeAll(async () => {
    rig = await startAuditRig([
      { name: P.timeout, value: '60', lastModifiedUser: 'arn:aws:iam::123456789012:user/oncall-alice' },
      { name: P.pool, value: '10' },
      { name: P.log, value: 'warn' },
      { name: S.timeout, value: '30' },
      { name: S.pool, value: '10' },
      { name: S.log, value: 'debug' },
    ]);
    await rig.uploadBaseline(BASELINE);
    deps = rigDependencies(rig, { clock });
    // The hourly sweep has run once: it keeps the state targeted runs build on.
    const sweep = await invokeAudit(deps, clock, '2026-11-23T10:00:00Z');
    expect(sweep.kind).toBe('recorded');
    expect(alertedTransitions(rig.sns, TOPIC).sort()).toEqual(['opened LOG_LEVEL', 'opened PAYMENT_TIMEOUT']);
  });

  afterAll(async () => {
    await rig?.close();
  });

  it('an Update re-audits only the changed key: GetParameters for its name, DescribeParameters for who wrote it', async () => {
    const before = alertedTransitions(rig.sns, TOPIC).length;
    rig.ssm.put('eu-west-1', { name: P.log, value: 'error', lastModifiedUser: 'arn:aws:iam::123456789012:user/console-bob' });
    // Fixed by hand with no event reaching us (yet): a targeted run must not resolve what it did not read.
    rig.ssm.put('eu-west-1', { name: S.log, value: 'warn' });
    rig.ssm.clearRequests();

    const { response, outcome } = await deliver(sqsBatch([parameterStoreEvent(P.log)]), '2026-11-23T10:05:30Z');

    expect(response).toEqual({ batchItemFailures: [] });
    expect(alertsSince(before)).toEqual(['opened LOG_LEVEL']);
    expect(outcome?.kind === 'recorded' && outcome.transitions.map((t) => `${t.kind} ${t.finding.environment} ${t.finding.key}`)).toEqual([
      'opened production-eu LOG_LEVEL',
    ]);
    const opened = outcome?.kind === 'recorded' ? outcome.transitions[0]?.finding : undefined;
    expect(opened?.provenance[0]?.changedBy).toBe('arn:aws:iam::123456789012:user/console-bob');
    expect(rig.ssm.requests.map((request) => request.operation).sort()).toEqual(['DescribeParameters', 'GetParameters']);
    expect(rig.ssm.requests.find((request) => request.operation === 'GetParameters')?.body['Names']).toEqual([P.log]);
    const open = await deps.history.loadOpenStates();
    expect(
      open
        .filter((state) => state.status === 'open')
        .map((state) => state.id)
        .sort(),
    ).toEqual(['changed:production-eu:api:LOG_LEVEL', 'changed:production-eu:api:PAYMENT_TIMEOUT', 'changed:staging-eu:api:LOG_LEVEL']);
  });

  it('the fix of one key resolves that key alone, once', async () => {
    const before = alertedTransitions(rig.sns, TOPIC).length;
    rig.ssm.put('eu-west-1', { name: P.timeout, value: '30' });

    const first = await deliver(sqsBatch([parameterStoreEvent(P.timeout)]), '2026-11-23T10:07:00Z');
    // The same change delivered again in a new message (EventBridge is at least once): nothing to say.
    const again = await deliver(sqsBatch([parameterStoreEvent(P.timeout)]), '2026-11-23T10:07:30Z');

    expect(first.outcome?.kind === 'recorded' && first.outcome.transitions.map((t) => `${t.kind} ${t.finding.key}`)).toEqual(['resolved PAYMENT_TIMEOUT']);
    expect(again.outcome?.kind === 'recorded' && again.outcome.transitions).toEqual([]);
    expect(alertsSince(before)).toEqual(['resolved PAYMENT_TIMEOUT']);
  });

  it('a batch Lambda delivers again (same messages) is the same run: nothing written or alerted twice', async () => {
    rig.ssm.put('eu-west-1', { name: P.pool, value: '12' });
    const batch = sqsBatch([parameterStoreEvent(P.pool)]);
    const before = alertedTransitions(rig.sns, TOPIC).length;

    const first = await deliver(batch, '2026-11-23T10:08:00Z');
    const redelivered = await deliver(batch, '2026-11-23T10:08:40Z');

    expect(first.outcome?.kind).toBe('recorded');
    expect(redelivered.outcome?.kind).toBe('duplicate');
    expect(alertsSince(before)).toEqual(['opened DB_POOL_SIZE']);
  });

  it('a Delete yields a missing finding for that key only', async () => {
    rig.ssm.delete('eu-west-1', P.pool);
    const before = alertedTransitions(rig.sns, TOPIC).length;

    const { outcome } = await deliver(sqsBatch([parameterStoreEvent(P.pool, 'Delete')]), '2026-11-23T10:09:00Z');

    const moves =
      outcome?.kind === 'recorded' ? outcome.transitions.map((t) => `${t.kind} ${t.finding.type} ${t.finding.environment} ${t.finding.key}`).sort() : [];
    // The changed finding about the old value goes, the missing one comes: both about DB_POOL_SIZE in production.
    expect(moves).toEqual(['opened missing production-eu DB_POOL_SIZE', 'resolved changed production-eu DB_POOL_SIZE']);
    expect(alertsSince(before).sort()).toEqual(['opened DB_POOL_SIZE', 'resolved DB_POOL_SIZE']);
  });

  it('events under no declared tree, and messages that are no change event, are dropped with counted log lines', async () => {
    const before = alertedTransitions(rig.sns, TOPIC).length;
    rig.ssm.clearRequests();

    const { response, outcome, targets } = await deliver(
      sqsBatch([
        parameterStoreEvent('/payments-team/secret-name/token'),
        parameterStoreEvent(P.log, 'Update', { region: 'us-east-1' }),
        'not json',
        { source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' },
      ]),
      '2026-11-23T10:10:00Z',
    );

    expect(response).toEqual({ batchItemFailures: [] });
    expect(targets).toEqual([]);
    expect(outcome).toBeUndefined();
    expect(rig.ssm.requests).toEqual([]);
    expect(alertsSince(before)).toEqual([]);
    const undeclared = logs.find((line) => line['message'] === 'change events dropped: under no source the baseline declares');
    expect(undeclared?.['dropped']).toBe(2);
    const unreadable = logs.find((line) => line['message'] === 'change messages dropped: not a change event this auditor reads');
    expect(unreadable?.['reasons']).toEqual({ 'not-json': 1, 'unknown-event': 1 });
    expect(JSON.stringify(logs)).not.toContain('payments-team');
  });

  it('a targeted read that fails returns its messages for redelivery and resolves nothing', async () => {
    rig.ssm.put('eu-west-1', { name: P.log, value: 'warn' });
    rig.ssm.denyPath('/production-eu/api', 'eu-west-1');
    const before = alertedTransitions(rig.sns, TOPIC).length;
    const batch = sqsBatch([parameterStoreEvent(P.log), parameterStoreEvent(S.pool)], ['m-production', 'm-staging']);
    rig.ssm.put('eu-west-1', { name: S.pool, value: '10' });

    const { response, outcome } = await deliver(batch, '2026-11-23T10:11:00Z');

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-production' }]);
    const moves = outcome?.kind === 'recorded' ? outcome.transitions.map((t) => `${t.kind} ${t.finding.type} ${t.finding.environment}`) : [];
    expect(moves).toEqual(['opened source-error production-eu']);
    expect(alertsSince(before)).toEqual(['opened ssm:eu-west-1:/production-eu/api/']);
    const open = (await deps.history.loadOpenStates()).filter((state) => state.status === 'open').map((state) => state.id);
    expect(open).toContain('changed:production-eu:api:LOG_LEVEL');
  });

  it('the hourly sweep stays the backstop: it resolves what no event reported', async () => {
    rig.ssm.allowAll();
    const before = alertedTransitions(rig.sns, TOPIC).length;
    const sweep = await invokeAudit(deps, clock, '2026-11-23T11:00:00Z');
    const moves = sweep.kind === 'recorded' ? sweep.transitions.map((t) => `${t.kind} ${t.finding.type} ${t.finding.environment} ${t.finding.key}`) : [];
    // staging's LOG_LEVEL was fixed without an event; production's read again once access came back.
    expect(moves).toContain('resolved changed staging-eu LOG_LEVEL');
    expect(moves).toContain('resolved changed production-eu LOG_LEVEL');
    expect(alertsSince(before)).toContain('resolved LOG_LEVEL');
  });

  it('a burst of 50 writes to one environment is one targeted run of six SSM calls', async () => {
    const names = Array.from({ length: 50 }, (_, i) => `/production-eu/api/feature/flag_${String(i).padStart(2, '0')}`);
    for (const name of names) rig.ssm.put('eu-west-1', { name, value: 'on' });
    rig.ssm.clearRequests();

    const { outcome } = await deliver(sqsBatch(names.map((name) => parameterStoreEvent(name, 'Create'))), '2026-11-23T11:05:00Z');

    expect(outcome?.kind).toBe('recorded');
    // One DescribeParameters (50 names fit one Name filter) and five GetParameters (10 names each).
    expect(rig.ssm.count('DescribeParameters')).toBe(1);
    expect(rig.ssm.count('GetParameters')).toBe(5);
  });
});
