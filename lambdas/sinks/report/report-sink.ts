import type { S3Client } from '@aws-sdk/client-s3';
import { writeText } from '../../audit/s3-objects.js';
import type { RunLinks, RunOutput, RunSink } from '../run-sink.js';
import { renderHtml } from './render-html.js';
import { renderJson } from './render-json.js';
import type { ReportInput } from './report-input.js';

/** Where the report sink writes. */
export interface ReportSinkOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  /** `reports/`: expired by the bucket's lifecycle rule. */
  readonly reportPrefix: string;
  /** The bucket's region, for console links in alerts. */
  readonly region?: string;
}

/**
 * The run reports in S3 as a run sink: the HTML and JSON reports of every analysed run, written before
 * the run is recorded so its alert can link to them (`<prefix><yyyy>/<mm>/<run id>.html`). A run that
 * analysed nothing (no usable baseline) has no report.
 */
export class ReportSink implements RunSink {
  readonly name = 'report';

  constructor(private readonly options: ReportSinkOptions) {}

  async write(output: RunOutput): Promise<RunLinks> {
    if (output.analysed === undefined) return {};
    const { s3, bucket, reportPrefix, region } = this.options;
    const key = `${reportPrefix}${output.run.startedAt.slice(0, 7).replace('-', '/')}/${safeKey(output.run.runId)}`;
    const input = reportInput(output, output.analysed);
    await writeText(s3, bucket, `${key}.html`, renderHtml(input), 'text/html; charset=utf-8');
    await writeText(s3, bucket, `${key}.json`, renderJson(input), 'application/json');
    return { report: { bucket, key: `${key}.html`, ...(region === undefined ? {} : { region }) } };
  }
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
