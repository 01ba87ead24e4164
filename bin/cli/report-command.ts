import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseHistoryExport, type HistoryExport } from '../../lambdas/sinks/report/history-export.js';
import { renderHtml } from '../../lambdas/sinks/report/render-html.js';
import { timelineOfExports } from '../../lambdas/sinks/report/report-timeline.js';
import { resolvePath } from './audit-inputs.js';
import type { CliIo } from './cli-io.js';
import { COMMON_OPTIONS, commonOf, singleDir } from './common-options.js';
import type { LiveOptions } from './live.js';
import { audit, reportInputOf } from './scan-command.js';
import { EXIT, UsageError } from './usage-error.js';

/** `drift-audit report --help`. */
export const REPORT_HELP = `Usage: drift-audit report [BASELINE_DIR] [--snapshots DIR | --live] [--history FILE...] [--output FILE]

The estate report as one self-contained HTML page: the summary, a keys x environments matrix of
effective values (declared differences marked, drift highlighted, secrets masked, unread sources
unknown), the per-region timeline of drift from the history, and the findings; filters by severity,
type, environment and region are kept in the URL.

Options:
  --history FILE       a timeline export, the output of
                       drift-audit history --region REGION --since 30d --json > FILE
                       (repeat for each region; without it the report has no timeline)
  --output, -o FILE    write the page to FILE instead of stdout
  --snapshots DIR      read exported snapshots (default: BASELINE_DIR/snapshots)
  --live               read the estate live (see drift-audit scan --help)
  --now TIME           the report's time (ISO 8601)

Exit codes:
  0  report written (drift and unread sources are in the report, not the exit code)
  2  usage, baseline or input error (an unreadable or invalid --history file is named)
`;

/** Options of `drift-audit report`. */
export interface ReportOptions extends LiveOptions {
  readonly baselineDir: string;
  readonly snapshots?: string;
  readonly live: boolean;
  readonly history: readonly string[];
  readonly output?: string;
  readonly now?: Date;
}

/** Parses `drift-audit report` arguments and runs it. */
export async function reportCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      history: { type: 'string', multiple: true, default: [] },
      output: { type: 'string', short: 'o' },
    },
  });
  if (values.help) {
    io.stdout(REPORT_HELP);
    return EXIT.clean;
  }
  return runReport(io, {
    ...commonOf(values),
    baselineDir: singleDir(positionals, 'report'),
    history: values.history,
    ...(values.output === undefined ? {} : { output: values.output }),
  });
}

/** `drift-audit report`: audit, then write the HTML estate report with the exported history's timeline. */
export async function runReport(io: CliIo, options: ReportOptions): Promise<number> {
  // The exports first: a wrong file is a usage error before anything is read.
  const exports = options.history.map((file) => readHistoryExport(io, file));
  const outcome = await audit(io, options);
  const input = {
    ...reportInputOf(outcome, { matrix: true }),
    ...(exports.length === 0 ? {} : { timeline: timelineOfExports(exports) }),
  };
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
