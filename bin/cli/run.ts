import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseDuration } from '../../lambdas/engine/analyse/parse-duration.js';
import { SEVERITIES, type Severity } from '../../lambdas/engine/model.js';
import { ACCEPT_FLAGS, acceptOptionsOf, runBaselineAccept, runBaselineValidate } from './baseline-commands.js';
import type { CliIo } from './cli-io.js';
import { runExplain } from './explain-command.js';
import { runHistory } from './history-command.js';
import { runSnapshot } from './snapshot-command.js';
import { REPORT_FORMATS, runScan, type ReportFormat } from './scan-command.js';
import { EXIT, UsageError } from './usage-error.js';

/** What the exit codes mean for each command, for its --help. */
const EXIT_CODES = {
  scan: `Exit codes:
  0  every source read, no drift at or above --fail-on
  1  drift at or above --fail-on
  2  usage, baseline or input error: nothing was judged
  3  incomplete audit: a source could not be read, whatever --fail-on says
     (with --allow-partial: 0 or 1 as above, judged on the sources that were read)
  source-error findings (an unread source) are not drift: --fail-on never counts them.
`,
  snapshot: `Exit codes:
  0  every source read and written
  2  usage, baseline or input error, or the snapshot could not be written
  3  a source could not be read: the rest is written, the failure recorded, and the
     sources are listed on stderr (0 with --allow-partial)
`,
  explain: `Exit codes:
  0  explained (in a partially read environment the answer says which sources are unknown)
  2  usage, baseline or input error, an unknown environment, or a key that is neither
     declared nor seen in any source (with the closest known key)
`,
  other: `Exit codes:
  0  done
  2  usage, baseline or input error
`,
} as const;

const LIVE_OPTIONS = `Live options:
  --live                          read SSM and EKS with the standard AWS credential chain
  --profile NAME                  AWS profile (same as AWS_PROFILE)
  --ssm-rps N                     SSM requests per second per region (default: half the quota)
  Endpoints follow the SDK's variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSM, ...).
`;

/** The CLI's help text, exported so the README and tests can show it. */
export const HELP = `drift-audit: configuration drift between your baseline and what really runs

Usage:
  drift-audit scan [BASELINE_DIR] [--snapshots DIR | --live] [options]
  drift-audit explain KEY --env ENV [--app APP] [BASELINE_DIR] [--snapshots DIR | --live] [--json]
  drift-audit baseline validate [BASELINE_DIR]
  drift-audit baseline accept FINDING_ID... [BASELINE_DIR] [--snapshots DIR | --live] [options]
  drift-audit snapshot --out DIR [BASELINE_DIR] [--allow-partial]
  drift-audit history --region REGION [--env ENV] [--key KEY] [--since 30d] [--open] [--json]

BASELINE_DIR defaults to ./config. Offline scans read --snapshots DIR, or BASELINE_DIR/snapshots.
drift-audit COMMAND --help shows one command's options and exit codes.

Scan options:
  --json | --markdown | --html    report format (default: terminal text, coloured on a TTY)
  --format FORMAT                 terminal, json, markdown or html
  --output FILE                   write the report to FILE instead of stdout
  --fail-on SEVERITY              exit 1 when a drift finding is at least this severe (default: info)
  --allow-partial                 judge an incomplete audit on what was read instead of exiting 3
  --now ISO_TIME                  audit as of this time (exception expiry); default: now
  --no-color                      plain text even on a terminal
  --verbose                       show every provenance entry and both fixes in full

Live options (scan, explain, accept, snapshot):
  --live                          read SSM and EKS with the standard AWS credential chain
  --profile NAME                  AWS profile (same as AWS_PROFILE)
  --ssm-rps N                     SSM requests per second per region (default: half the quota)
  --deadline DURATION             stop the live read after this long (e.g. 90s, 10m); sources not read
                                  by then are reported as source errors and the audit as partial
                                  (default: 5m)
  Endpoints follow the SDK's variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SSM, ...).

Accept options:
  --all                           every finding (narrowed by --env and --type when given)
  --env ENV, --type TYPE          the findings of ENV, of TYPE (each repeatable)
  --dry-run                       print the unified diff of the baseline instead of writing it
  --extend YYYY-MM-DD             exception-expired: extend the exception (default: remove it and
                                  declare the live value)
  --owner EMAIL --reason WHY --expires YYYY-MM-DD
                                  version: the exception that declares the image difference

History options:
  --table NAME                    history table (default: output of the deployed stack)
  --stack NAME                    stack to read the table name from (default: DriftAuditStack)

Exit codes:
  0  clean: every source read, no drift at or above --fail-on (other commands: done)
  1  drift at or above --fail-on (scan)
  2  usage, baseline or input error (every command)
  3  incomplete audit: a source could not be read (scan, snapshot; not with --allow-partial)
`;

/** Help for one command: what it does, its options and its exit codes. */
export const COMMAND_HELP: Readonly<Record<'scan' | 'explain' | 'baseline' | 'snapshot' | 'history', string>> = {
  scan: `Usage: drift-audit scan [BASELINE_DIR] [--snapshots DIR | --live] [options]

Audits the estate against the baseline and prints the report.

Options:
  --snapshots DIR                 exported state to audit (default: BASELINE_DIR/snapshots)
  --json | --markdown | --html    report format (default: terminal text, coloured on a TTY)
  --format FORMAT                 terminal, json, markdown or html
  --output FILE                   write the report to FILE instead of stdout
  --fail-on SEVERITY              exit 1 when a drift finding is at least this severe:
                                  info (default), low, medium, high or critical
  --allow-partial                 judge an incomplete audit on what was read instead of exiting 3
  --now ISO_TIME                  audit as of this time (exception expiry); default: now
  --no-color                      plain text even on a terminal
  --verbose                       show every provenance entry and both fixes in full

${LIVE_OPTIONS}
${EXIT_CODES.scan}`,
  explain: `Usage: drift-audit explain KEY --env ENV [BASELINE_DIR] [--snapshots DIR | --live] [--json]

Every source's value for KEY in ENV, the precedence, the effective value, what the baseline
expects and the findings about it.

Options:
  --env ENV, -e ENV               the environment to explain the key in
  --snapshots DIR                 exported state (default: BASELINE_DIR/snapshots)
  --json                          the explanation as JSON
  --now ISO_TIME                  as of this time (exception expiry); default: now
  --no-color                      plain text even on a terminal

${LIVE_OPTIONS}
${EXIT_CODES.explain}`,
  baseline: `Usage:
  drift-audit baseline validate [BASELINE_DIR] [--now ISO_TIME]
  drift-audit baseline accept FINDING_ID... [BASELINE_DIR] [--snapshots DIR | --live] [options]

validate checks every file of the baseline and lists expired and expiring exceptions.
accept declares the live state of findings in the baseline YAML in place, keeping comments,
where it lives (the environment, or its tier when the whole tier holds it), and writes nothing
unless a scan of the same estate then shows them gone and no new finding.

Options:
  --now ISO_TIME                  as of this time (exception expiry); default: now
  --snapshots DIR                 accept: exported state (default: BASELINE_DIR/snapshots)
  --all                           accept: every finding (narrowed by --env and --type when given)
  --env ENV, --type TYPE          accept: the findings of ENV, of TYPE (each repeatable)
  --dry-run                       accept: print the unified diff instead of writing
  --extend YYYY-MM-DD             accept, exception-expired: extend the exception (default:
                                  remove it and declare the live value)
  --owner EMAIL --reason WHY --expires YYYY-MM-DD
                                  accept, version: the exception that declares the image difference

${LIVE_OPTIONS}
${EXIT_CODES.other}`,
  snapshot: `Usage: drift-audit snapshot --out DIR [BASELINE_DIR] [--allow-partial]

Reads the live estate and writes it as files \`scan --snapshots DIR\` reads.

Options:
  --out DIR                       where to write the snapshot
  --allow-partial                 exit 0 even when a source could not be read
  --profile NAME                  AWS profile (same as AWS_PROFILE)
  --ssm-rps N                     SSM requests per second per region (default: half the quota)

${EXIT_CODES.snapshot}`,
  history: `Usage: drift-audit history --region REGION [--env ENV] [--key KEY] [--since 30d] [--open] [--json]

When each drift of a region opened, changed and resolved, from the deployed history table.

Options:
  --region REGION                 the region whose history to show
  --env ENV                       only this environment
  --key KEY                       only this key
  --since DURATION                how far back (default: 30d)
  --open                          only findings open now
  --json                          as JSON
  --table NAME                    history table (default: output of the deployed stack)
  --stack NAME                    stack to read the table name from (default: DriftAuditStack)
  --profile NAME                  AWS profile (same as AWS_PROFILE)

${EXIT_CODES.other}`,
};

const COMMON_OPTIONS = {
  snapshots: { type: 'string' },
  live: { type: 'boolean', default: false },
  profile: { type: 'string' },
  'ssm-rps': { type: 'string' },
  deadline: { type: 'string' },
  now: { type: 'string' },
  'no-color': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

/**
 * Runs one CLI invocation and returns its exit code. The bin file is a shim around this, so tests
 * drive the whole CLI in-process.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`drift-audit: ${error.message}\n`);
      return error.exitCode;
    }
    if (isNodeParseArgsError(error)) {
      io.stderr(`drift-audit: ${(error as Error).message}\nRun drift-audit --help for usage.\n`);
      return EXIT.error;
    }
    const known = knownFailure(error);
    if (known !== undefined) {
      io.stderr(`drift-audit: ${known}\n`);
      return EXIT.error;
    }
    io.stderr(`drift-audit: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.error;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(HELP);
    return command === undefined ? EXIT.error : EXIT.clean;
  }
  if (command === '--version' || command === '-v') {
    io.stdout(`${await packageVersion()}\n`);
    return EXIT.clean;
  }
  switch (command) {
    case 'scan':
      return scan(rest, io);
    case 'explain':
      return explainCommand(rest, io);
    case 'baseline':
      return baseline(rest, io);
    case 'snapshot':
      return snapshot(rest, io);
    case 'history':
      return history(rest, io);
    default:
      throw new UsageError(`unknown command ${command} (expected scan, explain, baseline, snapshot or history)`);
  }
}

async function scan(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      json: { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      html: { type: 'boolean', default: false },
      format: { type: 'string' },
      output: { type: 'string', short: 'o' },
      'fail-on': { type: 'string', default: 'info' },
      'allow-partial': { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  if (values.help) return help(io, 'scan');
  const formatFlags = (['json', 'markdown', 'html'] as const).filter((name) => values[name]);
  if (formatFlags.length > 1 || (formatFlags.length === 1 && values.format !== undefined)) {
    throw new UsageError('choose one report format (--json, --markdown, --html or --format)');
  }
  const format = values.format === undefined ? (formatFlags[0] ?? 'terminal') : oneOf('--format', values.format, REPORT_FORMATS);
  return runScan(io, {
    ...commonOf(values),
    baselineDir: singleDir(positionals, 'scan'),
    format: format as ReportFormat,
    ...(values.output === undefined ? {} : { output: values.output }),
    failOn: oneOf('--fail-on', values['fail-on'], SEVERITIES) as Severity,
    allowPartial: values['allow-partial'],
    verbose: values.verbose,
  });
}

async function explainCommand(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      env: { type: 'string', short: 'e' },
      app: { type: 'string', short: 'a' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.help) return help(io, 'explain');
  const [key, dir, ...extra] = positionals;
  if (key === undefined) throw new UsageError('explain needs a KEY, e.g. drift-audit explain DB_TIMEOUT --env production-us');
  if (values.env === undefined) throw new UsageError('explain needs --env ENV (the environment to explain the key in)');
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  return runExplain(io, {
    ...commonOf(values),
    baselineDir: dir ?? 'config',
    key,
    environment: values.env,
    json: values.json,
    ...(values.app === undefined ? {} : { application: values.app }),
  });
}

async function baseline(args: readonly string[], io: CliIo): Promise<number> {
  const [action, ...rest] = args;
  if (action === '--help' || action === '-h') return help(io, 'baseline');
  if (action === 'validate') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { now: COMMON_OPTIONS.now, help: COMMON_OPTIONS.help } });
    if (values.help) return help(io, 'baseline');
    return runBaselineValidate(io, { baselineDir: singleDir(positionals, 'baseline validate'), ...nowOf(values.now) });
  }
  if (action === 'accept') {
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { ...COMMON_OPTIONS, ...ACCEPT_FLAGS } });
    if (values.help) return help(io, 'baseline');
    return runBaselineAccept(io, { ...commonOf(values), ...acceptOptionsOf(values, positionals) });
  }
  throw new UsageError(`unknown baseline action ${action ?? '(none)'} (expected validate or accept)`);
}

async function snapshot(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { ...COMMON_OPTIONS, out: { type: 'string' }, 'allow-partial': { type: 'boolean', default: false } },
  });
  if (values.help) return help(io, 'snapshot');
  if (values.out === undefined) throw new UsageError('snapshot needs --out DIR (where to write the live state)');
  const common = commonOf(values);
  return runSnapshot(io, {
    ...common,
    live: true,
    baselineDir: singleDir(positionals, 'snapshot'),
    out: values.out,
    allowPartial: values['allow-partial'],
  });
}

async function history(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      region: { type: 'string' },
      env: { type: 'string' },
      key: { type: 'string' },
      since: { type: 'string', default: '30d' },
      open: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      table: { type: 'string' },
      stack: { type: 'string' },
      profile: { type: 'string' },
      'no-color': { type: 'boolean', default: false },
      help: COMMON_OPTIONS.help,
    },
  });
  if (values.help) return help(io, 'history');
  if (positionals.length > 0) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  if (values.region === undefined) throw new UsageError('history needs --region REGION (history is kept and queried per region)');
  return runHistory(io, {
    region: values.region,
    ...(values.env === undefined ? {} : { environment: values.env }),
    ...(values.key === undefined ? {} : { key: values.key }),
    since: values.since,
    open: values.open,
    json: values.json,
    ...(values.table === undefined ? {} : { table: values.table }),
    ...(values.stack === undefined ? {} : { stackName: values.stack }),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values['no-color'] ? { color: false } : {}),
  });
}

interface CommonValues {
  snapshots?: string | undefined;
  live: boolean;
  profile?: string | undefined;
  'ssm-rps'?: string | undefined;
  deadline?: string | undefined;
  now?: string | undefined;
  'no-color': boolean;
}

function commonOf(values: CommonValues) {
  if (values.live && values.snapshots !== undefined) throw new UsageError('choose --live or --snapshots, not both');
  let ssmRequestsPerSecond: number | undefined;
  if (values['ssm-rps'] !== undefined) {
    ssmRequestsPerSecond = Number(values['ssm-rps']);
    if (!Number.isFinite(ssmRequestsPerSecond) || ssmRequestsPerSecond <= 0) {
      throw new UsageError(`--ssm-rps must be a positive number of requests per second, got ${values['ssm-rps']}`);
    }
  }
  return {
    live: values.live,
    ...(values.snapshots === undefined ? {} : { snapshots: values.snapshots }),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(ssmRequestsPerSecond === undefined ? {} : { ssmRequestsPerSecond }),
    ...deadlineOf(values.deadline),
    ...nowOf(values.now),
    ...(values['no-color'] ? { color: false } : {}),
  };
}

function deadlineOf(given: string | undefined): { deadlineMs?: number } {
  if (given === undefined) return {};
  const parsed = parseDuration(given);
  // At most a day: Node's timers cannot wait longer than 2^31 - 1 ms, and fire at once beyond it.
  if (parsed?.kind !== 'ms' || parsed.value <= 0 || parsed.value > 86_400_000) {
    throw new UsageError(`--deadline must be a duration with a unit such as 90s, 5m or 1h30m (at most 24h), got ${given}`);
  }
  return { deadlineMs: parsed.value };
}

function nowOf(given: string | undefined): { now?: Date } {
  if (given === undefined) return {};
  const parsed = new Date(given);
  if (Number.isNaN(parsed.getTime())) throw new UsageError(`--now must be an ISO 8601 time such as 2026-11-23T12:00:00Z, got ${given}`);
  return { now: parsed };
}

function singleDir(positionals: readonly string[], command: string): string {
  if (positionals.length > 1) throw new UsageError(`${command} takes one BASELINE_DIR, got ${positionals.join(' ')}`);
  return positionals[0] ?? 'config';
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got ${value}`);
}

function help(io: CliIo, command: keyof typeof COMMAND_HELP): number {
  io.stdout(COMMAND_HELP[command]);
  return EXIT.clean;
}

/**
 * Our typed errors (they carry a stable string `code`) and the AWS SDK's (they carry `$metadata`, or
 * are credential and region problems) are the user's to act on: print their message, not a stack.
 */
function knownFailure(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Error & { code?: unknown; $metadata?: unknown };
  if (candidate.$metadata !== undefined) return `AWS ${error.name}: ${error.message}`;
  if (error.name === 'CredentialsProviderError' || /Region is missing/i.test(error.message)) {
    return `${error.message} (set AWS_REGION or AWS_PROFILE, or pass --profile, for the account and region to read)`;
  }
  if (typeof candidate.code === 'string' && error.name !== 'Error' && error.name !== 'TypeError') return error.message;
  return undefined;
}

function isNodeParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

async function packageVersion(): Promise<string> {
  const { createRequire } = await import('node:module');
  try {
    const require = createRequire(import.meta.url);
    // Works from source (bin/cli) and from the bundle (dist): both sit one or two levels below it.
    for (const candidate of ['../../package.json', '../package.json']) {
      try {
        return (require(candidate) as { version: string }).version;
      } catch {}
    }
  } catch {
    // fall through
  }
  return 'unknown';
}
