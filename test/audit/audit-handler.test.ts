import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleAudit } from '../../lambdas/audit/handler.js';
import type { AuditDependencies, AuditOutcome } from '../../lambdas/audit/run-audit.js';
import { notify } from '../../lambdas/notify-slack/handler.js';
import type { RunMessageBody } from '../../lambdas/sinks/alerts/run-message.js';
import { HistoryQueries } from '../../lambdas/sinks/history/history-queries.js';
import { HistoryStore } from '../../lambdas/sinks/history/history-store.js';
import { AwsClientFactory } from '../../lambdas/sources/aws/aws-client-factory.js';
import { SECRET_CANARY } from '../sources/eks/kube-fixtures.js';
import { startDynaliteTable, type DynaliteTable } from '../support/dynalite.js';
import { LIVE_BASELINE_YAML as BASELINE_YAML, SSM_CANARY, startLiveEstate, type LiveEstate } from '../support/live-estate.js';
import { startS3, type S3Standin } from '../support/s3rver.js';
import { startSlackWebhookServer, type SlackWebhookServer } from '../support/slack-webhook-server.js';
import { startSnsServer, type SnsStandin } from '../support/sns-server.js';
import type { SsmServer } from '../support/ssm-server.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';
const SCHEDULE = 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/drift-audit';
function bundle(text: string): string {
  return JSON.stringify({ schema: 'drift-audit.baseline-bundle/1', files: [{ name: 'baseline.yaml', text }] });
}

function scheduled(time: string): unknown {
  return { source: 'drift-audit.schedule', scheduledTime: time, scheduleArn: SCHEDULE, executionId: `exec-${time}-${Math.random()}`, attemptNumber: '0' };
}

/**
 * The scheduled audit end to end, in process, against real implementations on loopback: dynalite
 * (DynamoDB), s3rver (S3), and stand-ins speaking the SNS Query, SSM JSON, EKS REST and Kubernetes
 * HTTPS protocols, driven by the real SDK clients.
 */
describe('Handler: scheduled audit', () => {
  let table: DynaliteTable;
  let s3: S3Standin;
  let sns: SnsStandin;
  let estate: LiveEstate;
  let ssm: SsmServer;
  let eks: LiveEstate['eks'];
  let slack: SlackWebhookServer;
  let snsClient: SNSClient;
  let clockMs = Date.parse('2026-11-23T10:00:00Z');
  const outcomes: Record<string, AuditOutcome> = {};

  function deps(): AuditDependencies {
    const credentials = { accessKeyId: 'AKIDAUDIT', secretAccessKey: 'audit-secret' };
    return {
      s3: s3.client,
      sns: snsClient,
      history: new HistoryStore({ documentClient: table.documentClient, tableName: table.tableName, sleep: async () => undefined }),
      factory: new AwsClientFactory({
        retryStrategy: () => new ConfiguredRetryStrategy(2, () => 0),
        overrides: (_target, service) => ({ endpoint: service === 'EKS' ? eks.url : ssm.url, credentials }),
      }),
      bucket: s3.bucket,
      baselineKey: 'baseline/baseline.json',
      reportPrefix: 'reports/',
      statePrefix: 'state/',
      topicArn: TOPIC,
      region: 'eu-west-1',
      // Each call moves the clock a second, so runs never share a timestamp.
      clock: () => new Date((clockMs += 1000)),
    };
  }

  async function audit(time: string): Promise<AuditOutcome> {
    clockMs = Date.parse(time);
    return handleAudit(scheduled(time), { awsRequestId: `req-${time}` }, deps());
  }

  async function uploadBaseline(text: string): Promise<void> {
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'baseline/baseline.json', Body: bundle(text), ContentType: 'application/json' }));
  }

  beforeAll(async () => {
    [table, s3, sns, slack] = await Promise.all([startDynaliteTable(), startS3(), startSnsServer(), startSlackWebhookServer()]);
    estate = await startLiveEstate();
    ({ ssm, eks } = estate);
    snsClient = new SNSClient({ endpoint: sns.url, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    await uploadBaseline(BASELINE_YAML);
  });

  afterAll(async () => {
    snsClient.destroy();
    await Promise.all([table.stop(), s3.stop(), sns.close(), estate.close(), slack.close()]);
  });

  it('run 1 opens the findings and sends one alert', async () => {
    // Act
    outcomes.first = await audit('2026-11-23T10:00:00Z');

    // Assess
    expect(outcomes.first.kind).toBe('recorded');
    expect(sns.published).toHaveLength(1);
    const [alert] = sns.published;
    expect(alert?.subject).toBe('4 new drifts in production-eu');
    const body = JSON.parse(alert!.message) as RunMessageBody;
    expect(body.schema).toBe('drift-audit.run/1');
    expect(body.transitions.map((transition) => transition.findingId).sort()).toEqual([
      'changed:production-eu:DB_TIMEOUT',
      'changed:production-eu:PAYMENT_TIMEOUT',
      'missing:production-eu:INVENTORY_SERVICE_URL',
      'shadowed:production-eu:PAYMENT_TIMEOUT',
    ]);
    expect(alert?.attributes.regions).toEqual({ dataType: 'String.Array', value: '["eu-west-1"]' });
    expect(body.report?.s3Uri).toMatch(/^s3:\/\/drift-audit-test\/reports\/2026\/11\/.*\.html$/);
    expect(alert!.message).not.toContain(SSM_CANARY);
    expect(alert!.message).not.toContain(SECRET_CANARY);
  });

  it('run 2 with nothing changed alerts nothing and records no transition', async () => {
    // Act
    const before = (await table.scanAll()).filter((item) => String(item.sk).startsWith('T#')).length;
    outcomes.second = await audit('2026-11-23T11:00:00Z');

    // Assess
    expect(outcomes.second.kind === 'recorded' && outcomes.second.transitions).toEqual([]);
    expect(sns.published).toHaveLength(1);
    expect((await table.scanAll()).filter((item) => String(item.sk).startsWith('T#'))).toHaveLength(before);
    // The SSM read was incremental: metadata pages only, no value was fetched again.
    const calls = (outcome: AuditOutcome | undefined) => (outcome?.kind === 'recorded' ? Object.keys(outcome.run.apiCalls) : []);
    expect(calls(outcomes.first)).toContain('eu-west-1:SSM.GetParametersByPath');
    expect(calls(outcomes.second).filter((key) => key.includes('GetParameter'))).toEqual([]);
    expect(calls(outcomes.second)).toContain('eu-west-1:SSM.DescribeParameters');
  });

  it('a duplicate delivery of the same scheduled event writes nothing and alerts nothing', async () => {
    // Prepare
    const items = JSON.stringify(await table.scanAll());

    // Act
    const duplicate = await audit('2026-11-23T11:00:00Z');

    // Assess
    expect(duplicate.kind).toBe('duplicate');
    expect(sns.published).toHaveLength(1);
    expect(JSON.stringify(await table.scanAll())).toBe(items);
  });

  it('run 3 after a fix resolves the finding with one alert', async () => {
    // Prepare: someone puts PAYMENT_TIMEOUT back to 30 in Parameter Store.
    ssm.put('eu-west-1', { name: '/production-eu/api/payment/timeout', value: '30' });

    // Act
    outcomes.third = await audit('2026-11-23T12:00:00Z');

    // Assess
    expect(sns.published).toHaveLength(2);
    const body = JSON.parse(sns.published[1]!.message) as RunMessageBody;
    // The value drift is resolved; the ConfigMap's 30s still disagrees with SSM, now with another value.
    expect(sns.published[1]?.subject).toBe('1 changed in production-eu, 1 resolved');
    expect(body.transitions.map((transition) => `${transition.kind} ${transition.findingId}`)).toEqual([
      'changed shadowed:production-eu:PAYMENT_TIMEOUT',
      'resolved changed:production-eu:PAYMENT_TIMEOUT',
    ]);
  });

  it('a failed source gives a partial run: a source-error, no missing, nothing resolved there', async () => {
    // Prepare
    ssm.denyPath('/production-eu/api/', 'eu-west-1');

    // Act
    const partial = await audit('2026-11-23T13:00:00Z');

    // Assess
    expect(partial.kind === 'recorded' && partial.run.status).toBe('partial');
    const body = JSON.parse(sns.published.at(-1)!.message) as RunMessageBody;
    expect(body.transitions.map((transition) => `${transition.kind} ${transition.findingId}`)).toEqual([
      'opened source-error:production-eu:ssm:eu-west-1:/production-eu/api/',
    ]);
    const open = await new HistoryQueries({ documentClient: table.documentClient, tableName: table.tableName }).openFindings({ environment: 'production-eu' });
    expect(open.map((state) => state.id)).toContain('missing:production-eu:INVENTORY_SERVICE_URL');
  });

  it('a corrupt baseline falls back to the last valid one and alerts with the located errors', async () => {
    // Prepare
    await uploadBaseline(`${BASELINE_YAML}\nsettings:\n  BROKEN: { valeu: 1 }\n`);
    const alertsBefore = sns.published.length;

    // Act
    const run = await audit('2026-11-23T14:00:00Z');

    // Assess
    expect(run.kind === 'recorded' && run.run.status).toBe('failed');
    expect(run.kind === 'recorded' && run.run.error?.code).toBe('baseline-invalid');
    expect(run.kind === 'recorded' && run.run.baselineVersion).toBeDefined();
    expect(run.kind === 'recorded' && run.result?.findings.length).toBeGreaterThan(0);
    expect(sns.published.length).toBe(alertsBefore + 1);
    const body = JSON.parse(sns.published.at(-1)!.message) as RunMessageBody;
    expect(body.run.error?.message).toMatch(/baseline\.yaml:\d+:\d+/);
  });

  it('keeps a per-region timeline people can query', async () => {
    // Act
    const queries = new HistoryQueries({ documentClient: table.documentClient, tableName: table.tableName });
    const day = { since: new Date('2026-11-23T00:00:00Z'), until: new Date('2026-11-24T00:00:00Z') };
    const eu = await queries.findingsByRegion('eu-west-1', day);
    const us = await queries.findingsByRegion('us-east-1', day);

    // Assess
    const paymentTimeout = eu.filter((transition) => transition.finding.id === 'changed:production-eu:PAYMENT_TIMEOUT').map((transition) => transition.kind);
    expect(paymentTimeout).toEqual(['opened', 'resolved']);
    expect(us).toEqual([]);
  });

  it('hands its alert to the Slack notifier, which posts Block Kit', async () => {
    // Prepare
    const alert = sns.published[0]!;
    const event = { Records: [{ Sns: { Message: alert.message, Subject: alert.subject, MessageId: 'm' } }] } as unknown as SNSEvent;

    // Act
    await notify(event, { webhookUrl: async () => slack.url });

    // Assess
    expect(slack.received).toHaveLength(1);
    const posted = JSON.stringify(slack.received[0]);
    expect(posted).toContain('production-eu (eu-west-1)');
    expect(posted).toContain('PAYMENT_TIMEOUT');
    expect(posted).not.toContain(SSM_CANARY);
  });
});
