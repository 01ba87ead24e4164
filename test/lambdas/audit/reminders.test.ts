import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standardRunSinks } from '../../../lambdas/audit/standard-run-sinks.js';
import type { ReminderMessageBody } from '../../../lambdas/sinks/reminders/reminder-message.js';
import { runHistoryCommand } from '../../../lambdas/sinks/history/history-cli.js';
import { deliveredTo, type PublishedMessage } from '../../support/sns-server.js';
import { intercept } from '../sinks/history/history-harness.js';
import { alertedTransitions, invokeAudit, rigDependencies, SMALL_BASELINE_YAML, SMALL_ESTATE, startAuditRig, type AuditRig } from './audit-rig.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';
const OUTAGE = { status: 503, code: 'ServiceUnavailable' } as const;

/** The small estate plus a dated exception: LOG_LEVEL may be `debug` in production-eu through 5 December. */
const BASELINE_WITH_EXCEPTION = `${SMALL_BASELINE_YAML}
exceptions:
  - key: LOG_LEVEL
    environment: production-eu
    value: debug
    owner: alice@example.com
    reason: INC-4512 debugging payment failures
    expires: 2026-12-05
`;

/** The reminders the topic received, in publishing order. */
function reminders(published: readonly PublishedMessage[]): { subject: string | undefined; body: ReminderMessageBody }[] {
  return published
    .filter((message) => message.topicArn === TOPIC && message.attributes['schema']?.value === 'drift-audit.reminder/1')
    .map((message) => ({ subject: message.subject, body: JSON.parse(message.message) as ReminderMessageBody }));
}

/**
 * Drift that nobody fixes is re-announced once a day in one digest, not on every run, and an exception
 * about to expire is announced once: whatever the schedule, Lambda's retries and Scheduler's
 * redeliveries do. `history --reminders` lists what was sent.
 */
describe('Handler: reminders of long-open drift and expiring exceptions', () => {
  let rig: AuditRig;
  const clock = { now: 0 };
  const audit = (time: string, startAt = time) =>
    invokeAudit(rigDependencies(rig, { topicArn: TOPIC, clock }), clock, time, startAt).catch((error: Error) => error);

  beforeAll(async () => {
    rig = await startAuditRig([
      { name: SMALL_ESTATE.paymentTimeout, value: '30' },
      { name: SMALL_ESTATE.poolSize, value: '10' },
      { name: SMALL_ESTATE.logLevel, value: 'debug' },
    ]);
    await rig.uploadBaseline(BASELINE_WITH_EXCEPTION);
  });

  afterAll(async () => {
    await rig.close();
  });

  it('day 1 alerts the new drift as usual and reminds of nothing', async () => {
    // Act: someone raises the payment timeout by hand on 23 November.
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.paymentTimeout, value: '45' });
    await audit('2026-11-23T09:00:00Z');
    await audit('2026-11-23T10:00:00Z');
    await audit('2026-11-24T10:00:00Z');

    // Assess: the drift (and the never-set INVENTORY_SERVICE_URL) opened once; the exception is 12 days out.
    expect(alertedTransitions(rig.sns, TOPIC).sort()).toEqual(['opened INVENTORY_SERVICE_URL', 'opened PAYMENT_TIMEOUT']);
    expect(reminders(rig.sns.published)).toEqual([]);
  });

  it('day 8 sends one digest listing the drift open a week, with the exception that expires in 5 days', async () => {
    // Act
    const outcome = await audit('2026-11-30T10:00:00Z');

    // Assess
    expect(outcome).toMatchObject({ kind: 'recorded', transitions: [] });
    const sent = reminders(rig.sns.published);
    expect(sent).toHaveLength(1);
    const [digest] = sent;
    expect(digest?.subject).toBe('drift-audit reminder 2026-11-30: 2 drifts open 7+ days, 1 exception expiring');
    expect(digest?.body).toMatchObject({ schema: 'drift-audit.reminder/1', day: '2026-11-30', digest: { olderThanDays: 7, count: 2 } });
    expect(
      digest?.body.digest?.findings.map((finding) => `${finding.key} ${finding.openDays}d ${finding.expected ?? '-'} -> ${finding.actual ?? '-'}`).sort(),
    ).toEqual(['INVENTORY_SERVICE_URL 7d https://inventory.internal -> -', 'PAYMENT_TIMEOUT 7d 30 -> 45']);
    expect(digest?.body.expiring.exceptions).toEqual([
      expect.objectContaining({ key: 'LOG_LEVEL', environment: 'production-eu', owner: 'alice@example.com', expires: '2026-12-05', daysLeft: 5 }),
    ]);
  });

  it('gives e-mail subscribers the day 8 digest as readable text, and every other protocol the versioned JSON', () => {
    // Arrange
    const published = rig.sns.published.filter((message) => message.attributes['schema']?.value === 'drift-audit.reminder/1');

    // Act
    const email = deliveredTo(published[0] as PublishedMessage, 'email');
    const sqs = deliveredTo(published[0] as PublishedMessage, 'sqs');

    // Assess
    expect(published[0]?.messageStructure).toBe('json');
    expect(() => JSON.parse(email)).toThrow();
    expect(email).toContain('2 drifts open for 7 days or more; 1 exception expiring within 7 days');
    expect(email).toContain('- LOG_LEVEL in production-eu: expires 2026-12-05 (5 days left)');
    expect(email).toMatch(/PAYMENT_TIMEOUT in production-eu: open 7 days .*\n {2}expected 30, actual 45/);
    expect(JSON.parse(sqs)).toMatchObject({ schema: 'drift-audit.reminder/1', day: '2026-11-30' });
  });

  it('a second run the same day, and a redelivery of the day 8 event, send no second digest', async () => {
    // Act: the 11:00 run, then Scheduler delivers the 10:00 event again (a Lambda retry of an invocation that did finish).
    const later = await audit('2026-11-30T11:00:00Z');
    const redelivered = await audit('2026-11-30T10:00:00Z', '2026-11-30T11:30:00Z');

    // Assess
    expect(later).toMatchObject({ kind: 'recorded' });
    expect(redelivered).toMatchObject({ kind: 'duplicate' });
    expect(reminders(rig.sns.published)).toHaveLength(1);
  });

  it('day 9 sends one digest again, without the exception already announced, even when SNS is down for the first runs of the day', async () => {
    // Prepare: SNS is down from the morning on.
    rig.sns.failNext(1_000, OUTAGE);

    // Act: the 10:00 and 11:00 runs cannot deliver; SNS comes back; Lambda retries the 10:00 event; a 12:00 run follows.
    const failed = [await audit('2026-12-01T10:00:00Z'), await audit('2026-12-01T11:00:00Z')];
    rig.sns.failNext(0);
    const retried = await audit('2026-12-01T10:00:00Z', '2026-12-01T11:05:00Z');
    await audit('2026-12-01T12:00:00Z');

    // Assess: both runs were recorded; the day's digest waited in the outbox and went out once.
    expect(failed).toMatchObject([{ name: 'AlertDeliveryError' }, { name: 'AlertDeliveryError' }]);
    expect(retried).toMatchObject({ kind: 'duplicate' });
    const sent = reminders(rig.sns.published);
    expect(sent.map((reminder) => reminder.body.day)).toEqual(['2026-11-30', '2026-12-01']);
    expect(sent[1]?.subject).toBe('drift-audit reminder 2026-12-01: 2 drifts open 7+ days');
    expect(sent[1]?.body.digest?.findings.map((finding) => finding.openDays)).toEqual([8, 8]);
    expect(sent[1]?.body.expiring.exceptions).toEqual([]);
  });

  it('history lists one reminder per day, with what each announced', async () => {
    // Act
    const text = await runHistoryCommand(
      { region: 'eu-west-1', since: '2026-11-20', reminders: true, table: rig.table.tableName, color: false },
      { documentClient: rig.table.documentClient, now: new Date('2026-12-02T00:00:00Z') },
    );
    const json = JSON.parse(
      await runHistoryCommand(
        { region: 'eu-west-1', since: '2026-11-20', reminders: true, json: true, table: rig.table.tableName, color: false },
        { documentClient: rig.table.documentClient, now: new Date('2026-12-02T00:00:00Z') },
      ),
    ) as { reminders: { day: string; digest: boolean; findings: string[]; exceptions: string[] }[] };

    // Assess
    expect(json.reminders.map((reminder) => [reminder.day, reminder.digest, reminder.findings.length, reminder.exceptions])).toEqual([
      ['2026-11-30', true, 2, ['LOG_LEVEL|production-eu|*|2026-12-05']],
      ['2026-12-01', true, 2, []],
    ]);
    expect(text).toContain('2026-11-30  digest of 2 long-open drifts + 1 expiring exception');
    expect(text).toContain('exception  LOG_LEVEL|production-eu|*|2026-12-05');
    expect(text).toContain('2 reminders');
  });

  it('are off when the wiring turns them off', async () => {
    // Prepare
    const deps = rigDependencies(rig, { topicArn: TOPIC, clock });
    const before = reminders(rig.sns.published).length;

    // Act: a new day with the drift still open, reminders off.
    await invokeAudit({ ...deps, sinks: standardRunSinks({ ...deps, reminders: false }) }, clock, '2026-12-02T10:00:00Z');

    // Assess
    expect(reminders(rig.sns.published)).toHaveLength(before);
  });

  it("a run that crashes before its commit sends nothing, and its retry sends the day's digest once", async () => {
    // Prepare: the first invocation of 3 December dies at its commit (the run item's flip to complete).
    let crashes = 1;
    const crashing = intercept(rig.table.documentClient, (command, send) => {
      const input = command.input as { UpdateExpression?: string };
      if (crashes > 0 && command.constructor.name === 'UpdateCommand' && input.UpdateExpression === 'SET #recording = :complete') {
        crashes -= 1;
        return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      }
      return send();
    });
    const before = reminders(rig.sns.published).length;

    // Act: the crash, then Lambda's retry a minute later, then the 11:00 run.
    const crashed = await invokeAudit(rigDependencies(rig, { topicArn: TOPIC, clock, documentClient: crashing }), clock, '2026-12-03T10:00:00Z').catch(
      (error: Error) => error,
    );
    const afterCrash = reminders(rig.sns.published).length;
    const retried = await audit('2026-12-03T10:00:00Z', '2026-12-03T10:01:00Z');
    await audit('2026-12-03T11:00:00Z');

    // Assess
    expect(crashed).toBeInstanceOf(Error);
    expect(afterCrash).toBe(before);
    expect(retried).toMatchObject({ kind: 'recorded', rolledBack: [expect.anything()] });
    expect(
      reminders(rig.sns.published)
        .slice(before)
        .map((reminder) => reminder.body.day),
    ).toEqual(['2026-12-03']);
  });
});
