import { SNSClient } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliverPendingAlerts, outboxMessagesFor } from '../../../../lambdas/sinks/alerts/alert-outbox.js';
import { buildRunMessage, type RunMessageBody } from '../../../../lambdas/sinks/alerts/run-message.js';
import { HistoryStore } from '../../../../lambdas/sinks/history/history-store.js';
import { reconcile } from '../../../../lambdas/engine/lifecycle/reconcile.js';
import { audit, finding, runSummary } from '../../engine/lifecycle/lifecycle-fixtures.js';
import { startDynaliteTable, type DynaliteTable } from '../../../support/dynalite.js';
import { startSnsServer, type SnsStandin } from '../../../support/sns-server.js';
import { intercept } from '../history/history-harness.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';
const CHATBOT = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-chatbot';
const TIMES = ['2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z', '2026-11-23T12:00:00.000Z'];

describe('Function: deliverPendingAlerts', () => {
  let table: DynaliteTable;
  let sns: SnsStandin;
  let client: SNSClient;
  let store: HistoryStore;
  let tables = 0;

  beforeAll(async () => {
    [table, sns] = await Promise.all([startDynaliteTable(), startSnsServer()]);
    client = new SNSClient({
      endpoint: sns.url,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      retryStrategy: new ConfiguredRetryStrategy(2, () => 0),
    });
  });

  afterAll(async () => {
    client.destroy();
    await Promise.all([table.stop(), sns.close()]);
  });

  beforeEach(async () => {
    tables += 1;
    const tableName = `outbox-${tables}`;
    await table.createTable(tableName);
    store = new HistoryStore({ documentClient: table.documentClient, tableName, now: () => new Date(TIMES[2]!) });
    sns.published.length = 0;
    sns.failNext(0);
  });

  /** Records and commits one run per key in `keys`, each opening one finding, its alert in the outbox. */
  async function commitRuns(keys: readonly string[], chatbot = false): Promise<void> {
    for (const [index, key] of keys.entries()) {
      const at = TIMES[index]!;
      const plan = reconcile({ previous: await store.loadOpenStates(), current: audit([finding({ key })]), runId: `run-${key}`, now: new Date(at) });
      const run = runSummary(`run-${key}`, at);
      const message = buildRunMessage(run, plan.transitions)!;
      await store.recordRun(run, plan.transitions, plan.next, `schedule#${key}`, {
        alerts: outboxMessagesFor(message, { topic: TOPIC, ...(chatbot ? { chatbot: CHATBOT } : {}) }),
      });
      await store.markRunComplete(`schedule#${key}`);
    }
  }

  const keysSent = (topicArn: string) =>
    sns.published.filter((message) => message.topicArn === topicArn).map((message) => (JSON.parse(message.message) as RunMessageBody).transitions[0]?.key);

  it('publishes what waits, oldest run first, with the message attributes subscribers filter on, and empties the outbox', async () => {
    // Prepare
    await commitRuns(['A_KEY', 'B_KEY']);

    // Act
    const report = await deliverPendingAlerts(store, client, { topic: TOPIC });

    // Assess
    expect(report).toEqual({ delivered: 2, deliveredRuns: ['run-A_KEY', 'run-B_KEY'], pending: 0 });
    expect(keysSent(TOPIC)).toEqual(['A_KEY', 'B_KEY']);
    expect(sns.published[0]?.attributes['severities']).toEqual({ dataType: 'String.Array', value: '["high"]' });
    expect(await store.pendingAlerts('topic')).toEqual([]);
  });

  it('stops at the first refusal so nothing is delivered out of order, and reports it as retriable', async () => {
    // Prepare: SNS is down (503) for the first publish.
    await commitRuns(['A_KEY', 'B_KEY']);
    sns.failNext(2, { status: 503, code: 'ServiceUnavailable' });

    // Act
    const outage = await deliverPendingAlerts(store, client, { topic: TOPIC });
    const after = await deliverPendingAlerts(store, client, { topic: TOPIC });

    // Assess
    expect(outage).toMatchObject({ delivered: 0, pending: 2, error: { name: 'AlertDeliveryError', retriable: true, pending: 2 } });
    expect(outage.error?.message).toMatch(/ServiceUnavailable/);
    expect(after).toMatchObject({ delivered: 2, pending: 0 });
    expect(keysSent(TOPIC)).toEqual(['A_KEY', 'B_KEY']);
  });

  it("delivers Chatbot's lane on its own: a refused main topic does not hold it back", async () => {
    // Prepare
    await commitRuns(['A_KEY'], true);
    sns.failNext(1, { status: 403, code: 'AuthorizationError' });

    // Act
    const report = await deliverPendingAlerts(store, client, { topic: TOPIC, chatbot: CHATBOT });

    // Assess: the refusal is not retriable (a policy said no); Chatbot got its own format.
    expect(report).toMatchObject({ delivered: 1, pending: 1, error: { retriable: false } });
    const chat = sns.published.filter((message) => message.topicArn === CHATBOT);
    expect(chat.map((message) => (JSON.parse(message.message) as { source: string }).source)).toEqual(['custom']);
    expect((await store.pendingAlerts('topic')).map((alert) => alert.runId)).toEqual(['run-A_KEY']);
  });

  it('sends again an alert whose removal from the outbox failed: at least once', async () => {
    // Prepare: the outbox cannot be written when the first alert is acknowledged.
    await commitRuns(['A_KEY']);
    let failed = false;
    const flaky = new HistoryStore({
      tableName: store.tableName,
      documentClient: intercept(table.documentClient, (command, send) => {
        if (!failed && command.constructor.name === 'DeleteCommand') {
          failed = true;
          return Promise.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        }
        return send();
      }),
    });

    // Act
    const first = await deliverPendingAlerts(flaky, client, { topic: TOPIC });
    const second = await deliverPendingAlerts(flaky, client, { topic: TOPIC });

    // Assess
    expect(first).toMatchObject({ delivered: 1, pending: 1, error: { retriable: true } });
    expect(second).toMatchObject({ delivered: 1, pending: 0 });
    expect(keysSent(TOPIC)).toEqual(['A_KEY', 'A_KEY']);
  });
});
