import type { SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { notify } from '../../../../lambdas/notify-slack/handler.js';
import { ChatbotSink, chatbotEntry } from '../../../../lambdas/sinks/alerts/chatbot-sink.js';
import { buildRunMessage, SNS_MESSAGE_LIMIT_BYTES, type RunMessage, type RunMessageBody } from '../../../../lambdas/sinks/alerts/run-message.js';
import { messageAttributesOf, publishRunMessage, snsPublishBytes } from '../../../../lambdas/sinks/alerts/sns-publisher.js';
import { TopicSink, topicEntry } from '../../../../lambdas/sinks/alerts/topic-sink.js';
import type { PendingAlert } from '../../../../lambdas/sinks/history/history-items.js';
import { opened, openedMany, sampleFinding, sampleRun } from '../../../support/sample-findings.js';
import { deliveredTo, snsClientOf, startSnsServer, type SnsStandin } from '../../../support/sns-server.js';
import { startSlackWebhookServer, type SlackWebhookServer } from '../../../support/slack-webhook-server.js';
import { demoAlert } from '../../../support/demo-alert.js';
import { snsEventOf } from '../../../support/sns-event.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';
const CHATBOT = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-chatbot';

function pending(entry: Omit<PendingAlert, 'runId' | 'idempotencyKey' | 'sk' | 'lane'>, lane = 'topic'): PendingAlert {
  return { ...entry, lane, runId: 'run-1', idempotencyKey: 'k', sk: 'run#1' };
}

describe('Class: TopicSink (per-protocol bodies)', () => {
  let sns: SnsStandin;
  let client: SNSClient;
  let slack: SlackWebhookServer;

  beforeAll(async () => {
    [sns, slack] = await Promise.all([startSnsServer(), startSlackWebhookServer()]);
    client = snsClientOf(sns);
  });

  afterAll(async () => {
    client.destroy();
    await Promise.all([sns.close(), slack.close()]);
  });

  beforeEach(() => {
    sns.published.length = 0;
  });

  function alertOf(): RunMessage {
    const critical = sampleFinding({ id: 'changed:production-us:PAYMENT_TIMEOUT', key: 'PAYMENT_TIMEOUT', severity: 'critical' });
    const medium = sampleFinding({
      id: 'changed:production-eu:LOG_LEVEL',
      key: 'LOG_LEVEL',
      environment: 'production-eu',
      region: 'eu-west-1',
      severity: 'medium',
    });
    return buildRunMessage(sampleRun(), [opened(medium), opened(critical)], { bucket: 'reports-bucket', key: 'reports/run-1.html', region: 'eu-west-1' })!;
  }

  it('sends e-mail subscribers readable text and every other protocol the versioned JSON, in one publish', async () => {
    // Prepare
    const message = alertOf();
    const sink = new TopicSink({ sns: client, topicArn: TOPIC });

    // Act
    await sink.deliver(pending(topicEntry(message)));

    // Assess
    const [published] = sns.published;
    expect(published?.messageStructure).toBe('json');
    expect(published?.subject).toBe('CRITICAL: 2 new drifts in 2 environments');
    for (const protocol of ['email-json', 'sqs', 'lambda', 'http', 'https']) {
      expect(JSON.parse(deliveredTo(published!, protocol))).toMatchObject({ schema: 'drift-audit.run/1', transitionCount: 2 });
    }
    const email = deliveredTo(published!, 'email');
    expect(() => JSON.parse(email)).toThrow();
    const lines = email.split('\n');
    expect(lines[0]).toBe('CRITICAL: 2 new drifts in 2 environments');
    expect(email).toContain('Full report: https://s3.console.aws.amazon.com/s3/object/reports-bucket?prefix=reports%2Frun-1.html&region=eu-west-1');
    // Worst first across environments, with the command that reverts it.
    expect(email.indexOf('1. CRITICAL opened changed PAYMENT_TIMEOUT in production-us (us-east-1)')).toBeGreaterThan(0);
    expect(email.indexOf('2. MEDIUM opened changed LOG_LEVEL in production-eu (eu-west-1)')).toBeGreaterThan(email.indexOf('1. CRITICAL'));
    expect(email).toContain("   revert: kubectl -n api set env deployment/api-server -c app 'DB_TIMEOUT=10s'");
    // Filter policies still have every attribute.
    expect(published?.attributes.maxSeverity).toEqual({ dataType: 'String', value: 'critical' });
    expect(published?.attributes.severities).toEqual({ dataType: 'String.Array', value: '["critical","medium"]' });
  });

  it('keeps the Slack notifier subscribed to the topic working: it reads the JSON SNS delivers to Lambda', async () => {
    // Prepare
    await new TopicSink({ sns: client, topicArn: TOPIC }).deliver(pending(topicEntry(alertOf())));
    slack.received.length = 0;

    // Act
    const result = await notify(snsEventOf(sns.published[0]!.subject, deliveredTo(sns.published[0]!, 'lambda'), TOPIC), {
      webhookUrl: async () => slack.url,
      post: { sleep: async () => {} },
    });

    // Assess
    expect(result).toEqual({ posted: 1, skipped: 0 });
    const posted = slack.received[0] as { text: string; blocks: { type: string; text?: { text: string } }[] };
    expect(posted.text).toBe('CRITICAL: 2 new drifts in 2 environments');
    expect(posted.blocks.find((block) => block.type === 'section' && block.text?.text.includes('PAYMENT_TIMEOUT'))).toBeDefined();
  });

  it("keeps Chatbot's topic on its custom-notification format, published as a plain message", async () => {
    // Prepare
    const message = alertOf();

    // Act
    await new ChatbotSink({ sns: client, topicArn: CHATBOT }).deliver(pending(chatbotEntry(message), 'chatbot'));

    // Assess
    const [published] = sns.published;
    expect(published?.messageStructure).toBeUndefined();
    expect(JSON.parse(published!.message)).toMatchObject({ version: '1.0', source: 'custom', content: { title: 'CRITICAL: 2 new drifts in 2 environments' } });
  });

  it('fits the largest alert, its e-mail text and its attributes in one SNS message, which SNS accepts', async () => {
    // Prepare: 2,000 transitions with 1 KiB values, far over what one message can carry.
    const big = 'x'.repeat(2000);
    const transitions = openedMany(2000, 40, (index) => ({
      severity: index === 1999 ? 'critical' : 'low',
      expected: { text: `"${big}"`, secret: false },
      actual: { text: `"${big}"`, secret: false },
    }));
    const message = buildRunMessage(sampleRun(), transitions, { bucket: 'b', key: 'reports/r.html' })!;

    // Act
    await new TopicSink({ sns: client, topicArn: TOPIC }).deliver(pending(topicEntry(message)));

    // Assess: accepted as a per-protocol message, measured the way SNS counts it.
    const [published] = sns.published;
    expect(published?.messageStructure).toBe('json');
    expect(snsPublishBytes(published!.raw, messageAttributesOf(message))).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES);
    const body = JSON.parse(published!.message) as RunMessageBody;
    expect(body).toMatchObject({ truncated: true, transitionCount: 2000, transitionSeverities: { critical: 1, low: 1999 } });
    expect(body.transitions[0]?.severity).toBe('critical');
    expect(deliveredTo(published!, 'email')).toMatch(/and \d+ more \(by severity\): \d+ low\. The full report lists every one\.$/);
  });

  it('publishes an entry too big for two bodies (enqueued before bodies were sized for them) as the JSON alone', async () => {
    // Prepare: a body within the old limit (240 KiB unescaped) that escaping once more would double.
    const message = alertOf();
    const padded = { ...(JSON.parse(message.body) as RunMessageBody), padding: '"'.repeat(110 * 1024) };
    const old: RunMessage = { ...message, body: JSON.stringify(padded) };

    // Act
    await publishRunMessage(client, TOPIC, old, { email: 'text' });

    // Assess
    expect(sns.published[0]?.messageStructure).toBeUndefined();
    expect(sns.published[0]?.message).toBe(old.body);
  });

  it('sends the demo estate to e-mail as text a third the size of its JSON', async () => {
    // Prepare
    const { message } = await demoAlert();

    // Act
    await new TopicSink({ sns: client, topicArn: TOPIC }).deliver(pending(topicEntry(message)));

    // Assess: the figures the README quotes.
    const [published] = sns.published;
    const email = Buffer.byteLength(deliveredTo(published!, 'email'));
    const json = Buffer.byteLength(deliveredTo(published!, 'email-json'));
    expect(email).toBeLessThan(json / 2);
    expect(deliveredTo(published!, 'email').split('\n')[0]).toMatch(/^CRITICAL: 20 new drifts in \d environments$/);
  });
});
