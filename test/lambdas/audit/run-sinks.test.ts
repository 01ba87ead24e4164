import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import { standardRunSinks } from '../../../lambdas/audit/standard-run-sinks.js';
import type { PendingAlert } from '../../../lambdas/sinks/history/history-items.js';
import { recorderOf, type OutboxEntry, type RunOutput, type RunSink } from '../../../lambdas/sinks/run-sink.js';
import { alertedTransitions, invokeAudit, rigDependencies, SMALL_BASELINE_YAML, SMALL_ESTATE, startAuditRig, type AuditRig } from './audit-rig.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';

/** What the feed keeps of one run. */
interface FeedLine {
  readonly startedAt: string;
  readonly status: string;
  readonly transitions: readonly string[];
}

/**
 * A sink only this test knows: a feed of every run (a dashboard's data), whatever the run found. It
 * plugs in through the `RunSink` interface alone, and can be made to fail its next deliveries.
 */
class RunFeedSink implements RunSink {
  readonly name = 'run-feed';
  readonly destination = 'the run feed';
  readonly lines: FeedLine[] = [];
  private failures = 0;

  failNext(count: number): void {
    this.failures = count;
  }

  enqueue(output: RunOutput): OutboxEntry {
    const line: FeedLine = {
      startedAt: output.run.startedAt.slice(0, 13),
      status: output.run.status,
      transitions: output.transitions.map((transition) => `${transition.kind} ${transition.finding.key}`),
    };
    return { subject: output.run.runId, body: JSON.stringify(line), attributes: { status: output.run.status } };
  }

  async deliver(entry: PendingAlert): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('the feed is unavailable'), { name: 'FeedUnavailable' });
    }
    this.lines.push(JSON.parse(entry.body) as FeedLine);
  }
}

/**
 * A sink added to the standard ones receives every run through the interface, with no change to the
 * handler: a run that failed, runs that alerted and a run with nothing to alert. Its failure is
 * reported and loses nothing: neither its own entry nor the history's record or the topic's alert.
 */
describe('Handler: a run sink added to the wiring', () => {
  let rig: AuditRig;
  const clock = { now: 0 };
  const feed = new RunFeedSink();
  const outcomes: (AuditOutcome | Error)[] = [];

  beforeAll(async () => {
    rig = await startAuditRig([
      { name: SMALL_ESTATE.paymentTimeout, value: '30' },
      { name: SMALL_ESTATE.poolSize, value: '10' },
      { name: SMALL_ESTATE.logLevel, value: 'warn' },
    ]);
  });

  afterAll(async () => {
    await rig.close();
  });

  function audit(time: string, startAt = time): Promise<AuditOutcome | Error> {
    const deps = rigDependencies(rig, { topicArn: TOPIC, clock });
    return invokeAudit({ ...deps, sinks: [...standardRunSinks(deps), feed] }, clock, time, startAt).catch((error: Error) => error);
  }

  it('receives every run, in order, including those the alerts topic has nothing to say about', async () => {
    // Act: 09:00 no baseline was uploaded yet (the run fails); 10:00 it is; 11:00 nothing changed.
    outcomes.push(await audit('2026-11-23T09:00:00Z'));
    await rig.uploadBaseline(SMALL_BASELINE_YAML);
    outcomes.push(await audit('2026-11-23T10:00:00Z'));
    outcomes.push(await audit('2026-11-23T11:00:00Z'));

    // Assess
    expect(outcomes.map((outcome) => (outcome instanceof Error ? outcome.name : outcome.kind))).toEqual(['recorded', 'recorded', 'recorded']);
    expect(feed.lines).toEqual([
      { startedAt: '2026-11-23T09', status: 'failed', transitions: [] },
      { startedAt: '2026-11-23T10', status: 'ok', transitions: ['opened INVENTORY_SERVICE_URL'] },
      { startedAt: '2026-11-23T11', status: 'ok', transitions: [] },
    ]);
    // The standard sinks are unchanged by it: the topic alerts the failure and the transition, not the quiet run.
    expect(rig.sns.published.filter((message) => message.topicArn === TOPIC).map((message) => message.subject)).toEqual([
      expect.stringMatching(/failed/),
      'HIGH: 1 new drift in production-eu',
    ]);
  });

  it('fails the invocation when it cannot deliver, after the run is recorded and the topic alerted', async () => {
    // Prepare: someone sets LOG_LEVEL to debug; the feed is down for one delivery.
    rig.ssm.put('eu-west-1', { name: SMALL_ESTATE.logLevel, value: 'debug' });
    feed.failNext(1);

    // Act
    const failed = await audit('2026-11-23T12:00:00Z');

    // Assess: the failure names the sink and the run, and says the entry is kept.
    expect(failed).toBeInstanceOf(Error);
    expect(failed).toMatchObject({ name: 'AlertDeliveryError', pending: 1 });
    expect((failed as Error).message).toMatch(/cannot deliver the alert of run 2026-11-23T12:00:\d\d\.\d+Z#.* to the run feed: FeedUnavailable/);
    expect((failed as Error).message).toMatch(/stay in the run-feed outbox/);
    expect(alertedTransitions(rig.sns, TOPIC).at(-1)).toBe('opened LOG_LEVEL');
    expect(feed.lines).toHaveLength(3);
  });

  it("delivers the held-back entry on Lambda's retry, which records nothing again and alerts nothing twice", async () => {
    // Prepare
    const published = rig.sns.published.length;

    // Act: Lambda retries the failed invocation a minute later.
    const retried = await audit('2026-11-23T12:00:00Z', '2026-11-23T12:01:00Z');

    // Assess
    expect(retried).toMatchObject({ kind: 'duplicate', delivery: { delivered: 1, pending: 0 } });
    expect(feed.lines.at(-1)).toEqual({ startedAt: '2026-11-23T12', status: 'ok', transitions: ['opened LOG_LEVEL'] });
    expect(feed.lines).toHaveLength(4);
    expect(rig.sns.published.length).toBe(published);
  });

  it('refuses to run with sinks none of which records the run, before reading or writing anything', async () => {
    // Prepare: the history left out by mistake.
    const deps = rigDependencies(rig, { topicArn: TOPIC, clock });
    const withoutHistory = standardRunSinks(deps).filter((sink) => sink.record === undefined);
    const published = rig.sns.published.length;

    // Act
    const refused = await invokeAudit({ ...deps, sinks: [...withoutHistory, feed] }, clock, '2026-11-23T13:00:00Z').catch((error: Error) => error);

    // Assess
    expect(refused).toMatchObject({ name: 'RunSinkCompositionError', code: 'RUN_SINKS_INVALID' });
    expect((refused as Error).message).toMatch(/exactly one sink that records it \(the history\); got 0 among report, topic, reminders, run-feed/);
    expect(rig.sns.published.length).toBe(published);
    expect(await deps.history.status('arn:aws:scheduler:eu-west-1:123456789012:schedule/default/drift-audit#2026-11-23T13:00:00Z')).toEqual({
      state: 'absent',
    });
  });
});

describe('Function: recorderOf', () => {
  const recorder: RunSink = { name: 'history', record: async () => ({ duplicate: false, runId: 'r' }) };

  it("refuses two sinks of the same name: each drains its own outbox lane, so one would deliver the other's entries", () => {
    // Prepare
    const feed = { name: 'run-feed', deliver: async () => undefined } satisfies RunSink;

    // Act
    const compose = () => recorderOf([recorder, feed, { ...feed }]);

    // Assess
    expect(compose).toThrow(expect.objectContaining({ name: 'RunSinkCompositionError', message: expect.stringMatching(/run-feed is used twice/) }));
  });

  it('refuses two recorders, naming them', () => {
    // Act
    const compose = () => recorderOf([recorder, { ...recorder, name: 'second-history' }]);

    // Assess
    expect(compose).toThrow(/exactly one sink that records it \(the history\); got 2: history, second-history/);
  });
});
