import { writeFileSync } from 'node:fs';
import { analyse } from '../../lambdas/engine/analyse/analyse.js';
import { SEVERITIES, type AuditResult, type Severity, type Snapshot } from '../../lambdas/engine/model.js';
import type { ReportInput } from '../../lambdas/sinks/report/report-input.js';
import { renderHtml } from '../../lambdas/sinks/report/render-html.js';
import { renderJson } from '../../lambdas/sinks/report/render-json.js';
import { renderMarkdown } from '../../lambdas/sinks/report/render-markdown.js';
import { renderTerminal } from '../../lambdas/sinks/report/render-terminal.js';
import { loadBaseline, readOfflineSnapshots, resolvePath, snapshotDirFor, type LoadedBaseline } from './audit-inputs.js';
import { wantsColor, type CliIo } from './cli-io.js';
import { collectLiveForCli, type LiveOptions } from './live.js';
import { EXIT, UsageError } from './usage-error.js';

/** Output formats of `scan`. */
export const REPORT_FORMATS = ['terminal', 'json', 'markdown', 'html'] as const;
/** One of {@link REPORT_FORMATS}. */
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Options of `drift-audit scan`. */
export interface ScanOptions extends LiveOptions {
  readonly baselineDir: string;
  readonly snapshots?: string;
  readonly live: boolean;
  readonly format: ReportFormat;
  readonly output?: string;
  readonly failOn: Severity;
  readonly color?: boolean;
  readonly now?: Date;
  readonly verbose: boolean;
}

/** Everything one audit produced, for commands that build on a scan (explain, accept). */
export interface AuditOutcome {
  readonly loaded: LoadedBaseline;
  readonly snapshots: readonly Snapshot[];
  readonly result: AuditResult;
  readonly now: Date;
}

/** Loads the baseline, reads the estate (exported files or live) and runs the engine. */
export async function audit(io: CliIo, options: Omit<ScanOptions, 'format' | 'failOn' | 'verbose'>): Promise<AuditOutcome> {
  const loaded = loadBaseline(io, options.baselineDir);
  const now = options.now ?? io.now();
  const snapshots = options.live
    ? await collectLiveForCli(io, loaded.baseline, options)
    : await readOfflineSnapshots(loaded.baseline, snapshotDirFor(io, loaded.dir, options.snapshots));
  const result = analyse({ baseline: loaded.baseline, snapshots, now });
  return { loaded, snapshots, result, now };
}

/** Builds the renderers' input from an audit. */
export function reportInputOf(outcome: AuditOutcome): ReportInput {
  return {
    result: outcome.result,
    generatedAt: outcome.now.toISOString(),
    baselineVersion: outcome.loaded.version,
    environments: outcome.loaded.baseline.environments.map((env) => ({
      name: env.name,
      tier: env.tier,
      ...(env.region === undefined ? {} : { region: env.region }),
      ...(env.account === undefined ? {} : { account: env.account }),
    })),
    sources: outcome.snapshots.flatMap((snapshot) => snapshot.sources),
  };
}

/** Exit code for a result: drift at or above the threshold is 1, so `scan` works as a CI gate. */
export function exitCodeFor(result: AuditResult, failOn: Severity): number {
  const threshold = SEVERITIES.indexOf(failOn);
  return result.findings.some((finding) => SEVERITIES.indexOf(finding.severity) >= threshold) ? EXIT.drift : EXIT.clean;
}

/** `drift-audit scan`: audit and print the report. */
export async function runScan(io: CliIo, options: ScanOptions): Promise<number> {
  const outcome = await audit(io, options);
  const input = reportInputOf(outcome);
  const text = render(io, input, options);
  if (options.output !== undefined) {
    const target = resolvePath(io, options.output);
    try {
      writeFileSync(target, text);
    } catch (error) {
      throw new UsageError(`cannot write the report to ${options.output}: ${(error as Error).message}`, { cause: error });
    }
    io.stderr(`report written to ${options.output}\n`);
  } else {
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }
  return exitCodeFor(outcome.result, options.failOn);
}

function render(io: CliIo, input: ReportInput, options: ScanOptions): string {
  switch (options.format) {
    case 'json':
      return renderJson(input);
    case 'markdown':
      return renderMarkdown(input);
    case 'html':
      return renderHtml(input);
    case 'terminal':
      return renderTerminal(input, {
        color: options.output === undefined && wantsColor(io, options.color),
        verbose: options.verbose,
      });
  }
}
