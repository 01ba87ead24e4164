import { GetObjectCommand } from '@aws-sdk/client-s3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBaselineDir } from '../../../../lambdas/baseline/load-baseline-dir.js';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { FINDING_TYPES, type Transition } from '../../../../lambdas/engine/model.js';
import type { HistoryQueries } from '../../../../lambdas/sinks/history/history-queries.js';
import { ReportSink } from '../../../../lambdas/sinks/report/report-sink.js';
import type { RunOutput } from '../../../../lambdas/sinks/run-sink.js';
import { readSnapshots } from '../../../../lambdas/sources/files/snapshot-dir.js';
import { startS3, type S3Standin } from '../../../support/s3rver.js';

const CONFIG = join(import.meta.dirname, '../../../../config');
const NOW = new Date('2026-11-23T12:00:00Z');

/** One scheduled run of the demo estate, as the audit hands it to its sinks. */
async function demoRun(): Promise<RunOutput> {
  const loaded = loadBaselineDir(CONFIG);
  if (!loaded.ok) throw new Error('demo baseline invalid');
  const snapshots = await readSnapshots(loaded.baseline, join(CONFIG, 'snapshots'));
  const result = analyse({ baseline: loaded.baseline, snapshots, now: NOW });
  const transitions: Transition[] = result.findings.map((finding) => ({ kind: 'opened', at: NOW.toISOString(), firstSeen: NOW.toISOString(), finding }));
  return {
    idempotencyKey: 'event-1',
    run: {
      runId: 'run-2026-11-23T12:00:00Z',
      startedAt: NOW.toISOString(),
      finishedAt: NOW.toISOString(),
      status: 'ok',
      environments: loaded.baseline.environments.map((e) => e.name),
      sources: snapshots.flatMap((s) => s.sources),
      counts: Object.fromEntries(FINDING_TYPES.map((t) => [t, 0])) as RunOutput['run']['counts'],
      transitions: { opened: transitions.length, changed: 0, escalated: 0, resolved: 0 },
      apiCalls: {},
    },
    transitions,
    next: [],
    analysed: { baseline: loaded.baseline, baselineVersion: loaded.version, snapshots, result },
  };
}

describe('Class: ReportSink', () => {
  let s3: S3Standin;

  beforeAll(async () => {
    s3 = await startS3();
  });

  afterAll(async () => {
    await s3.stop();
  });

  async function htmlOf(sink: ReportSink, output: RunOutput): Promise<string> {
    const links = await sink.write(output);
    const object = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: links.report?.key }));
    return (await object.Body?.transformToString('utf8')) ?? '';
  }

  it('asks the history for the last 14 days of each audited region and draws them with this run', async () => {
    // Prepare
    const asked: string[] = [];
    const queries: Pick<HistoryQueries, 'findingsByRegion'> = {
      findingsByRegion: async (region, range) => {
        asked.push(`${region} ${range.since.toISOString()} ${range.until?.toISOString()}`);
        return [];
      },
    };
    const sink = new ReportSink({ s3: s3.client, bucket: s3.bucket, reportPrefix: 'reports/', timeline: { queries } });

    // Act
    const html = await htmlOf(sink, await demoRun());

    // Assess
    expect(asked).toEqual(['eu-west-1', 'unknown', 'us-east-1'].map((r) => `${r} 2026-11-09T12:00:00.000Z 2026-11-23T12:00:00.000Z`));
    expect(html).toContain('<section class="matrix" id="matrix">');
    expect(html).toMatch(/<h3>us-east-1 <small>14 opened/);
  });

  it('still writes the report when the history cannot be read, and says what the timeline lacks', async () => {
    // Prepare
    const queries: Pick<HistoryQueries, 'findingsByRegion'> = {
      findingsByRegion: async () => {
        throw new Error('query REGION#eu-west-1 on index byRegion: ProvisionedThroughputExceededException');
      },
    };
    const sink = new ReportSink({ s3: s3.client, bucket: s3.bucket, reportPrefix: 'reports/', timeline: { queries, days: 500 } });

    // Act
    const html = await htmlOf(sink, await demoRun());

    // Assess
    expect(html).toContain(
      'The history could not be read (query REGION#eu-west-1 on index byRegion: ProvisionedThroughputExceededException): the timeline shows this run&#39;s transitions only.',
    );
    // 500 days asked, 90 drawn: one run reads a bounded window.
    expect(html).toContain('from 2026-08-25 to 2026-11-23');
    expect(html).toMatch(/<h3>us-east-1 <small>14 opened/);
  });
});
