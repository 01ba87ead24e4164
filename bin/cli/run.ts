import { parseArgs } from 'node:util';
import { SEVERITIES, type Severity } from '../../lambdas/engine/model.js';
import { ACCEPT_FLAGS, acceptOptionsOf, runBaselineAccept, runBaselineValidate } from './baseline-commands.js';
import type { CliIo } from './cli-io.js';
import { COMMON_OPTIONS, commonOf, nowOf, oneOf, singleDir } from './common-options.js';
import { runExplain } from './explain-command.js';
import { reportCommand } from './report-command.js';
import { runHistory } from './history-command.js';
import { runInit } from './init-command.js';
import { runSnapshot } from './snapshot-command.js';
import type { OpenPrsOptions } from './open-prs.js';
import { REPORT_FORMATS, runScan, type ReportFormat } from './scan-command.js';
import { EXIT, UsageError } from './usage-error.js';
import { COMMAND_HELP, HELP } from './help-text.js';

export { COMMAND_HELP, HELP } from './help-text.js';

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
    case 'init':
      return init(rest, io);
    case 'history':
      return history(rest, io);
    case 'report':
      return reportCommand(rest, io);
    default:
      throw new UsageError(`unknown command ${command} (expected scan, explain, baseline, snapshot, init, history or report)`);
  }
}

async function scan(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: htmlFileArgs(args),
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
      'open-prs': { type: 'boolean', default: false },
      'pr-repo': { type: 'string' },
      'pr-base': { type: 'string', default: 'main' },
      'pr-baseline-path': { type: 'string' },
      'github-token-file': { type: 'string' },
      'github-api-url': { type: 'string' },
    },
  });
  if (values.help) return help(io, 'scan');
  const openPrs = openPrsOf(values);
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
    ...(openPrs === undefined ? {} : { openPrs }),
  });
}

/**
 * `scan --html FILE` (or `--html=FILE`) writes the HTML estate report to FILE: rewritten to
 * `--html --output FILE` so `--html` alone still prints the page. A bare `--html` is followed by a
 * FILE only when the next word ends in `.html` or `.htm`, so `scan --html config` keeps reading
 * `config` as the BASELINE_DIR.
 */
export function htmlFileArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    const next = args[i + 1];
    if (arg.startsWith('--html=')) out.push('--html', '--output', arg.slice('--html='.length));
    else if (arg === '--html' && next !== undefined && /\.html?$/i.test(next)) {
      out.push('--html', '--output', next);
      i += 1;
    } else out.push(arg);
  }
  return out;
}

/** `--open-prs` and its flags, checked: the repository and the baseline path are required with it. */
function openPrsOf(values: {
  'open-prs': boolean;
  'pr-repo'?: string | undefined;
  'pr-base': string;
  'pr-baseline-path'?: string | undefined;
  'github-token-file'?: string | undefined;
  'github-api-url'?: string | undefined;
}): OpenPrsOptions | undefined {
  if (!values['open-prs']) {
    const stray = (['pr-repo', 'pr-baseline-path', 'github-token-file', 'github-api-url'] as const).filter((name) => values[name] !== undefined);
    if (stray.length > 0) throw new UsageError(`${stray.map((name) => `--${name}`).join(', ')} only go with --open-prs`);
    return undefined;
  }
  const repository = values['pr-repo'];
  if (repository === undefined || !/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/.test(repository)) {
    throw new UsageError(`--open-prs needs --pr-repo OWNER/NAME (the config repository), got ${repository ?? 'nothing'}`);
  }
  const baselinePath = values['pr-baseline-path'];
  if (baselinePath === undefined || baselinePath === '' || baselinePath.startsWith('/')) {
    throw new UsageError(
      `--open-prs needs --pr-baseline-path PATH, the baseline file relative to the repository root (config/baseline.yaml), got ${baselinePath ?? 'nothing'}`,
    );
  }
  return {
    repository,
    baseBranch: values['pr-base'],
    baselinePath,
    ...(values['github-token-file'] === undefined ? {} : { tokenFile: values['github-token-file'] }),
    ...(values['github-api-url'] === undefined ? {} : { apiUrl: values['github-api-url'] }),
  };
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

async function init(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      env: { type: 'string', multiple: true, default: [] },
      update: { type: 'boolean', default: false },
      'key-style': { type: 'string', default: 'env' },
    },
  });
  if (values.help) return help(io, 'init');
  if (positionals.length === 0) throw new UsageError('init needs BASELINE_DIR, the directory to write the baseline into');
  return runInit(io, {
    ...commonOf(values),
    baselineDir: singleDir(positionals, 'init'),
    environments: values.env,
    update: values.update,
    keyStyle: oneOf('--key-style', values['key-style'], ['env', 'relative'] as const),
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
      reminders: { type: 'boolean', default: false },
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
    ...(values.reminders ? { reminders: true } : {}),
    json: values.json,
    ...(values.table === undefined ? {} : { table: values.table }),
    ...(values.stack === undefined ? {} : { stackName: values.stack }),
    ...(values.profile === undefined ? {} : { profile: values.profile }),
    ...(values['no-color'] ? { color: false } : {}),
  });
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
