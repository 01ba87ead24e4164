import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import type { RunMessageBody } from '../../../lambdas/sinks/alerts/run-message.js';
import { HistoryQueries } from '../../../lambdas/sinks/history/history-queries.js';
import { alertedTransitions, invokeAudit, rigDependencies, SMALL_BASELINE_YAML, SMALL_ESTATE, startAuditRig, type AuditRig } from './audit-rig.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';
const CHATBOT = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-chatbot';
/** What SNS answers while it is down: a 503, which the SDK retries and then gives up on. */
const OUTAGE = { status: 503, code: 'ServiceUnavailable' } as const;

/**
 * SNS goes down for two hours. A drift opens in the first and is put back in the second: neither
 * transition can be alerted while SNS is down, and both must be, in order, once it is back; history
 * keeps both whatever SNS did.
 */
describe('Handler: alerts during an SNS outage', () => {
  let rig: AuditRig;
  const clock = { now: 0 };
  const outcomes: (AuditOutcome | Error)[] = [];

  beforeAll(async () => {
    rig = await startAuditRig([
      { name: SMALL_ESTATE.paymentTimeout, value: '30' },
      { name: SMALL_ESTATE.poolSize, value: '10' },
      { name: SMALL_ESTATE.logLevel, value: 'warn' },
    ]);
    await rig.uploadBaseline(SMALL_BASELINE_YAML);
    // Before the outage: the estate's one standing drift (INVENTORY_SERVICE_URL never set) is alerted.
    await invokeAudit(rigDependencies(rig, { topicArn: TOPIC, chatbotTopicArn: CHATBOT, clock }), clock, '2026-11-23T09:00:00Z');
  });

  afterAll(async () => {
    await rig.close();
  });

  const audit = (time: string, startAt = time) =>
    invokeAudit(rigDependencies(rig, { topicArn: TOPIC, chatbotTopicArn: CHATBOT, clock }), clock, time, startAt).catch((error: Error) => error);

  it('alerts both transitions of a drift that came and went while SNS was down, in order, once SNS is back', async () => {
    // Prepare: SNS refuses every publish from now on.
    rig.sns.failNext(1_000, OUTAGE);
    const sentBefore = rig.sns.published.length;

    // Act: 10:00 someone sets LOG_LEVEL to debug (Lambda retries the failed invocation a minute later);
    // 11:00 it is put back; 12:00 SNS is up again.
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'debug' });
    outcomes.push(await audit('2026-11-23T10:00:00Z'));
    outcomes.push(await audit('2026-11-23T10:00:00Z', '2026-11-23T10:01:00Z'));
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'warn' });
    outcomes.push(await audit('2026-11-23T11:00:00Z'));
    expect(rig.sns.published.length).toBe(sentBefore);
    rig.sns.failNext(0);
    outcomes.push(await audit('2026-11-23T12:00:00Z'));

    // Assess: the 12:00 run has nothing new, and delivers what the outage held back, oldest first.
    expect(outcomes.at(-1)).toMatchObject({ kind: 'recorded', transitions: [] });
    expect(alertedTransitions(rig.sns, TOPIC).slice(-2)).toEqual(['opened LOG_LEVEL', 'resolved LOG_LEVEL']);
    const delivered = rig.sns.published.slice(sentBefore).filter((message) => message.topicArn === TOPIC);
    expect(delivered.map((message) => message.subject)).toEqual(['MEDIUM: 1 new drift in production-eu', '1 resolved in production-eu']);
    // Each message still describes the run that saw the change, not the one that delivered it.
    expect(delivered.map((message) => (JSON.parse(message.message) as RunMessageBody).run.startedAt.slice(0, 13))).toEqual(['2026-11-23T10', '2026-11-23T11']);
    // Chatbot's topic gets its own format of the same two alerts.
    const chat = rig.sns.published.slice(sentBefore).filter((message) => message.topicArn === CHATBOT);
    expect(chat.map((message) => (JSON.parse(message.message) as { content: { title: string } }).content.title)).toEqual([
      'MEDIUM: 1 new drift in production-eu',
      '1 resolved in production-eu',
    ]);
  });

  it('keeps both transitions in history whatever SNS did', async () => {
    // Act
    const queries = new HistoryQueries({ documentClient: rig.table.documentClient, tableName: rig.table.tableName });
    const timeline = await queries.findingsByRegion('eu-west-1', { since: new Date('2026-11-23T00:00:00Z'), until: new Date('2026-11-24T00:00:00Z') });

    // Assess
    expect(
      timeline.filter((transition) => transition.finding.key === 'LOG_LEVEL').map((transition) => `${transition.kind} ${transition.at.slice(0, 13)}`),
    ).toEqual(['opened 2026-11-23T10', 'resolved 2026-11-23T11']);
  });

  it('delivers each held-back alert once, and a run after the outage sends nothing again', async () => {
    // Prepare
    const sent = rig.sns.published.length;

    // Act
    outcomes.push(await audit('2026-11-23T13:00:00Z'));

    // Assess
    expect(rig.sns.published.length).toBe(sent);
    const all = alertedTransitions(rig.sns, TOPIC);
    expect(all.filter((transition) => transition === 'opened LOG_LEVEL')).toHaveLength(1);
    expect(all.filter((transition) => transition === 'resolved LOG_LEVEL')).toHaveLength(1);
  });

  it('fails the invocations SNS refused with a retriable error, after recording their runs', () => {
    // Assess: 10:00, its retry and 11:00 all failed; each says the alert is kept for later.
    const failures = outcomes.slice(0, 3);
    for (const failure of failures) {
      expect(failure).toBeInstanceOf(Error);
      expect(failure).toMatchObject({ name: 'AlertDeliveryError', retriable: true });
      expect((failure as Error).message).toMatch(/ServiceUnavailable/);
    }
  });
});
