import type { S3Client } from '@aws-sdk/client-s3';
import { writeText } from '../../audit/s3-objects.js';
import { estateMatrix } from '../../engine/analyse/estate-matrix.js';
import type { Transition } from '../../engine/model.js';
import type { HistoryQueries } from '../history/history-queries.js';
import type { RunLinks, RunOutput, RunSink } from '../run-sink.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import type { ReportInput } from './report-input.js';
import { DEFAULT_TIMELINE_DAYS, MAX_TIMELINE_DAYS, reportTimeline, type ReportTimeline } from './report-timeline.js';

/** Where the report sink writes. */
export interface ReportSinkOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** `reports/`: expired by the bucket's lifecycle rule. */
  readonly reportPrefix: string;
  /** The bucket's region, for console links in alerts. */
  readonly region?: string;
  /** The history the HTML report's timeline is read from; absent: the report has no timeline. */
  readonly timeline?: {
    readonly queries: Pick<HistoryQueries, 'findingsByRegion'>;
    /** Days back from the run. @default DEFAULT_TIMELINE_DAYS (14), at most MAX_TIMELINE_DAYS (90) */
    readonly days?: number;
  };
}

/**
 * The run reports in S3 as a run sink: the HTML and JSON reports of every analysed run, written before
 * the run is recorded so its alert can link to them (`<prefix><yyyy>/<mm>/<run id>.html`). A run that
 * analysed nothing (no usable baseline) has no report.
 *
 * The HTML page is the estate report: the keys x environments matrix of what was read, and the drift
 * timeline of the last days per region. The timeline is the history as this run leaves it: what earlier
 * runs recorded (one Query per region) plus this run's own transitions, which the history sink records
 * right after this stage. A history that cannot be read never fails the run: the timeline then shows
 * this run's transitions and says why the rest is missing.
 */
export class ReportSink implements RunSink {
  readonly name = 'report';

  constructor(private readonly options: ReportSinkOptions) {}

  async write(output: RunOutput): Promise<RunLinks> {
    if (output.analysed === undefined) return {};
    const { s3, bucket, reportPrefix, region } = this.options;
    const key = `${reportPrefix}${output.run.startedAt.slice(0, 7).replace('-', '/')}/${safeKey(output.run.runId)}`;
    const input = reportInput(output, output.analysed);
    const timeline = this.options.timeline === undefined ? undefined : await this.timelineOf(output, this.options.timeline);
    const html = renderHtml({
      ...input,
      matrix: estateMatrix({ baseline: output.analysed.baseline, snapshots: output.analysed.snapshots, result: output.analysed.result }),
      ...(timeline === undefined ? {} : { timeline }),
    });
    await writeText(s3, bucket, `${key}.html`, html, 'text/html; charset=utf-8');
    await writeText(s3, bucket, `${key}.json`, renderJson(input), 'application/json');
    return { report: { bucket, key: `${key}.html`, ...(region === undefined ? {} : { region }) } };
  }

  private async timelineOf(output: RunOutput, options: NonNullable<ReportSinkOptions['timeline']>): Promise<ReportTimeline> {
    const days = Math.min(MAX_TIMELINE_DAYS, Math.max(1, options.days ?? DEFAULT_TIMELINE_DAYS));
    const until = new Date(output.run.finishedAt);
    const since = new Date(until.getTime() - days * 86_400_000);
    const window = { since: since.toISOString(), until: until.toISOString() };
    const regions = regionsOf(output);
    const recorded: Pick<Transition, 'kind' | 'at' | 'finding'>[] = [];
    let note: string | undefined;
    // One region at a time: a handful of Queries, and the audit's DynamoDB client is shared.
    for (const name of regions) {
      try {
        recorded.push(...(await options.queries.findingsByRegion(name, { since, until })));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        note = `The history could not be read (${reason}): the timeline shows this run's transitions only.`;
        break;
      }
    }
    const timeline = reportTimeline([...recorded, ...output.transitions], window);
    return note === undefined ? timeline : { ...timeline, note };
  }
}

/** The regions whose history the report shows: the audited environments' and those of this run's findings. */
function regionsOf(output: RunOutput): string[] {
  const regions = new Set<string>();
  for (const environment of output.analysed?.baseline.environments ?? []) if (environment.region !== undefined) regions.add(environment.region);
  const findings = [...(output.analysed?.result.findings ?? []), ...output.transitions.map((t) => t.finding)];
  // A finding of no region (a group of environments in several) is kept under `unknown`, as the history keys it.
  for (const finding of findings) regions.add(finding.region ?? 'unknown');
  return [...regions].sort();
}

function reportInput(output: RunOutput, analysed: NonNullable<RunOutput['analysed']>): ReportInput {
  return {
    result: analysed.result,
    generatedAt: output.run.finishedAt,
    baselineVersion: analysed.baselineVersion,
    environments: analysed.baseline.environments.map((environment) => ({
      name: environment.name,
      tier: environment.tier,
      ...(environment.region === undefined ? {} : { region: environment.region }),
      ...(environment.account === undefined ? {} : { account: environment.account }),
    })),
    sources: analysed.snapshots.flatMap((snapshot) => snapshot.sources),
    transitions: output.transitions,
  };
}

/** A run id as an S3 key segment: `:` and `#` of the id and scheduled time become `_`. */
function safeKey(runId: string): string {
  return runId.replace(/[^A-Za-z0-9._-]+/g, '_');
}
