import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { closest } from 'fastest-levenshtein';
import { writeBaselineFile } from '../../lambdas/baseline/load-baseline-dir.js';
import { valuesFileMentions } from '../../lambdas/engine/baseline/values-files/values-references.js';
import { acceptFindings } from '../../lambdas/engine/accept/accept-findings.js';
import type { BaselineFile } from '../../lambdas/engine/baseline/baseline-file.js';
import { FINDING_TYPES, type Finding } from '../../lambdas/engine/model.js';
import type { CliIo } from './cli-io.js';
import type { OptionSpecs } from './option-spec.js';
import { loadBaseline } from './audit-inputs.js';
import { audit, type AuditOutcome, type ScanOptions } from './scan-command.js';
import { EXIT, UsageError } from './usage-error.js';

/** How far ahead `baseline validate` warns about exceptions that are about to expire. */
const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

/** `drift-audit baseline validate [DIR]`: exit 0 when valid, 2 with every located problem otherwise. */
export function runBaselineValidate(io: CliIo, options: { baselineDir: string; now?: Date }): number {
  const { baseline, files, warnings } = loadBaseline(io, options.baselineDir);
  const now = options.now ?? io.now();
  // Settings under `applications.<app>.settings` count too: an init-written baseline has no others.
  const applications = [...(baseline.applications?.values() ?? [])];
  const perApplication = applications.reduce((sum, application) => sum + application.settings.size, 0);
  const settings =
    perApplication === 0
      ? `${baseline.settings.size} settings`
      : `${baseline.settings.size + perApplication} settings (${perApplication} of ${applications.length} applications)`;
  io.stdout(
    `baseline ${options.baselineDir} is valid: ${baseline.environments.length} environments, ${settings}, ` +
      `${baseline.exceptions.length} exceptions (${files.map((file) => file.name).join(', ')})\n`,
  );
  for (const warning of warnings) io.stdout(`  warning: ${warning}\n`);
  for (const exception of baseline.exceptions) {
    const endOfDay = Date.parse(`${exception.expires}T23:59:59.999Z`);
    const scope = exception.environment ?? exception.tier ?? 'every environment';
    if (endOfDay < now.getTime()) {
      io.stdout(`  expired: exception for ${exception.key} in ${scope} ended ${exception.expires} (owner ${exception.owner})\n`);
    } else if (endOfDay - now.getTime() < EXPIRY_WARNING_DAYS * DAY_MS) {
      io.stdout(`  expiring: exception for ${exception.key} in ${scope} ends ${exception.expires} (owner ${exception.owner})\n`);
    }
  }
  return 0;
}

/** Flags of `baseline accept`, declared once for the parser and its `--help`. */
export const ACCEPT_FLAGS = {
  all: { type: 'boolean', default: false, description: 'every finding (narrowed by --env and --type when given)' },
  env: { type: 'string', short: 'e', multiple: true, valueName: 'ENV', description: 'the findings of ENV (repeatable)' },
  type: { type: 'string', multiple: true, valueName: 'TYPE', choices: FINDING_TYPES, description: 'the findings of TYPE (repeatable)' },
  'dry-run': { type: 'boolean', default: false, description: 'print the unified diff of the baseline instead of writing it' },
  extend: {
    type: 'string',
    valueName: 'YYYY-MM-DD',
    description: 'exception-expired: extend the exception (default: remove it and declare the live value)',
  },
  owner: { type: 'string', valueName: 'EMAIL', description: 'version: owner of the exception that declares the image difference' },
  reason: { type: 'string', valueName: 'WHY', description: 'version: why the difference is allowed' },
  expires: { type: 'string', valueName: 'YYYY-MM-DD', description: 'version: when the exception ends' },
} as const satisfies OptionSpecs;

/** Options of `drift-audit baseline accept [FINDING_ID...] [BASELINE_DIR]`. */
export interface AcceptOptions extends Omit<ScanOptions, 'format' | 'failOn' | 'output' | 'verbose'> {
  /** Findings named by id: each must exist and be acceptable, or nothing is written. */
  readonly findingIds: readonly string[];
  /** Every finding (`--all`), narrowed by `environments` and `types` when given. */
  readonly all: boolean;
  readonly environments: readonly string[];
  readonly types: readonly string[];
  readonly dryRun: boolean;
  /** `exception-expired`: extend the exception to this day instead of removing it. */
  readonly extend?: string;
  /** `version`: the exception written for an image difference. */
  readonly owner?: string;
  readonly reason?: string;
  readonly expires?: string;
}

/**
 * The accept-specific part of the options from parsed flags and positionals: finding ids always hold
 * a `:` (`type:environment:key`), so the one positional without one is BASELINE_DIR.
 */
export function acceptOptionsOf(
  values: { readonly [K in keyof typeof ACCEPT_FLAGS]?: string | boolean | string[] | undefined },
  positionals: readonly string[],
): Pick<AcceptOptions, 'baselineDir' | 'findingIds' | 'all' | 'environments' | 'types' | 'dryRun' | 'extend' | 'owner' | 'reason' | 'expires'> {
  const findingIds = positionals.filter((positional) => positional.includes(':'));
  const dirs = positionals.filter((positional) => !positional.includes(':'));
  if (dirs.length > 1) throw new UsageError(`baseline accept takes one BASELINE_DIR, got ${dirs.join(' ')}`);
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const environments = list(values.env);
  const types = list(values.type);
  for (const type of types) {
    if (!(FINDING_TYPES as readonly string[]).includes(type)) throw new UsageError(`--type must be one of ${FINDING_TYPES.join(', ')}, got ${type}`);
  }
  const all = values.all === true;
  if (findingIds.length === 0 && !all && environments.length === 0 && types.length === 0) {
    throw new UsageError('baseline accept needs FINDING_ID... (as printed by scan), or --all, --env ENV or --type TYPE');
  }
  const exceptionFlags = (['owner', 'reason', 'expires'] as const).filter((flag) => values[flag] !== undefined);
  if (exceptionFlags.length > 0 && exceptionFlags.length < 3) {
    throw new UsageError('an exception needs all of --owner, --reason and --expires');
  }
  const extend = text(values.extend);
  const owner = text(values.owner);
  const reason = text(values.reason);
  const expires = text(values.expires);
  return {
    baselineDir: dirs[0] ?? 'config',
    findingIds,
    all,
    environments,
    types,
    dryRun: values['dry-run'] === true,
    ...(extend === undefined ? {} : { extend }),
    ...(owner === undefined ? {} : { owner }),
    ...(reason === undefined ? {} : { reason }),
    ...(expires === undefined ? {} : { expires }),
  };
}

/**
 * `drift-audit baseline accept`: declares the live state of the chosen findings in the baseline YAML
 * in place (comments and layout kept), where it lives (the environment, or its whole tier when every
 * environment of the tier holds it), after proving on the same estate that every accepted finding is
 * gone and none appeared. `--dry-run` prints the unified diff instead of writing.
 *
 * A finding named by id that cannot be accepted (invalid, shadowed, source-error, a secret's value)
 * is an error and nothing is written; one caught by `--all`, `--env` or `--type` is listed as not
 * accepted and the rest go ahead.
 */
export async function runBaselineAccept(io: CliIo, options: AcceptOptions): Promise<number> {
  const outcome = await audit(io, options);
  const { explicit, filtered } = selectFindings(outcome, options);
  const result = acceptFindings(
    {
      files: outcome.loaded.files,
      baseline: outcome.loaded.baseline,
      snapshots: outcome.snapshots,
      now: outcome.now,
      findings: outcome.result.findings,
    },
    [...explicit, ...filtered],
    {
      ...(options.extend === undefined ? {} : { extend: options.extend }),
      ...(options.owner === undefined || options.reason === undefined || options.expires === undefined
        ? {}
        : { exception: { owner: options.owner, reason: options.reason, expires: options.expires } }),
    },
  );
  const named = new Set(explicit.map((finding) => finding.id));
  const refusedByName = result.refused.filter((refusal) => named.has(refusal.finding.id));
  if (refusedByName.length > 0) {
    const lines = refusedByName.map((refusal) => `  ${refusal.finding.id}: ${refusal.reason}`).join('\n');
    throw new UsageError(`cannot accept ${refusedByName.map((refusal) => refusal.finding.id).join(', ')}; nothing was written:\n${lines}`);
  }
  const verb = options.dryRun ? 'would accept' : 'accepted';
  for (const accepted of result.accepted) {
    const changes = accepted.changes.map((change) => `${change.description} (${change.file})`).join('; ');
    io.stdout(`${verb} ${accepted.finding.id}: ${changes}\n`);
  }
  for (const refusal of result.refused) io.stdout(`not accepted ${refusal.finding.id}: ${refusal.reason}\n`);
  if (result.accepted.length === 0) throw new UsageError('nothing was accepted: none of the selected findings can be accepted into the baseline');
  if (options.dryRun) {
    for (const { before, after } of result.edited) io.stdout(`\n${unifiedDiff(before, after)}`);
    return EXIT.clean;
  }
  // Values files the baseline names may be written too (an accept of a key a values file holds edits it).
  const valuesFiles = [...valuesFileMentions(outcome.loaded.files).keys()];
  for (const { after } of result.edited) writeBaselineFile(outcome.loaded.dir, after, valuesFiles);
  io.stdout(`edited ${result.edited.map(({ after }) => after.name).join(', ')}\n`);
  return EXIT.clean;
}

/** The findings asked for: by id (each must exist), and by filter (`--all`, `--env`, `--type`: all given must match). */
function selectFindings(outcome: AuditOutcome, options: AcceptOptions): { explicit: Finding[]; filtered: Finding[] } {
  const findings = outcome.result.findings;
  const ids = findings.map((candidate) => candidate.id);
  const explicit: Finding[] = [];
  for (const id of new Set(options.findingIds)) {
    const finding = findings.find((candidate) => candidate.id === id);
    if (finding === undefined) {
      const hint = ids.length === 0 ? 'there is no open finding' : `did you mean ${closest(id, ids)}?`;
      throw new UsageError(`no finding with id ${id} in this audit; ${hint}`);
    }
    explicit.push(finding);
  }
  const names = outcome.loaded.baseline.environments.map((environment) => environment.name);
  for (const environment of options.environments) {
    if (!names.includes(environment)) throw new UsageError(`--env ${environment} is not an environment of the baseline (expected one of ${names.join(', ')})`);
  }
  const filtering = options.all || options.environments.length > 0 || options.types.length > 0;
  if (!filtering) return { explicit, filtered: [] };
  const named = new Set(explicit.map((finding) => finding.id));
  const filtered = findings.filter(
    (finding) =>
      !named.has(finding.id) &&
      (options.environments.length === 0 || options.environments.includes(finding.environment)) &&
      (options.types.length === 0 || options.types.includes(finding.type)),
  );
  if (filtered.length === 0 && explicit.length === 0) throw new UsageError('no finding of this audit matches the given --env and --type');
  return { explicit, filtered };
}

/** A unified diff of one baseline file, as `git diff` heads it (`--- a/NAME`, `+++ b/NAME`). */
export function unifiedDiff(before: BaselineFile, after: BaselineFile): string {
  return createTwoFilesPatch(`a/${before.name}`, `b/${after.name}`, before.text, after.text, undefined, undefined, {
    context: 3,
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** Re-exported so the dispatcher can validate a directory without scanning. */
export { loadBaseline };
