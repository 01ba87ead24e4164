import { closest } from 'fastest-levenshtein';
import { writeBaselineFile } from '../../lambdas/baseline/load-baseline-dir.js';
import { applyBaselineEdit } from '../../lambdas/engine/baseline/apply-baseline-edit.js';
import { parseBaseline } from '../../lambdas/engine/baseline/parse-baseline.js';
import { formatBaselineIssue } from '../../lambdas/engine/baseline/baseline-issue.js';
import type { CliIo } from './cli-io.js';
import { loadBaseline } from './audit-inputs.js';
import { audit, type ScanOptions } from './scan-command.js';
import { UsageError } from './usage-error.js';

/** How far ahead `baseline validate` warns about exceptions that are about to expire. */
const EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86_400_000;

/** `drift-audit baseline validate [DIR]`: exit 0 when valid, 2 with every located problem otherwise. */
export function runBaselineValidate(io: CliIo, options: { baselineDir: string; now?: Date }): number {
  const { baseline, files, warnings } = loadBaseline(io, options.baselineDir);
  const now = options.now ?? io.now();
  const settings = baseline.settings.size;
  io.stdout(
    `baseline ${options.baselineDir} is valid: ${baseline.environments.length} environments, ${settings} settings, ` +
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

/** Options of `drift-audit baseline accept <finding-id>`. */
export interface AcceptOptions extends Omit<ScanOptions, 'format' | 'failOn' | 'output' | 'verbose'> {
  readonly findingId: string;
  readonly dryRun: boolean;
}

/**
 * `drift-audit baseline accept <finding-id>`: writes the finding's "accept" edit into the baseline
 * YAML in place (comments and layout kept), after checking the edited baseline still validates.
 */
export async function runBaselineAccept(io: CliIo, options: AcceptOptions): Promise<number> {
  const outcome = await audit(io, options);
  const finding = outcome.result.findings.find((candidate) => candidate.id === options.findingId);
  if (finding === undefined) {
    const ids = outcome.result.findings.map((candidate) => candidate.id);
    const hint = ids.length === 0 ? 'there is no open finding' : `did you mean ${closest(options.findingId, ids)}?`;
    throw new UsageError(`no finding with id ${options.findingId} in this audit; ${hint}`);
  }
  const edit = finding.fixes.accept?.baselineEdit;
  if (edit === undefined) {
    const why = finding.fixes.accept?.summary ?? `a ${finding.type} finding cannot be accepted into the baseline`;
    // A secret's value is never written; what can be written is that the key is a secret.
    const secret =
      finding.actual?.secret === true ||
      finding.expected?.secret === true ||
      Object.values(finding.comparedWith ?? {}).some((value) => value.secret);
    const declared = outcome.loaded.baseline.settings.get(finding.key)?.secret === true;
    const hint = secret && !declared ? `; to audit ${finding.key} by presence only, declare settings.${finding.key}.secret: true` : '';
    throw new UsageError(`${finding.id}: ${why}${hint}`);
  }
  const edited = applyBaselineEdit(outcome.loaded.files, outcome.loaded.baseline, edit);
  const files = outcome.loaded.files.map((file) => (file.name === edited.name ? edited : file));
  const reparsed = parseBaseline(files);
  if (!reparsed.ok) {
    const lines = reparsed.issues.map((issue) => `  ${formatBaselineIssue(issue)}`).join('\n');
    throw new UsageError(`accepting ${finding.id} would make the baseline invalid; nothing was written:\n${lines}`);
  }
  const where = `${edited.name}: ${edit.path.join('.')}`;
  if (options.dryRun) {
    io.stdout(`would edit ${where}\n\n${edited.text}`);
    return 0;
  }
  writeBaselineFile(outcome.loaded.dir, edited);
  io.stdout(`accepted ${finding.id}: edited ${where}\n`);
  return 0;
}

/** Re-exported so the dispatcher can validate a directory without scanning. */
export { loadBaseline };
