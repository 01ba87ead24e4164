import { writeFileSync } from 'node:fs';
import { analyse } from '../../lambdas/engine/analyse/analyse.js';
import { estateMatrix, type EstateMatrix } from '../../lambdas/engine/analyse/estate-matrix.js';
import { SEVERITIES, type AuditResult, type Severity, type Snapshot, type SourceStatus } from '../../lambdas/engine/model.js';
import { closest } from 'fastest-levenshtein';
import { describeFilter, filterAuditResult, isEmptyFilter, keepsEnvironment, type ReportFilter } from '../../lambdas/sinks/report/report-filter.js';
import type { ReportInput } from '../../lambdas/sinks/report/report-input.js';
import { loadBaseline, readOfflineSnapshots, resolvePath, snapshotDirFor, type LoadedBaseline } from './audit-inputs.js';
import { terminalWidth, wantsColor, type CliIo } from './cli-io.js';
import { collectLiveForCli, type LiveOptions } from './live.js';
import { githubTokenOf, openPullRequests, type OpenPrsOptions } from './open-prs.js';
import { renderReport, type ReportFormat } from './report-formats.js';
import { EXIT, UsageError } from './usage-error.js';

export { REPORT_FORMATS, type ReportFormat } from './report-formats.js';

/** Options of `drift-audit scan`. */
export interface ScanOptions extends LiveOptions {
  readonly baselineDir: string;
  readonly snapshots?: string;
  readonly live: boolean;
  readonly format: ReportFormat;
  readonly output?: string;
  readonly failOn: Severity;
  /** `--allow-partial`: judge an incomplete audit on what was read instead of exiting 3. @default false */
  readonly allowPartial?: boolean;
  readonly color?: boolean;
  readonly now?: Date;
  readonly verbose: boolean;
  /** `--compact`: one terminal line per key and type, across environments. @default false */
  readonly compact?: boolean;
  /** `--env`, `--severity`, `--type`: what the report shows and the exit code judges. @default everything */
  readonly filter?: ReportFilter;
  /** `--open-prs`: open or update a pull request per out-of-band drift (see `open-prs.ts`). */
  readonly openPrs?: OpenPrsOptions;
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

/**
 * The audit narrowed to what the filter keeps: its findings, and the environments (with their
 * sources) it names. An `--env` the baseline does not declare is a usage error with the closest name.
 */
export function filterOutcome(outcome: AuditOutcome, filter: ReportFilter): AuditOutcome {
  if (isEmptyFilter(filter)) return outcome;
  const names = outcome.loaded.baseline.environments.map((env) => env.name);
  for (const environment of filter.environments ?? []) {
    if (!names.includes(environment)) {
      throw new UsageError(
        `--env ${environment} is not an environment of the baseline: did you mean ${closest(environment, names)}? (one of ${names.join(', ')})`,
      );
    }
  }
  return {
    ...outcome,
    result: filterAuditResult(outcome.result, filter),
    snapshots: outcome.snapshots.filter((snapshot) => keepsEnvironment(filter, snapshot.environment)),
  };
}

/**
 * Builds the renderers' input from an audit; `total` is the unfiltered audit's finding count when
 * filtered. `matrix`: add the keys x environments matrix of the environments the filter keeps (the
 * HTML estate report shows it; the other formats do not, so they do not pay for it).
 */
export function reportInputOf(outcome: AuditOutcome, filter: ReportFilter = {}, total?: number, options: { readonly matrix?: boolean } = {}): ReportInput {
  return {
    result: outcome.result,
    generatedAt: outcome.now.toISOString(),
    baselineVersion: outcome.loaded.version,
    ...(isEmptyFilter(filter)
      ? {}
      : { filter: { description: describeFilter(filter), shown: outcome.result.findings.length, total: total ?? outcome.result.findings.length } }),
    environments: outcome.loaded.baseline.environments
      .filter((env) => keepsEnvironment(filter, env.name))
      .map((env) => ({
        name: env.name,
        tier: env.tier,
        ...(env.region === undefined ? {} : { region: env.region }),
        ...(env.account === undefined ? {} : { account: env.account }),
      })),
    sources: outcome.snapshots.flatMap((snapshot) => snapshot.sources),
    ...(options.matrix === true ? { matrix: matrixOf(outcome, filter) } : {}),
  };
}

/** The matrix of the environments the filter keeps: a column per kept environment, none shown as unread. */
function matrixOf(outcome: AuditOutcome, filter: ReportFilter): EstateMatrix {
  const baseline = outcome.loaded.baseline;
  const environments = baseline.environments.filter((env) => keepsEnvironment(filter, env.name));
  return estateMatrix({ baseline: { ...baseline, environments }, snapshots: outcome.snapshots, result: outcome.result });
}

/** What decides `scan`'s exit code besides the findings. */
export interface VerdictOptions {
  /** Drift at or above this severity exits 1. `source-error` findings are not drift: they never count. */
  readonly failOn: Severity;
  /** Judge an incomplete audit on the sources that were read instead of exiting {@link EXIT.incomplete}. @default false */
  readonly allowPartial?: boolean;
}

/**
 * Exit code for an audit, so `scan` works as a CI gate: 3 when any source went unread (unless
 * partial audits are allowed), else 1 for drift at or above `failOn`, else 0.
 *
 * Incomplete wins over drift: a gate that sees 1 may be waved through as "known drift", while keys
 * the unread sources hold are unknown, and the drift there could be worse. A `source-error` is a
 * high-severity finding so that it is seen, but it is a fact about the audit, not about the estate:
 * it never counts towards `failOn`, whichever way the audit is judged.
 */
export function exitCodeFor(result: AuditResult, options: VerdictOptions): number {
  if (result.status === 'partial' && options.allowPartial !== true) return EXIT.incomplete;
  const threshold = SEVERITIES.indexOf(options.failOn);
  const drift = result.findings.some((finding) => finding.type !== 'source-error' && SEVERITIES.indexOf(finding.severity) >= threshold);
  return drift ? EXIT.drift : EXIT.clean;
}

/** `2 of 6 sources could not be read (a, b)`, for the stderr lines of `scan` and `snapshot`. */
export function unreadSummary(sources: readonly SourceStatus[]): string {
  const failed = sources.filter((source) => source.status !== 'ok').map((source) => source.id);
  return `${failed.length} of ${sources.length} source${sources.length === 1 ? '' : 's'} could not be read${failed.length === 0 ? '' : ` (${failed.join(', ')})`}`;
}

/** The stderr line that says why an incomplete audit exits as it does; none for a complete one. */
function verdictNote(outcome: AuditOutcome, options: VerdictOptions): string | undefined {
  if (outcome.result.status !== 'partial') return undefined;
  const sources = outcome.snapshots.flatMap((snapshot) => snapshot.sources);
  const unread = sources.some((source) => source.status !== 'ok')
    ? unreadSummary(sources)
    : `nothing was read for ${outcome.result.partialEnvironments.join(', ')}`;
  return options.allowPartial === true
    ? `drift-audit: partial audit allowed (--allow-partial): ${unread}; the exit code judges only the sources that were read\n`
    : `drift-audit: incomplete audit, exit ${EXIT.incomplete}: ${unread}; read them and run again, or pass --allow-partial to judge the sources that were read\n`;
}

/** `drift-audit scan`: audit and print the report. */
export async function runScan(io: CliIo, options: ScanOptions): Promise<number> {
  // The token first: a missing one is a usage error before anything is read.
  const token = options.openPrs === undefined ? undefined : githubTokenOf(io, options.openPrs);
  const full = await audit(io, options);
  const filter = options.filter ?? {};
  // The filtered audit is the one reported and judged: `scan --env production-eu` gates on production-eu,
  // as `kubectl diff -l` and `terraform plan -target` answer for what they were pointed at.
  const outcome = filterOutcome(full, filter);
  const input = reportInputOf(outcome, filter, full.result.findings.length, { matrix: options.format === 'html' });
  const text = renderReport(options.format, input, {
    color: options.output === undefined && wantsColor(io, options.color),
    width: terminalWidth(io),
    verbose: options.verbose,
    compact: options.compact ?? false,
    outcome,
  });
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
  const note = verdictNote(outcome, options);
  if (note !== undefined) io.stderr(note);
  // Pull requests never change the verdict: a GitHub failure is reported, the exit code is the scan's.
  if (options.openPrs !== undefined && token !== undefined) await openPullRequests(io, outcome.result, outcome.now, options.openPrs, token);
  return exitCodeFor(outcome.result, options);
}
