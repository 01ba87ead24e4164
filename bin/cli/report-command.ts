import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { fromIni } from '@aws-sdk/credential-providers';
import { readFileSync, writeFileSync } from 'node:fs';
import { DEFAULT_STACK_NAME, findHistoryTableName } from '../../lambdas/sinks/history/history-cli.js';
import { HistoryQueries, parseSince } from '../../lambdas/sinks/history/history-queries.js';
import { parseHistoryExport, type HistoryExport } from '../../lambdas/sinks/report/history-export.js';
import { renderHtml } from '../../lambdas/sinks/report/render-html.js';
import { reportTimeline, timelineOfExports, type ReportTimeline } from '../../lambdas/sinks/report/report-timeline.js';
import { requestHandlerOptions, withResponseDeadline } from '../../lambdas/sources/aws/http-timeouts.js';
import { resolvePath } from './audit-inputs.js';
import type { CliIo } from './cli-io.js';
import type { LiveOptions } from './live.js';
import type { FlagValues, OptionSpecs } from './option-spec.js';
import { audit, reportInputOf } from './scan-command.js';
import { EXIT, UsageError } from './usage-error.js';

const TIMELINE = 'Timeline (from the history: exports, or the deployed table)';

/** The flags of `drift-audit report`, besides the common estate flags. */
export const REPORT_FLAGS = {
  history: {
    group: TIMELINE,
    type: 'string',
    multiple: true,
    valueName: 'FILE',
    description: 'a timeline export: drift-audit history --region REGION --since 14d --json > FILE (repeat per region)',
  },
  region: {
    group: TIMELINE,
    type: 'string',
    multiple: true,
    valueName: 'REGION',
    description: 'read the timeline of REGION from the deployed history table instead (repeatable)',
  },
  table: {
    group: TIMELINE,
    type: 'string',
    valueName: 'NAME',
    description: 'with --region: the history table',
    defaultDescription: 'the HistoryTableName output of --stack',
  },
  stack: {
    group: TIMELINE,
    type: 'string',
    valueName: 'NAME',
    description: 'with --region: the deployed stack to read the table name from',
    defaultDescription: 'DriftAuditStack',
  },
  since: {
    group: TIMELINE,
    type: 'string',
    valueName: 'WHEN',
    description: 'with --region: how far back (14d, 12h, 2w or an ISO date)',
    defaultDescription: '14d',
  },
  output: { type: 'string', short: 'o', valueName: 'FILE', description: 'write the page to FILE instead of stdout' },
} as const satisfies OptionSpecs;

/** What `drift-audit report --help` says after the flags. */
export const REPORT_EPILOGUE = `The estate report as one self-contained HTML page: the summary, a keys x environments matrix of
effective values (declared differences marked, drift highlighted, secrets masked, unread sources
unknown), the per-region timeline of drift from the history, and the findings; filters by severity,
type, environment and region are kept in the URL.

Exit codes:
  0  report written (drift and unread sources are in the report, not the exit code)
  2  usage, baseline or input error (an unreadable or invalid --history file is named)
`;

/** The options of `report` from its flags: the timeline comes from exports or from the table, not both. */
export function reportOptionsOf(
  values: FlagValues<typeof REPORT_FLAGS>,
): Pick<ReportOptions, 'history' | 'regions' | 'table' | 'stackName' | 'since' | 'output'> {
  if (values.region.length > 0 && values.history.length > 0) {
    throw new UsageError('choose --history FILE (exports) or --region REGION (the live table) for the timeline, not both');
  }
  const stray = (['table', 'stack', 'since'] as const).filter((name) => values[name] !== undefined);
  if (values.region.length === 0 && stray.length > 0) {
    throw new UsageError(`${stray.map((name) => `--${name}`).join(', ')} only go with --region REGION (the regions whose history to show)`);
  }
  return {
    history: values.history,
    ...(values.region.length === 0 ? {} : { regions: values.region }),
    ...(values.table === undefined ? {} : { table: values.table }),
    ...(values.stack === undefined ? {} : { stackName: values.stack }),
    ...(values.since === undefined ? {} : { since: values.since }),
    ...(values.output === undefined ? {} : { output: values.output }),
  };
}

/** Options of `drift-audit report`. */
export interface ReportOptions extends LiveOptions {
  readonly baselineDir: string;
  readonly snapshots?: string;
  readonly live: boolean;
  readonly history: readonly string[];
  /** Read the timeline live from the history table, for these regions. */
  readonly regions?: readonly string[];
  readonly table?: string;
  readonly stackName?: string;
  /** @default '14d' */
  readonly since?: string;
  readonly output?: string;
  readonly now?: Date;
}

/** `drift-audit report`: audit, then write the HTML estate report with the exported history's timeline. */
export async function runReport(io: CliIo, options: ReportOptions): Promise<number> {
  // The exports first: a wrong file is a usage error before anything is read.
  const exports = options.history.map((file) => readHistoryExport(io, file));
  const since = options.regions === undefined ? undefined : parseSince(options.since ?? '14d', options.now ?? io.now());
  const outcome = await audit(io, options);
  const timeline =
    exports.length > 0
      ? timelineOfExports(exports)
      : options.regions !== undefined && since !== undefined
        ? await liveTimeline(options, options.regions, since, outcome.now)
        : undefined;
  const input = { ...reportInputOf(outcome, {}, undefined, { matrix: true }), ...(timeline === undefined ? {} : { timeline }) };
  const html = renderHtml(input);
  if (options.output === undefined) {
    io.stdout(html);
    return EXIT.clean;
  }
  try {
    writeFileSync(resolvePath(io, options.output), html);
  } catch (error) {
    throw new UsageError(`cannot write the report to ${options.output}: ${(error as Error).message}`, { cause: error });
  }
  io.stderr(`report written to ${options.output}\n`);
  return EXIT.clean;
}

function readHistoryExport(io: CliIo, file: string): HistoryExport {
  let text: string;
  try {
    text = readFileSync(resolvePath(io, file), 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --history ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseHistoryExport(text, file);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}

/**
 * The timeline read from the deployed history table: one Query per region over the window, as
 * `drift-audit history --region` reads it, with the project's deadlines on every call.
 */
async function liveTimeline(options: ReportOptions, regions: readonly string[], since: Date, until: Date): Promise<ReportTimeline> {
  const credentials = options.profile === undefined ? {} : { credentials: fromIni({ profile: options.profile }) };
  const requestHandler = requestHandlerOptions({});
  const dynamo = withResponseDeadline(new DynamoDBClient({ ...credentials, requestHandler }), {});
  const cloudFormation = withResponseDeadline(new CloudFormationClient({ ...credentials, requestHandler }), {});
  try {
    const tableName = options.table ?? (await findHistoryTableName(options.stackName ?? DEFAULT_STACK_NAME, cloudFormation));
    const documentClient = DynamoDBDocumentClient.from(dynamo);
    const queries = new HistoryQueries({ documentClient, tableName, now: () => until });
    const transitions = [];
    for (const region of [...new Set(regions)].sort()) transitions.push(...(await queries.findingsByRegion(region, { since, until })));
    return reportTimeline(transitions, { since: since.toISOString(), until: until.toISOString() });
  } finally {
    dynamo.destroy();
    cloudFormation.destroy();
  }
}
