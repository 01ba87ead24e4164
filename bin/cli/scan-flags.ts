import { FINDING_TYPES, SEVERITIES, type FindingType, type Severity } from '../../lambdas/engine/model.js';
import type { ReportFilter } from '../../lambdas/sinks/report/report-filter.js';
import type { OpenPrsOptions } from './open-prs.js';
import type { OptionSpecs } from './option-spec.js';
import { REPORT_FORMATS, type ReportFormat } from './report-formats.js';
import { UsageError } from './usage-error.js';

/** The report flags of `scan`. */
export const SCAN_FLAGS = {
  format: { type: 'string', valueName: 'FORMAT', choices: REPORT_FORMATS, description: 'report format', defaultDescription: 'terminal' },
  json: { type: 'boolean', default: false, description: 'same as --format json' },
  markdown: { type: 'boolean', default: false, description: 'same as --format markdown' },
  html: { type: 'boolean', default: false, description: 'same as --format html; --html FILE writes the estate report to FILE' },
  output: { type: 'string', short: 'o', valueName: 'FILE', description: 'write the report to FILE instead of stdout' },
  'fail-on': {
    type: 'string',
    valueName: 'SEVERITY',
    choices: SEVERITIES,
    default: 'info',
    description: 'exit 1 when a drift finding (of those shown) is at least this severe',
  },
  'allow-partial': { type: 'boolean', default: false, description: 'judge an incomplete audit on what was read instead of exiting 3' },
  compact: { type: 'boolean', default: false, description: 'terminal: one line per key, grouped across environments' },
  verbose: { type: 'boolean', default: false, description: 'terminal: every provenance entry, finding ids and both fixes in full' },
} as const satisfies OptionSpecs;

const FILTERS = 'Filters (every format and the exit code follow them)';

/** The flags that narrow what `scan` reports and judges. */
export const FILTER_FLAGS = {
  env: {
    group: FILTERS,
    type: 'string',
    short: 'e',
    multiple: true,
    commaList: true,
    valueName: 'ENV',
    description: 'only findings about ENV (repeatable, or a comma list)',
  },
  severity: {
    group: FILTERS,
    type: 'string',
    valueName: 'SEVERITY',
    choices: SEVERITIES,
    description: 'only findings at least this severe (a minimum: high shows high and critical)',
  },
  type: {
    group: FILTERS,
    type: 'string',
    multiple: true,
    commaList: true,
    valueName: 'TYPE',
    choices: FINDING_TYPES,
    description: 'only findings of TYPE (repeatable, or a comma list)',
  },
} as const satisfies OptionSpecs;

const PULL_REQUESTS = 'Pull requests';

/** `scan --open-prs` and the flags that go with it. */
export const OPEN_PRS_FLAGS = {
  'open-prs': {
    group: PULL_REQUESTS,
    type: 'boolean',
    default: false,
    description:
      'open or update one pull request per drift made outside the pipeline, with its accept edit (token: GITHUB_TOKEN or --github-token-file); GitHub failures are reported and never change the exit code',
  },
  'pr-repo': { group: PULL_REQUESTS, type: 'string', valueName: 'OWNER/NAME', description: 'the config repository' },
  'pr-base': { group: PULL_REQUESTS, type: 'string', valueName: 'BRANCH', default: 'main', description: 'the branch pull requests target' },
  'pr-baseline-path': {
    group: PULL_REQUESTS,
    type: 'string',
    valueName: 'PATH',
    description: 'the baseline in that repository: a directory of *.yaml or one file',
  },
  'github-token-file': { group: PULL_REQUESTS, type: 'string', valueName: 'FILE', description: 'read the GitHub token from FILE' },
  'github-api-url': {
    group: PULL_REQUESTS,
    type: 'string',
    valueName: 'URL',
    description: "GitHub Enterprise Server's API root",
    defaultDescription: 'https://api.github.com',
  },
} as const satisfies OptionSpecs;

/** Parsed flag values, by flag name (see `flagValuesOf`). */
type FlagValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The one report format asked for: `--format`, or one of its shorthands, never two. */
export function formatOf(values: FlagValues): ReportFormat {
  const shorthands = (['json', 'markdown', 'html'] as const).filter((name) => values[name] === true);
  const format = text(values.format);
  if (shorthands.length > 1 || (shorthands.length === 1 && format !== undefined)) {
    throw new UsageError('choose one report format (--json, --markdown, --html or --format)');
  }
  return (format ?? shorthands[0] ?? 'terminal') as ReportFormat;
}

/** `--env`, `--severity` and `--type` as a filter; environments are checked against the baseline later. */
export function filterOf(values: FlagValues): ReportFilter {
  const environments = list(values.env);
  const types = list(values.type) as FindingType[];
  const severity = text(values.severity) as Severity | undefined;
  return {
    ...(environments.length === 0 ? {} : { environments: [...new Set(environments)] }),
    ...(severity === undefined ? {} : { minSeverity: severity }),
    ...(types.length === 0 ? {} : { types: [...new Set(types)] }),
  };
}

/** `--open-prs` and its flags, checked: the repository and the baseline path are required with it. */
export function openPrsOf(values: FlagValues): OpenPrsOptions | undefined {
  if (values['open-prs'] !== true) {
    const stray = (['pr-repo', 'pr-baseline-path', 'github-token-file', 'github-api-url'] as const).filter((name) => values[name] !== undefined);
    if (stray.length > 0) throw new UsageError(`${stray.map((name) => `--${name}`).join(', ')} only go with --open-prs`);
    return undefined;
  }
  const repository = text(values['pr-repo']);
  if (repository === undefined || !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repository)) {
    throw new UsageError(`--open-prs needs --pr-repo OWNER/NAME (the config repository), got ${repository ?? 'nothing'}`);
  }
  const baselinePath = text(values['pr-baseline-path']);
  if (baselinePath === undefined || baselinePath === '' || baselinePath.startsWith('/')) {
    throw new UsageError(
      `--open-prs needs --pr-baseline-path PATH, the baseline file relative to the repository root (config/baseline.yaml), got ${baselinePath ?? 'nothing'}`,
    );
  }
  const tokenFile = text(values['github-token-file']);
  const apiUrl = text(values['github-api-url']);
  return {
    repository,
    baseBranch: text(values['pr-base']) ?? 'main',
    baselinePath,
    ...(tokenFile === undefined ? {} : { tokenFile }),
    ...(apiUrl === undefined ? {} : { apiUrl }),
  };
}
