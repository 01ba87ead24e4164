import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handleAudit } from '../../../lambdas/audit/handler.js';
import { loadAuditBaseline } from '../../../lambdas/audit/load-audit-baseline.js';
import type { AuditDependencies, AuditOutcome } from '../../../lambdas/audit/run-audit.js';
import type { RunMessageBody } from '../../../lambdas/sinks/alerts/run-message.js';
import { HistoryStore } from '../../../lambdas/sinks/history/history-store.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';
import { startDynaliteTable, type DynaliteTable } from '../../support/dynalite.js';
import { startS3, type S3Standin } from '../../support/s3rver.js';
import { startSnsServer, type SnsStandin } from '../../support/sns-server.js';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:drift-audit-alerts';
const BASELINE_KEY = 'baseline/baseline.json';
const MiB = 1024 * 1024;

/** A valid baseline with no live source, so a run audits without reaching SSM or EKS. */
const VALID = 'environments:\n  production-eu:\n    tier: production\nsettings:\n  LOG_LEVEL: warn\n';

function bundle(text: string): string {
  return JSON.stringify({ schema: 'drift-audit.baseline-bundle/1', files: [{ name: 'baseline.yaml', text }] });
}

/** 2,000 block mappings, each nested in the one before. */
function deeplyNested(): string {
  let text = VALID;
  for (let level = 0; level < 2_000; level += 1) text += `${' '.repeat(level)}x${level}:\n`;
  return `${text}${' '.repeat(2_000)}v: 1\n`;
}

/**
 * The scheduled audit against baselines made to break the parser, in process, with the real SDK
 * clients on loopback stand-ins (s3rver, dynalite, an SNS Query endpoint): a hostile baseline is
 * rejected like any invalid one, the run audits against the last valid baseline, and the rejection
 * is alerted once with the located error.
 */
describe('Handler: scheduled audit, hostile baselines', () => {
  let table: DynaliteTable;
  let s3: S3Standin;
  let sns: SnsStandin;
  let snsClient: SNSClient;
  let deps: AuditDependencies;
  let clockMs = Date.parse('2026-11-23T10:00:00Z');

  async function upload(body: string): Promise<void> {
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: BASELINE_KEY, Body: body, ContentType: 'application/json' }));
  }

  async function audit(time: string): Promise<AuditOutcome> {
    clockMs = Date.parse(time);
    // Powertools writes its log lines and metrics to stdout and stderr; they are not what is checked here.
    const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(() => true), vi.spyOn(process.stderr, 'write').mockImplementation(() => true)];
    try {
      const event = {
        source: 'drift-audit.schedule',
        scheduledTime: time,
        scheduleArn: 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/drift-audit',
      };
      return await handleAudit(event, { awsRequestId: `req-${time}` }, deps, {
        logger: new Logger({ serviceName: 'drift-audit-test' }),
        metrics: new Metrics({ namespace: 'DriftAudit', serviceName: 'drift-audit-test' }),
      });
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  }

  /** The run's status and error, and the alert it sent (if any). */
  function rejection(outcome: AuditOutcome, alertsBefore: number): { status?: string; code?: string; version?: string; alert?: string } {
    if (outcome.kind !== 'recorded') throw new Error('expected a recorded run');
    const sent = sns.published.slice(alertsBefore).map((published) => (JSON.parse(published.message) as RunMessageBody).run.error?.message ?? '');
    return {
      status: outcome.run.status,
      ...(outcome.run.error === undefined ? {} : { code: outcome.run.error.code }),
      ...(outcome.run.baselineVersion === undefined ? {} : { version: outcome.run.baselineVersion }),
      ...(sent.length === 0 ? {} : { alert: sent.join('\n---\n') }),
    };
  }

  let validVersion: string | undefined;

  beforeAll(async () => {
    [table, s3, sns] = await Promise.all([startDynaliteTable(), startS3(), startSnsServer()]);
    snsClient = new SNSClient({ endpoint: sns.url, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    deps = {
      s3: s3.client,
      sns: snsClient,
      history: new HistoryStore({
        documentClient: table.documentClient,
        tableName: table.tableName,
        sleep: async () => undefined,
        now: () => new Date(clockMs),
      }),
      factory: new AwsClientFactory(),
      bucket: s3.bucket,
      baselineKey: BASELINE_KEY,
      reportPrefix: 'reports/',
      statePrefix: 'state/',
      topicArn: TOPIC,
      region: 'eu-west-1',
      clock: () => {
        clockMs += 1000;
        return new Date(clockMs);
      },
      singleConcurrency: true,
    };
    await upload(bundle(VALID));
    const first = await audit('2026-11-23T10:00:00Z');
    validVersion = first.kind === 'recorded' ? first.run.baselineVersion : undefined;
  });

  afterAll(async () => {
    deps.factory.destroy();
    snsClient.destroy();
    await Promise.all([table.stop(), s3.stop(), sns.close()]);
  });

  it.each([
    // VALID's 5 lines, then x0 ... x63; x63's value, at line 70 and column 65, is the 65th level.
    ['2,000 nested mappings', deeplyNested(), /^baseline\.yaml:70:65 mappings and lists are nested 65 deep here; a baseline may nest them at most 64 deep$/m],
    [
      'an anchor that contains its own alias',
      `${VALID}  LOOP: &loop\n    description: *loop\n`,
      /^baseline\.yaml:7:18 settings\.LOOP\.description: alias \*loop is inside the node its anchor &loop names/m,
    ],
    // VALID's 80 bytes, "# ", 6 MiB and a newline.
    [
      'a 6 MiB file',
      `${VALID}# ${'x'.repeat(6 * MiB)}\n`,
      /^baseline\.yaml:1:1 the file is 6,291,539 bytes \(6\.0 MiB\); a baseline file may be at most 5 MiB$/m,
    ],
  ])('falls back to the last valid baseline and alerts the located error once for %s', async (_name, text, located) => {
    // Prepare
    await upload(bundle(text));
    const alertsBefore = sns.published.length;
    clockMs += 3_600_000;
    const hour = new Date(clockMs).toISOString();

    // Act: this hour's run, and the next one with the same baseline still in place.
    const run = await audit(hour);
    const again = await audit(new Date(Date.parse(hour) + 3_600_000).toISOString());

    // Assess: a failed run that audited the last valid version, one alert naming file, line, column and limit.
    expect(validVersion).toBeDefined();
    const found = rejection(run, alertsBefore);
    expect(found).toMatchObject({ status: 'failed', code: 'baseline-invalid', version: validVersion });
    expect(found.alert).toContain(`audited against the last valid baseline (version ${validVersion})`);
    expect(found.alert).toMatch(located);
    expect(again).toMatchObject({ kind: 'recorded', alerted: false, run: { status: 'failed', baselineVersion: validVersion } });
  });
});

describe('Function: loadAuditBaseline, on an oversized bundle object', () => {
  let s3: S3Standin;
  beforeAll(async () => {
    s3 = await startS3();
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('refuses an object too large to hold a baseline within the limits before parsing its JSON, and falls back', async () => {
    // Prepare: a kept valid baseline, and a 22 MiB object where the bundle belongs.
    const location = { bucket: s3.bucket, key: BASELINE_KEY, lastValidKey: 'state/last-valid-baseline.json' };
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: BASELINE_KEY, Body: bundle(VALID) }));
    expect((await loadAuditBaseline(s3.client, location)).kind).toBe('current');
    await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: BASELINE_KEY, Body: `${'{'.repeat(22 * MiB)}` }));

    // Act
    const loaded = await loadAuditBaseline(s3.client, location);

    // Assess: not "invalid JSON": the size is the reason, said before the parser ran.
    expect(loaded.kind).toBe('fallback');
    expect(loaded.kind === 'fallback' && loaded.errors).toMatch(
      /is not a baseline bundle: it is 23,068,672 bytes \(22 MiB\); a bundle within the baseline limits is at most 21 MiB \(baseline files may total 10 MiB\)$/,
    );
  });
});
