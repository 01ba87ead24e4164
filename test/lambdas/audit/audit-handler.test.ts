import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SNSClient } from '@aws-sdk/client-sns';
import { ConfiguredRetryStrategy } from '@smithy/util-retry';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { collectionDeadlineMs, handleAudit, idempotencyKeyOf } from '../../../lambdas/audit/handler.js';
import type { AuditDependencies, AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import { notify } from '../../../lambdas/notify-slack/handler.js';
import type { RunMessageBody } from '../../../lambdas/sinks/alerts/run-message.js';
import { HistoryQueries } from '../../../lambdas/sinks/history/history-queries.js';
import { HistoryStore } from '../../../lambdas/sinks/history/history-store.js';
import { intercept } from '../sinks/history/history-harness.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { SECRET_CANARY } from '../sources/eks/kube-fixtures.js';
import { startDynaliteTable, type DynaliteTable } from '../../support/dynalite.js';
import { LIVE_BASELINE_YAML as BASELINE_YAML, SSM_CANARY, startLiveEstate, type LiveEstate } from '../../support/live-estate.js';
import { startS3, type S3Standin } from '../../support/s3rver.js';
import { startSlackWebhookServer, type SlackWebhookServer } from '../../support/slack-webhook-server.js';
import { startSnsServer, type SnsStandin } from '../../support/sns-server.js';
import type { SsmServer } from '../../support/ssm-server.js';

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
  let warm: AuditDependencies;
  const outcomes: Record<string, AuditOutcome> = {};
  const printed: Record<string, Printed> = {};

  function newDeps(overrides: Partial<AuditDependencies> = {}): AuditDependencies {
    const credentials = { accessKeyId: 'AKIDAUDIT', secretAccessKey: 'audit-secret' };
    return {
      s3: s3.client,
      sns: snsClient,
      // Claims are timed by the test clock, so "a minute later" is a minute inside the 15-minute lease.
      history: new HistoryStore({
        documentClient: table.documentClient,
        tableName: table.tableName,
        sleep: async () => undefined,
        now: () => new Date(clockMs),
      }),
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
      clock: () => {
        clockMs += 1000;
        return new Date(clockMs);
      },
      // As in production, where the construct gives the function reserved concurrency 1.
      singleConcurrency: true,
      ...overrides,
    };
  }

  /** Log lines and EMF documents one invocation printed, parsed. */
  interface Printed {
    readonly raw: string;
    readonly logs: { level: string; message: string }[];
    readonly metrics: Record<string, unknown>[];
  }

  /**
   * Runs the handler for the event scheduled at `time`, as a warm container does (same clients every
   * run), with the clock at `startAt` (a retry arrives after the scheduled time).
   */
  async function audit(time: string, runDeps: AuditDependencies = warm, startAt = time): Promise<AuditOutcome> {
    clockMs = Date.parse(startAt);
    const chunks: string[] = [];
    // Powertools prints INFO and EMF to stdout, WARN and ERROR to stderr.
    const capture = (chunk: string | Uint8Array) => {
      chunks.push(String(chunk));
      return true;
    };
    const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(capture), vi.spyOn(process.stderr, 'write').mockImplementation(capture)];
    try {
      return await handleAudit(scheduled(time), { awsRequestId: `req-${time}` }, runDeps, {
        logger: new Logger({ serviceName: 'drift-audit-test' }),
        metrics: new Metrics({ namespace: 'DriftAudit', serviceName: 'drift-audit-test' }),
      });
    } finally {
      for (const spy of spies) spy.mockRestore();
      const raw = chunks.join('');
      const documents = raw
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      printed[time] = {
        raw,
        logs: documents.filter((document) => 'level' in document) as unknown as Printed['logs'],
        metrics: documents.filter((document) => '_aws' in document),
      };
    }
  }

  /** The value of metric `name` the run printed, or undefined when it printed none. */
  function metricOf(time: string, name: string): unknown {
    return printed[time]?.metrics.find((document) => name in document)?.[name];
  }

  async function objectKeys(): Promise<string[]> {
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }));
    return (listed.Contents ?? []).map((object) => `${object.Key} ${object.ETag}`).sort();
  }

  /** The transition items of one finding (not the fences a rollback leaves at their keys). */
  async function transitionsOf(id: string): Promise<Record<string, unknown>[]> {
    return (await table.scanAll()).filter((item) => item.pk === `FINDING#${id}` && String(item.sk).startsWith('T#') && item.itemType === 'transition');
  }

  /**
   * Dependencies whose history table drops the connection when the run commits (the claim's flip to
   * complete): the invocation dies after recording everything and before alerting, as a Lambda timeout would.
   */
  function crashingAtCommit(): AuditDependencies {
    const documentClient = intercept(table.documentClient, (command, send) => {
      const values = command.input['ExpressionAttributeValues'] as Record<string, unknown> | undefined;
      const key = command.input['Key'] as { sk?: string } | undefined;
      if (command.constructor.name === 'UpdateCommand' && key?.sk === 'CLAIM' && values?.[':complete'] === 'complete') {
        return Promise.reject(Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }));
      }
      return send();
    });
    return newDeps({ history: new HistoryStore({ documentClient, tableName: table.tableName, sleep: async () => undefined, now: () => new Date(clockMs) }) });
  }

  /** `<start, to the minute> <recording>` of every run item whose start begins with `prefix`. */
  async function runsStarting(prefix: string): Promise<string[]> {
    const runs = (await table.scanAll()).filter((item) => item.itemType === 'run' && String(item.startedAt).startsWith(prefix));
    return runs.map((item) => `${String(item.startedAt).slice(0, 16)} ${String(item.recording)}`).sort();
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
    warm = newDeps();
  });

  afterAll(async () => {
    warm.factory.destroy();
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
    expect(alert?.subject).toBe('HIGH: 4 new drifts in production-eu');
    const body = JSON.parse(alert!.message) as RunMessageBody;
    expect(body.schema).toBe('drift-audit.run/1');
    expect(body.transitions.map((transition) => transition.findingId).sort()).toEqual([
      'changed:production-eu:api:DB_TIMEOUT',
      'changed:production-eu:api:PAYMENT_TIMEOUT',
      'missing:production-eu:api:INVENTORY_SERVICE_URL',
      'shadowed:production-eu:api:PAYMENT_TIMEOUT',
    ]);
    expect(alert?.attributes.regions).toEqual({ dataType: 'String.Array', value: '["eu-west-1"]' });
    expect(body.report?.s3Uri).toMatch(/^s3:\/\/drift-audit-test\/reports\/2026\/11\/.*\.html$/);
    expect(alert!.message).not.toContain(SSM_CANARY);
    expect(alert!.message).not.toContain(SECRET_CANARY);
  });

  it('run 1 writes its report to S3 as HTML and JSON, and keeps the state the next run needs', async () => {
    // Prepare
    const body = JSON.parse(sns.published[0]!.message) as RunMessageBody;
    const htmlKey = body.report!.s3Uri.replace(`s3://${s3.bucket}/`, '');
    const read = async (key: string) => (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToString('utf8');

    // Act
    const [html, json, lastValid, liveState] = await Promise.all([
      read(htmlKey),
      read(htmlKey.replace(/\.html$/, '.json')),
      read('state/last-valid-baseline.json'),
      read('state/live-state.json'),
    ]);

    // Assess
    expect(html).toContain('PAYMENT_TIMEOUT');
    const report = JSON.parse(json) as { findings: { id: string }[] };
    expect(report.findings.map((finding) => finding.id).sort()).toEqual(body.transitions.map((transition) => transition.findingId).sort());
    expect(JSON.parse(lastValid)).toMatchObject({ files: [{ name: 'baseline.yaml' }] });
    expect(JSON.parse(liveState)).toMatchObject({ schema: 'drift-audit.live-state/1' });
    for (const text of [html, json, liveState]) {
      expect(text).not.toContain(SSM_CANARY);
      expect(text).not.toContain(SECRET_CANARY);
    }
  });

  it('run 1 logs counts, never values, and emits the metrics the alarms watch', () => {
    // Assess
    const first = printed['2026-11-23T10:00:00Z']!;
    expect(first.logs.map((line) => line.message)).toContain('audit run recorded');
    for (const value of [SSM_CANARY, SECRET_CANARY, 'https://inventory.internal', 'oncall-alice']) expect(first.raw).not.toContain(value);
    expect(metricOf('2026-11-23T10:00:00Z', 'SuccessfulRuns')).toBe(1);
    expect(metricOf('2026-11-23T10:00:00Z', 'Transitions')).toBe(4);
    expect(metricOf('2026-11-23T10:00:00Z', 'Findings_high')).toBe(2);
    const run = outcomes.first?.kind === 'recorded' ? outcomes.first.run : undefined;
    expect(metricOf('2026-11-23T10:00:00Z', 'ApiCalls')).toBe(Object.values(run?.apiCalls ?? {}).reduce((sum, entry) => sum + entry.calls, 0));
    expect(first.metrics[0]?._aws).toMatchObject({ CloudWatchMetrics: [{ Namespace: 'DriftAudit', Dimensions: [['service']] }] });
    // The dashboard's: open drift by environment, region and severity, adding up to what the run left open.
    const open = first.metrics.filter((document) => 'OpenDrift' in document);
    expect(open[0]?._aws).toMatchObject({ CloudWatchMetrics: [{ Dimensions: [['service', 'environment', 'region', 'severity']] }] });
    expect(open.reduce((sum, document) => sum + Number(document.OpenDrift), 0)).toBe(
      outcomes.first?.kind === 'recorded' ? outcomes.first.openStates.length : -1,
    );
    expect(open.find((document) => document.environment === 'production-eu' && document.severity === 'high')?.OpenDrift).toBe(2);
    expect(first.metrics.find((document) => 'PartialRuns' in document)?.PartialRuns).toBe(0);
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
    expect(metricOf('2026-11-23T11:00:00Z', 'SuccessfulRuns')).toBe(1);
    expect(metricOf('2026-11-23T11:00:00Z', 'Transitions')).toBe(0);
  });

  it('a duplicate delivery of the same scheduled event writes nothing and alerts nothing', async () => {
    // Prepare
    const items = JSON.stringify(await table.scanAll());
    const objects = await objectKeys();
    ssm.clearRequests();

    // Act: Scheduler delivers the 11:00 event again, with a new execution id.
    const duplicate = await audit('2026-11-23T11:00:00Z');

    // Assess
    expect(duplicate.kind).toBe('duplicate');
    expect(sns.published).toHaveLength(1);
    expect(JSON.stringify(await table.scanAll())).toBe(items);
    expect(await objectKeys()).toEqual(objects);
    expect(ssm.requests).toEqual([]);
    expect(metricOf('2026-11-23T11:00:00Z', 'DuplicateDeliveries')).toBe(1);
    expect(metricOf('2026-11-23T11:00:00Z', 'SuccessfulRuns')).toBeUndefined();
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
    expect(sns.published[1]?.subject).toBe('LOW: 1 changed in production-eu, 1 resolved');
    expect(body.transitions.map((transition) => `${transition.kind} ${transition.findingId}`)).toEqual([
      'changed shadowed:production-eu:api:PAYMENT_TIMEOUT',
      'resolved changed:production-eu:api:PAYMENT_TIMEOUT',
    ]);
  });

  it('run 3 writes the estate report: the matrix, and the timeline of what the history recorded plus what this run changed', async () => {
    // Prepare
    const body = JSON.parse(sns.published[1]!.message) as RunMessageBody;
    const htmlKey = body.report!.s3Uri.replace(`s3://${s3.bucket}/`, '');

    // Act
    const html = await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: htmlKey }))).Body!.transformToString('utf8');
    const lane = /<li class="lane[^"]*"[^>]*><span class="lk" title="changed:production-eu:api:PAYMENT_TIMEOUT[\s\S]*?<\/li>/.exec(html)?.[0];

    // Assess
    expect(html).toContain('<section class="matrix" id="matrix">');
    expect(html).toContain('<section class="region" data-region="eu-west-1">');
    // Opened by run 1 (read back from the table), resolved by run 3 (this run, recorded after the report).
    expect(lane).toContain('resolved 2026-11-23');
    expect(lane).toContain('data-region="eu-west-1"');
    // Run 3 opened nothing: every opening on the timeline was read from the history.
    expect(outcomes.third).toBeDefined();
    expect(html).toMatch(/<h3>eu-west-1 <small>[1-9]\d* opened · [1-9]\d* changed · [1-9]\d* resolved/);
    expect(html).not.toContain('could not be read (');
    expect(html).not.toContain(SSM_CANARY);
    expect(html).not.toContain(SECRET_CANARY);
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
    expect(open.map((state) => state.id)).toContain('missing:production-eu:api:INVENTORY_SERVICE_URL');
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
    // Audited against the version run 1 validated, and says so.
    const lastValid = outcomes.first?.kind === 'recorded' ? outcomes.first.run.baselineVersion : undefined;
    expect(run.kind === 'recorded' && run.run.baselineVersion).toBe(lastValid);
    expect(body.run.error?.message).toContain(`audited against the last valid baseline (version ${lastValid})`);
    // A failed run does not feed the dead-man's switch.
    expect(metricOf('2026-11-23T14:00:00Z', 'SuccessfulRuns')).toBeUndefined();
  });

  it('keeps a per-region timeline people can query', async () => {
    // Act
    const queries = new HistoryQueries({ documentClient: table.documentClient, tableName: table.tableName });
    const day = { since: new Date('2026-11-23T00:00:00Z'), until: new Date('2026-11-24T00:00:00Z') };
    const eu = await queries.findingsByRegion('eu-west-1', day);
    const us = await queries.findingsByRegion('us-east-1', day);

    // Assess
    const paymentTimeout = eu
      .filter((transition) => transition.finding.id === 'changed:production-eu:api:PAYMENT_TIMEOUT')
      .map((transition) => transition.kind);
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

  it('alerts a rejected baseline once per version, while still alerting every transition', async () => {
    // Prepare: the corrupt baseline the 14:00 run alerted on is still in place.
    const alertsBefore = sns.published.length;
    const read = async (key: string) => (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToString('utf8');
    const alertedVersion = (JSON.parse(await read('state/alerted-baseline-rejection.json')) as { version: string }).version;

    // Act: an hour with nothing new, an hour where staging drifts, an hour where it is put back.
    const quiet = await audit('2026-11-23T14:10:00Z');
    ssm.put('us-east-1', { name: '/staging-us/api/inventory/service_url', value: 'https://inventory.staging' });
    const drifted = await audit('2026-11-23T14:20:00Z');
    ssm.put('us-east-1', { name: '/staging-us/api/inventory/service_url', value: 'https://inventory.internal' });
    const fixed = await audit('2026-11-23T14:30:00Z');

    // Assess: the rejection is not alerted again, the transitions are, each run still records it as failed.
    expect(quiet).toMatchObject({ kind: 'recorded', alerted: false, run: { status: 'failed', error: { code: 'baseline-invalid' } } });
    expect(drifted).toMatchObject({ kind: 'recorded', alerted: true, run: { status: 'failed' } });
    expect(fixed).toMatchObject({ kind: 'recorded', alerted: true, run: { status: 'failed' } });
    const sent = sns.published.slice(alertsBefore).map((alert) => JSON.parse(alert.message) as RunMessageBody);
    expect(sent.map((body) => body.transitions.map((transition) => `${transition.kind} ${transition.findingId}`))).toEqual([
      ['opened changed:staging-us:api:INVENTORY_SERVICE_URL'],
      ['resolved changed:staging-us:api:INVENTORY_SERVICE_URL'],
    ]);
    expect(metricOf('2026-11-23T14:10:00Z', 'SuccessfulRuns')).toBeUndefined();

    // Act again: someone uploads another baseline that is rejected too.
    await uploadBaseline(`${BASELINE_YAML}\nsettings:\n  BROKEN: { valeu: 2 }\n`);
    const newVersion = await audit('2026-11-23T14:40:00Z');
    const sameAgain = await audit('2026-11-23T14:50:00Z');

    // Assess: one alert for the new version, whose rejection is now the one remembered.
    expect(newVersion).toMatchObject({ kind: 'recorded', alerted: true });
    expect(sameAgain).toMatchObject({ kind: 'recorded', alerted: false });
    expect(sns.published).toHaveLength(alertsBefore + 3);
    expect(sns.published.at(-1)?.subject).toBe('drift-audit run failed: baseline-invalid');
    const remembered = (JSON.parse(await read('state/alerted-baseline-rejection.json')) as { version: string }).version;
    expect(remembered).not.toBe(alertedVersion);
  });

  it('a delivery that crashed between recording and alerting is rolled back by its retry a minute later, which records once and alerts once', async () => {
    // Prepare: a valid baseline again, a new drift in staging, and a first attempt that dies at its commit.
    await uploadBaseline(BASELINE_YAML);
    ssm.put('us-east-1', { name: '/staging-us/api/payment/timeout', value: '45' });
    const alertsBefore = sns.published.length;
    const crashing = crashingAtCommit();

    // Act: the first attempt records its run, then dies before alerting; Lambda retries the event a minute later.
    await expect(audit('2026-11-23T16:00:00Z', crashing)).rejects.toThrow(/ETIMEDOUT/);
    crashing.factory.destroy();
    const crashed = printed['2026-11-23T16:00:00Z']!;
    const retry = await audit('2026-11-23T16:00:00Z', warm, '2026-11-23T16:01:00Z');

    // Assess
    expect(crashed.logs.map((line) => `${line.level} ${line.message}`)).toContain('ERROR audit run failed; the invocation is retried, then dead-lettered');
    expect(retry).toMatchObject({ kind: 'recorded', rolledBack: [{ rolledBack: true, idempotencyKey: `${SCHEDULE}#2026-11-23T16:00:00Z` }] });
    expect(metricOf('2026-11-23T16:00:00Z', 'RolledBackRuns')).toBe(1);
    expect(sns.published).toHaveLength(alertsBefore + 1);
    const body = JSON.parse(sns.published.at(-1)!.message) as RunMessageBody;
    expect(body.transitions.map((transition) => `${transition.kind} ${transition.findingId}`)).toEqual(['opened changed:staging-us:api:PAYMENT_TIMEOUT']);
    expect(await transitionsOf('changed:staging-us:api:PAYMENT_TIMEOUT')).toHaveLength(1);
    expect(await runsStarting('2026-11-23T16:0')).toEqual(['2026-11-23T16:01 complete']);
    expect(await audit('2026-11-23T16:00:00Z', warm, '2026-11-23T16:03:00Z')).toMatchObject({ kind: 'duplicate' });
    expect(sns.published).toHaveLength(alertsBefore + 1);
  });

  it('a delivery whose alert SNS refused is recorded once, and its retry a minute later delivers that alert once', async () => {
    // Prepare: a new drift in staging, and a topic that refuses the next publish.
    ssm.put('us-east-1', { name: '/staging-us/api/inventory/service_url', value: 'https://inventory.staging' });
    sns.failNext(1);
    const alertsBefore = sns.published.length;

    // Act: the first attempt records and commits its run, then SNS refuses; Lambda retries a minute later.
    await expect(audit('2026-11-23T16:30:00Z')).rejects.toThrow(/AuthorizationError/);
    const refused = printed['2026-11-23T16:30:00Z']!;
    const retry = await audit('2026-11-23T16:30:00Z', warm, '2026-11-23T16:31:00Z');

    // Assess: the run was not undone; the retry only delivered what waited in the outbox.
    expect(refused.logs.map((line) => `${line.level} ${line.message}`)).toContain('ERROR audit run failed; the invocation is retried, then dead-lettered');
    expect(retry).toMatchObject({ kind: 'duplicate', delivery: { delivered: 1, pending: 0 } });
    // The retry (whose output `printed` now holds) counts the alert it delivered.
    expect(metricOf('2026-11-23T16:30:00Z', 'AlertsDelivered')).toBe(1);
    expect(sns.published).toHaveLength(alertsBefore + 1);
    const body = JSON.parse(sns.published.at(-1)!.message) as RunMessageBody;
    expect(body.transitions.map((transition) => `${transition.kind} ${transition.findingId}`)).toEqual(['opened changed:staging-us:api:INVENTORY_SERVICE_URL']);
    expect(body.run.startedAt.slice(0, 16)).toBe('2026-11-23T16:30');
    expect(await transitionsOf('changed:staging-us:api:INVENTORY_SERVICE_URL')).toHaveLength(3);
    expect(await runsStarting('2026-11-23T16:3')).toEqual(['2026-11-23T16:30 complete']);
    expect(await audit('2026-11-23T16:30:00Z', warm, '2026-11-23T16:33:00Z')).toMatchObject({ kind: 'duplicate', delivery: { delivered: 0 } });
    expect(sns.published).toHaveLength(alertsBefore + 1);
  });

  it('a run that crashed between recording and alerting and is never retried is rolled back by the next hourly run, which alerts once', async () => {
    // Prepare: a new drift in staging; the 17:00 attempt records, dies at its commit, and its retries never come.
    ssm.put('us-east-1', { name: '/staging-us/api/payment/gateway_url', value: 'https://sandbox.payment-provider.com' });
    const alertsBefore = sns.published.length;
    const crashing = crashingAtCommit();
    await expect(audit('2026-11-23T17:00:00Z', crashing)).rejects.toThrow(/ETIMEDOUT/);
    crashing.factory.destroy();

    // Act: the next scheduled event, then the 17:00 event redriven late from the dead-letter queue.
    const next = await audit('2026-11-23T18:00:00Z');
    const redriven = await audit('2026-11-23T17:00:00Z', warm, '2026-11-23T18:30:00Z');

    // Assess: 18:00 undid 17:00 and alerted its transition; the redriven event has nothing new to say.
    expect(next).toMatchObject({ kind: 'recorded', rolledBack: [{ rolledBack: true, idempotencyKey: `${SCHEDULE}#2026-11-23T17:00:00Z` }] });
    expect(sns.published).toHaveLength(alertsBefore + 1);
    const body = JSON.parse(sns.published.at(-1)!.message) as RunMessageBody;
    expect(body.transitions.map((transition) => `${transition.kind} ${transition.findingId}`)).toEqual(['opened changed:staging-us:api:PAYMENT_GATEWAY_URL']);
    expect(await transitionsOf('changed:staging-us:api:PAYMENT_GATEWAY_URL')).toHaveLength(1);
    expect(redriven).toMatchObject({ kind: 'recorded', transitions: [], rolledBack: [] });
    expect(await runsStarting('2026-11-23T1')).toEqual(expect.arrayContaining(['2026-11-23T18:00 complete', '2026-11-23T18:30 complete']));
    expect(await runsStarting('2026-11-23T17')).toEqual([]);
    expect((await table.scanAll()).filter((item) => item.itemType === 'recording')).toEqual([]);
  });

  it('with no valid baseline ever seen, records a failed run, audits nothing and alerts with the reason', async () => {
    // Prepare: a deployment whose baseline object was never uploaded, and no kept copy.
    const alertsBefore = sns.published.length;
    ssm.clearRequests();
    const fresh = newDeps({ baselineKey: 'nowhere/baseline.json', statePrefix: 'fresh-state/' });

    // Act
    const run = await audit('2026-11-23T15:00:00Z', fresh);
    fresh.factory.destroy();

    // Assess
    expect(run.kind === 'recorded' && run.run.status).toBe('failed');
    expect(run.kind === 'recorded' && run.transitions).toEqual([]);
    expect(ssm.requests).toEqual([]);
    expect(sns.published).toHaveLength(alertsBefore + 1);
    const body = JSON.parse(sns.published.at(-1)!.message) as RunMessageBody;
    expect(body.run.error?.message).toContain(`no baseline at s3://${s3.bucket}/nowhere/baseline.json`);
    expect(body.run.error?.message).toContain('nothing was audited');
    expect(metricOf('2026-11-23T15:00:00Z', 'SuccessfulRuns')).toBeUndefined();

    // Act again: the next hour, still nothing to audit against.
    const again = await audit('2026-11-23T15:10:00Z', newDeps({ baselineKey: 'nowhere/baseline.json', statePrefix: 'fresh-state/' }));

    // Assess: the same missing baseline is not alerted every hour.
    expect(again).toMatchObject({ kind: 'recorded', alerted: false, run: { status: 'failed' } });
    expect(sns.published).toHaveLength(alertsBefore + 1);
  });

  it('resolves the open findings of an environment removed from the baseline, saying why', async () => {
    // Prepare: production-eu (still unreadable since 13:00, so never complete) leaves the baseline.
    const withoutEu = BASELINE_YAML.replace(/ {2}production-eu:\n( {4}.*\n)+/, '').replace(/ {2}DB_TIMEOUT: .*\n/, '');
    expect(withoutEu).not.toContain('production-eu');
    await uploadBaseline(withoutEu);
    const alertsBefore = sns.published.length;

    // Act
    const run = await audit('2026-11-23T19:00:00Z');

    // Assess
    expect(run).toMatchObject({ kind: 'recorded', run: { status: 'ok', environments: ['staging-us'] } });
    expect(sns.published).toHaveLength(alertsBefore + 1);
    const body = JSON.parse(sns.published.at(-1)!.message) as RunMessageBody;
    const resolved = body.transitions.filter((transition) => transition.environment === 'production-eu');
    expect(resolved.map((transition) => `${transition.kind} ${transition.findingId}`).sort()).toEqual([
      'resolved changed:production-eu:api:DB_TIMEOUT',
      'resolved missing:production-eu:api:INVENTORY_SERVICE_URL',
      'resolved shadowed:production-eu:api:PAYMENT_TIMEOUT',
      'resolved source-error:production-eu:ssm:eu-west-1:/production-eu/api/',
    ]);
    for (const transition of resolved) expect(transition.message).toMatch(/^environment production-eu is no longer in the baseline/);
    const open = await new HistoryQueries({ documentClient: table.documentClient, tableName: table.tableName }).openFindings({ environment: 'production-eu' });
    expect(open).toEqual([]);
  });
});

describe('Function: idempotencyKeyOf', () => {
  it('gives every delivery of one scheduled run the same key, whatever its execution id', () => {
    // Prepare
    const first = scheduled('2026-11-23T10:00:00Z');
    const retry = { ...(first as object), executionId: 'another-attempt', attemptNumber: '2' };

    // Act / Assess
    expect(idempotencyKeyOf(first, { awsRequestId: 'a' })).toBe(`${SCHEDULE}#2026-11-23T10:00:00Z`);
    expect(idempotencyKeyOf(retry, { awsRequestId: 'b' })).toBe(idempotencyKeyOf(first, { awsRequestId: 'a' }));
    expect(idempotencyKeyOf(scheduled('2026-11-23T11:00:00Z'), { awsRequestId: 'a' })).not.toBe(idempotencyKeyOf(first, { awsRequestId: 'a' }));
  });

  it('keys a manual invocation by its request id', () => {
    expect(idempotencyKeyOf({}, { awsRequestId: 'req-1' })).toBe('manual#req-1');
  });
});

describe('Function: collectionDeadlineMs', () => {
  it('leaves a quarter of the remaining time, between 10 s and 60 s, for recording and alerting', () => {
    expect(collectionDeadlineMs(300_000)).toBe(240_000);
    expect(collectionDeadlineMs(900_000)).toBe(840_000);
    expect(collectionDeadlineMs(20_000)).toBe(10_000);
    expect(collectionDeadlineMs(5_000)).toBe(0);
  });
});
