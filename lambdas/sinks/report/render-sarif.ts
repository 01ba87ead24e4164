/**
 * The audit as a SARIF 2.1.0 log, for GitHub code scanning (`github/codeql-action/upload-sarif`) and
 * any other SARIF viewer: one rule per finding type, one result per finding, located at the baseline
 * line a reviewer would edit (`locate-finding.ts`), so code scanning annotates the config repository.
 *
 * What GitHub reads, and so what this writes (docs.github.com, "SARIF support for code scanning"):
 * `runs[].tool.driver.name` and `rules` (id, short/full description, help), `results[].ruleId`,
 * `level` (error, warning, note), `message.text`, one `physicalLocation` with an `artifactLocation.uri`
 * relative to the repository root and a `region.startLine`, and `partialFingerprints`, which keep an
 * alert the same alert across runs; here the finding's stable id, so an alert follows its finding when
 * lines move. GitHub rejects a run with more than 25,000 results: past that the least severe are left
 * out and the run says so in a notification.
 */
import { posix } from 'node:path';
import type { Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { Baseline, Finding, FindingType, Severity } from '../../engine/model.js';
import { FINDING_TYPES } from '../../engine/model.js';
import type { BaselineFile } from '../../engine/baseline/baseline-file.js';
import { FINDING_TYPE_HELP } from './finding-type-help.js';
import { FindingLocator } from './locate-finding.js';
import type { ReportInput } from './report-input.js';
import { compareFindings } from './report-view.js';
import { shownText } from './shown-value.js';

/** The schema URI every log names (the OASIS 2.1.0 schema GitHub documents). */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** GitHub code scanning's hard limit of results per run. */
export const SARIF_MAX_RESULTS = 25_000;
/** The `partialFingerprints` key: versioned, so a change of what it hashes can never match old alerts. */
export const SARIF_FINGERPRINT_KEY = 'driftAuditFindingId/v1';

/** What the SARIF log needs besides the report: the baseline and where it sits in the repository. */
export interface SarifInput extends ReportInput {
  readonly baseline: Baseline;
  /** The baseline's files, as `loadBaselineDir` read them (YAML and values files). */
  readonly files: readonly BaselineFile[];
  /**
   * The baseline directory relative to the repository root, `/`-separated (`config`, or `''` at the
   * root): every result's URI is this joined with the file's name, as code scanning expects.
   */
  readonly baselineDirFromRoot: string;
  /** The tool's version, shown by viewers. */
  readonly toolVersion?: string;
}

const LEVEL_OF: Readonly<Record<Severity, Result.level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * Renders the log: rules in {@link FINDING_TYPES} order, results worst first (the report's order), two-
 * space JSON with a final newline. Values are shown as the report shows them: a secret's is `[secret]`.
 */
export function renderSarif(input: SarifInput): string {
  const locator = new FindingLocator(input.baseline, input.files);
  const sorted = [...input.result.findings].sort(compareFindings);
  const kept = sorted.slice(0, SARIF_MAX_RESULTS);
  const ruleIndex = new Map<FindingType, number>(FINDING_TYPES.map((type, index) => [type, index]));
  const rules: ReportingDescriptor[] = FINDING_TYPES.map((type) => ({
    id: type,
    name: FINDING_TYPE_HELP[type].name,
    shortDescription: { text: FINDING_TYPE_HELP[type].short },
    fullDescription: { text: FINDING_TYPE_HELP[type].full },
    help: { text: FINDING_TYPE_HELP[type].full, markdown: FINDING_TYPE_HELP[type].full },
    properties: { tags: ['configuration-drift'] },
  }));
  const results = kept.map((finding) => resultOf(finding, ruleIndex.get(finding.type) ?? 0, locator, input.baselineDirFromRoot));
  const omitted = sorted.length - kept.length;
  const log: Log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'drift-audit',
            ...(input.toolVersion === undefined ? {} : { version: input.toolVersion, semanticVersion: input.toolVersion }),
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: input.generatedAt,
            ...(omitted === 0 && input.result.status === 'ok' ? {} : { toolExecutionNotifications: notifications(input, omitted) }),
          },
        ],
        results,
        properties: {
          complete: input.result.status === 'ok',
          ...(input.baselineVersion === undefined ? {} : { baselineVersion: input.baselineVersion }),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function resultOf(finding: Finding, ruleIndex: number, locator: FindingLocator, baseDir: string): Result {
  const location = locator.locate(finding);
  return {
    ruleId: finding.type,
    ruleIndex,
    level: LEVEL_OF[finding.severity],
    message: { text: messageOf(finding) },
    ...(location === undefined
      ? {}
      : {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uriOf(baseDir, location.file) },
                region: { startLine: location.line, startColumn: location.column },
              },
            },
          ],
        }),
    partialFingerprints: { [SARIF_FINGERPRINT_KEY]: finding.id },
    properties: {
      findingId: finding.id,
      severity: finding.severity,
      environment: finding.environment,
      key: finding.key,
      ...(finding.application === undefined ? {} : { application: finding.application }),
    },
  };
}

/** The finding's sentence, then the values compared, each as the report shows it (`[secret]` for a secret). */
function messageOf(finding: Finding): string {
  const parts = [finding.message];
  if (finding.expected !== undefined) parts.push(`Expected: ${shownText(finding.expected)}.`);
  if (finding.actual !== undefined) parts.push(`Live: ${shownText(finding.actual)}.`);
  const revert = finding.fixes.revert?.summary;
  if (revert !== undefined) parts.push(`Revert: ${revert}.`);
  return parts.join(' ');
}

/** A repository-relative URI: `/`-separated, `..` resolved (a values file beside the baseline directory). */
function uriOf(baseDir: string, file: string): string {
  const joined = posix.normalize(posix.join(baseDir === '' ? '.' : baseDir, file.split('\\').join('/')));
  return joined
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

function notifications(input: SarifInput, omitted: number): Notification[] {
  const out: Notification[] = [];
  if (input.result.status !== 'ok') {
    out.push({
      level: 'warning',
      message: {
        text: `incomplete audit: not every source of ${input.result.partialEnvironments.join(', ')} was read; keys they hold are unknown, not missing (see the source-error results)`,
      },
    });
  }
  if (omitted > 0) {
    out.push({
      level: 'warning',
      message: { text: `${omitted} least severe findings left out: GitHub code scanning accepts at most ${SARIF_MAX_RESULTS} results per run` },
    });
  }
  return out;
}
