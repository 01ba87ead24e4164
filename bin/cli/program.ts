import { Command } from 'commander';
import type { Severity } from '../../lambdas/engine/model.js';
import { ACCEPT_FLAGS, acceptOptionsOf, runBaselineAccept, runBaselineValidate } from './baseline-commands.js';
import { type CliIo, terminalWidth } from './cli-io.js';
import { COMMON_OPTIONS, commonOf, nowOf } from './common-options.js';
import { EXPLAIN_FLAGS, runExplain } from './explain-command.js';
import { COMMAND_EPILOGUES, PROGRAM_EPILOGUE } from './help-text.js';
import { HISTORY_FLAGS, historyOptionsOf, runHistory } from './history-command.js';
import { INIT_FLAGS, runInit } from './init-command.js';
import { REPORT_EPILOGUE, REPORT_FLAGS, reportOptionsOf, runReport } from './report-command.js';
import { addOptions, type FlagValues, flagValuesOf, type OptionSpecs } from './option-spec.js';
import { FILTER_FLAGS, filterOf, formatOf, OPEN_PRS_FLAGS, openPrsOf, SCAN_FLAGS } from './scan-flags.js';
import { runScan } from './scan-command.js';
import { runSnapshot, SNAPSHOT_FLAGS } from './snapshot-command.js';
import { UsageError } from './usage-error.js';

/** The optional BASELINE_DIR argument most commands take. */
const BASELINE_DIR = ['[BASELINE_DIR]', 'the baseline directory (default: config)'] as const;

/** Runs one command once its flags are parsed; returns its exit code. */
type CommandAction<Specs extends OptionSpecs> = (values: FlagValues<Specs>, args: readonly string[]) => Promise<number> | number;

/**
 * The whole `drift-audit` command line as one commander program: every command's flags come from its
 * one {@link OptionSpecs} table, which also writes its `--help`. Commander reports unknown commands
 * and flags with the closest known one (`showSuggestionAfterError`), `drift-audit help COMMAND` and
 * `COMMAND --help` print the same page, and `--version` the package version. Commander never exits the
 * process: `exitOverride` turns every stop into a `CommanderError` that `run` maps to an exit code.
 *
 * `finish` receives the exit code of the command that ran. A fresh program per invocation, so tests
 * can run many in one process.
 */
export function buildProgram(io: CliIo, version: string, finish: (code: number) => void): Command {
  const program = new Command('drift-audit')
    .description('Configuration drift between your baseline and what really runs (SSM Parameter Store, EKS).')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [COMMAND]', 'show help for COMMAND')
    .addHelpText('after', PROGRAM_EPILOGUE);
  configure(program, io);
  program.showHelpAfterError('(drift-audit --help lists the commands)');

  const define = <Specs extends OptionSpecs>(
    parent: Command,
    name: string,
    description: string,
    specs: Specs,
    action: CommandAction<Specs>,
    epilogue: string,
  ): Command => {
    const command = parent.command(name).description(description);
    configure(command, io);
    const path = parent === program ? name : `${parent.name()} ${name}`;
    command.showHelpAfterError(`(drift-audit ${path} --help lists its options)`);
    addOptions(command, specs);
    command.addHelpText('after', `\n${epilogue}`);
    command.action(async (...params: unknown[]) => {
      // commander passes the declared arguments, then the options object, then the command itself.
      const self = params.at(-1) as Command;
      const args = self.processedArgs.flatMap((arg: unknown) => (arg === undefined ? [] : Array.isArray(arg) ? arg.map(String) : [String(arg)]));
      finish(await action(flagValuesOf(self, specs), args));
    });
    return command;
  };

  const scanSpecs = { ...COMMON_OPTIONS, ...SCAN_FLAGS, ...FILTER_FLAGS, ...OPEN_PRS_FLAGS };
  define(
    program,
    'scan',
    'Audit the estate against the baseline and print the report.',
    scanSpecs,
    (values, [dir]) => {
      const format = formatOf(values);
      if (values.compact === true && format !== 'terminal') throw new UsageError('--compact is a layout of the terminal report: drop it, or drop --format');
      if (values.compact === true && values.verbose === true) throw new UsageError('choose --compact or --verbose, not both');
      const openPrs = openPrsOf(values);
      return runScan(io, {
        ...commonOf(values),
        baselineDir: dir ?? 'config',
        format,
        ...(typeof values.output === 'string' ? { output: values.output } : {}),
        failOn: values['fail-on'] as Severity,
        allowPartial: values['allow-partial'] === true,
        verbose: values.verbose === true,
        compact: values.compact === true,
        filter: filterOf(values),
        ...(openPrs === undefined ? {} : { openPrs }),
      });
    },
    COMMAND_EPILOGUES.scan,
  ).argument(...BASELINE_DIR);

  define(
    program,
    'explain',
    "Every source's value for KEY in ENV, the precedence, the effective value, what the baseline expects and the findings about it.",
    { ...EXPLAIN_FLAGS, ...COMMON_OPTIONS },
    (values, [key, dir]) => {
      if (typeof values.env !== 'string') throw new UsageError(`explain needs --env ENV (the environment to explain ${key} in)`);
      return runExplain(io, {
        ...commonOf(values),
        baselineDir: dir ?? 'config',
        key: key as string,
        environment: values.env,
        json: values.json === true,
        ...(typeof values.app === 'string' ? { application: values.app } : {}),
      });
    },
    COMMAND_EPILOGUES.explain,
  )
    .argument('<KEY>', 'the key, e.g. DB_TIMEOUT')
    .argument(...BASELINE_DIR);

  const baseline = program.command('baseline').description('Validate the baseline, or accept live state into it.');
  configure(baseline, io);
  baseline.showHelpAfterError('(drift-audit baseline --help lists its actions)');
  define(
    baseline,
    'validate',
    'Check every file of the baseline and list expired and expiring exceptions.',
    { now: COMMON_OPTIONS.now },
    (values, [dir]) => runBaselineValidate(io, { baselineDir: dir ?? 'config', ...nowOf(typeof values.now === 'string' ? values.now : undefined) }),
    COMMAND_EPILOGUES.other,
  ).argument(...BASELINE_DIR);
  define(
    baseline,
    'accept',
    'Declare the live state of findings in the baseline YAML in place, keeping comments; writes nothing unless a scan of the same estate then shows them gone and no new finding.',
    { ...ACCEPT_FLAGS, ...COMMON_OPTIONS },
    (values, args) => runBaselineAccept(io, { ...commonOf(values), ...acceptOptionsOf(values, args) }),
    COMMAND_EPILOGUES.accept,
  ).argument('[FINDING_ID_OR_BASELINE_DIR...]', 'finding ids as scan prints them (type:environment:key), and the baseline directory (default: config)');

  define(
    program,
    'snapshot',
    'Read the live estate and write it as files `scan --snapshots DIR` reads.',
    { ...SNAPSHOT_FLAGS, ...COMMON_OPTIONS },
    (values, [dir]) => {
      if (typeof values.out !== 'string') throw new UsageError('snapshot needs --out DIR (where to write the live state)');
      return runSnapshot(io, {
        ...commonOf(values, { live: true }),
        live: true,
        baselineDir: dir ?? 'config',
        out: values.out,
        allowPartial: values['allow-partial'] === true,
      });
    },
    COMMAND_EPILOGUES.snapshot,
  ).argument(...BASELINE_DIR);

  define(
    program,
    'init',
    'Write a commented baseline from what runs (a snapshot directory, or a live read of the environments given with --env).',
    { ...INIT_FLAGS, ...COMMON_OPTIONS },
    (values, [dir]) =>
      runInit(io, {
        ...commonOf(values),
        baselineDir: dir as string,
        environments: Array.isArray(values.env) ? values.env : [],
        update: values.update === true,
        keyStyle: values['key-style'] === 'relative' ? 'relative' : 'env',
        allowPartial: values['allow-partial'] === true,
      }),
    COMMAND_EPILOGUES.init,
  ).argument('<BASELINE_DIR>', 'the directory to write the baseline into');

  define(
    program,
    'history',
    'What is open now, and when each drift opened, changed and resolved, from the deployed history table.',
    HISTORY_FLAGS,
    (values) => runHistory(io, historyOptionsOf(values)),
    COMMAND_EPILOGUES.history,
  );

  define(
    program,
    'report',
    'Write the estate report: one HTML page with the summary, the keys x environments matrix, the drift timeline per region and the findings.',
    { ...COMMON_OPTIONS, ...REPORT_FLAGS },
    (values, [dir]) => runReport(io, { ...commonOf(values), baselineDir: dir ?? 'config', ...reportOptionsOf(values) }),
    REPORT_EPILOGUE,
  ).argument(...BASELINE_DIR);

  return program;
}

/**
 * Output through `io` (so tests capture it), errors prefixed like every other message of the CLI,
 * help wrapped to the terminal, and the closest known command or flag after an unknown one.
 */
function configure(command: Command, io: CliIo): void {
  command
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      getOutHelpWidth: () => terminalWidth(io),
      getErrHelpWidth: () => terminalWidth(io),
      outputError: (text, write) => write(text.replace(/^error: /, 'drift-audit: ')),
    });
}
