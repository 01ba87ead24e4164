import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCEPT_FLAGS } from '../../../bin/cli/baseline-commands.js';
import { COMMON_OPTIONS } from '../../../bin/cli/common-options.js';
import { EXPLAIN_FLAGS } from '../../../bin/cli/explain-command.js';
import { HISTORY_FLAGS } from '../../../bin/cli/history-command.js';
import { INIT_FLAGS } from '../../../bin/cli/init-command.js';
import type { OptionSpecs } from '../../../bin/cli/option-spec.js';
import { FILTER_FLAGS, OPEN_PRS_FLAGS, SCAN_FLAGS } from '../../../bin/cli/scan-flags.js';
import { SNAPSHOT_FLAGS } from '../../../bin/cli/snapshot-command.js';
import { runCli } from '../../support/run-cli.js';

/** Every command, with the flag tables its help is generated from. */
const COMMANDS: readonly { argv: string[]; flags: OptionSpecs; exitCodes: RegExp }[] = [
  { argv: ['scan'], flags: { ...COMMON_OPTIONS, ...SCAN_FLAGS, ...FILTER_FLAGS, ...OPEN_PRS_FLAGS }, exitCodes: /3 {2}incomplete audit/ },
  { argv: ['explain'], flags: { ...COMMON_OPTIONS, ...EXPLAIN_FLAGS }, exitCodes: /2 {2}usage, baseline or input error, an unknown environment/ },
  { argv: ['baseline', 'validate'], flags: { now: COMMON_OPTIONS.now }, exitCodes: /0 {2}done/ },
  { argv: ['baseline', 'accept'], flags: { ...COMMON_OPTIONS, ...ACCEPT_FLAGS }, exitCodes: /0 {2}done/ },
  { argv: ['snapshot'], flags: { ...COMMON_OPTIONS, ...SNAPSHOT_FLAGS }, exitCodes: /3 {2}a source could not be read/ },
  { argv: ['init'], flags: { ...COMMON_OPTIONS, ...INIT_FLAGS }, exitCodes: /2 {2}usage or input error, or BASELINE_DIR is not empty/ },
  { argv: ['history'], flags: HISTORY_FLAGS, exitCodes: /0 {2}done/ },
];

describe('CLI: help generated from the option definitions', () => {
  it.each(COMMANDS.map((command) => [command.argv.join(' '), command] as const))(
    '%s --help lists every flag it takes and its exit codes',
    async (_name, command) => {
      // Act
      const { code, stdout, stderr } = await runCli([...command.argv, '--help']);

      // Assess
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: drift-audit ${command.argv.join(' ')} [options]`);
      for (const [name, spec] of Object.entries(command.flags)) {
        expect(stdout).toMatch(
          new RegExp(
            `--${name}${spec.type === 'string' ? ` <${spec.valueName ?? 'VALUE'}>` : ''}\\s+${(spec.description ?? '').slice(0, 20).replace(/[()[\]|.*+?^$\\]/g, '\\$&')}`,
          ),
        );
      }
      expect(stdout).toMatch(command.exitCodes);
    },
  );

  it('prints the same page for help COMMAND as for COMMAND --help', async () => {
    // Act
    const viaHelp = await runCli(['help', 'history']);
    const viaFlag = await runCli(['history', '--help']);
    const nested = await runCli(['baseline', 'help', 'validate']);
    const nestedFlag = await runCli(['baseline', 'validate', '-h']);
    const twoDeep = await runCli(['help', 'baseline', 'accept']);
    const acceptFlag = await runCli(['baseline', 'accept', '--help']);
    const extra = await runCli(['help', 'scan', 'config']);

    // Assess
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    expect(nested.stdout).toBe(nestedFlag.stdout);
    expect(twoDeep.stdout).toBe(acceptFlag.stdout);
    expect(twoDeep.stdout).toContain('Usage: drift-audit baseline accept');
    expect(extra.code).toBe(0);
    expect(extra.stdout).toContain('Usage: drift-audit scan');
  });

  it('answers help for an unknown command with the closest one', async () => {
    // Act
    const top = await runCli(['help', 'scna']);
    const nested = await runCli(['help', 'baseline', 'acept']);

    // Assess
    expect(top.code).toBe(2);
    expect(top.stderr).toContain("unknown command 'scna'\n(Did you mean scan?)");
    expect(nested.code).toBe(2);
    expect(nested.stderr).toContain("unknown command 'acept'\n(Did you mean accept?)");
  });

  it('shows choices and defaults taken from the definitions', async () => {
    // Act
    const { stdout } = await runCli(['scan', '--help'], { env: { COLUMNS: '200' } });

    // Assess
    expect(stdout).toContain('(choices: "info", "low", "medium", "high", "critical", default: "info")');
    expect(stdout).toContain('(choices: "terminal", "json", "markdown", "html", "sarif")');
    expect(stdout).toMatch(/\(default:\s+20, half the quota\)/);
  });

  it('lists every command with the exit codes and environment variables in the overview', async () => {
    // Act
    const { code, stdout } = await runCli(['--help']);

    // Assess
    expect(code).toBe(0);
    for (const command of ['scan', 'explain', 'baseline', 'snapshot', 'init', 'history', 'help']) expect(stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    expect(stdout).toContain('3  incomplete audit');
    expect(stdout).toContain('COLUMNS');
  });

  it('prints the overview on stderr and exits 2 when no command is given', async () => {
    // Act
    const { code, stdout, stderr } = await runCli([]);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Usage: drift-audit [options] [command]');
  });

  it('prints the package version with --version and -v', async () => {
    // Prepare
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

    // Act
    const long = await runCli(['--version']);
    const short = await runCli(['-v']);

    // Assess
    expect(long).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(short.stdout).toBe(`${version}\n`);
  });
});

describe('CLI: usage errors name the closest command or flag and exit 2', () => {
  it.each([
    [['scna'], "drift-audit: unknown command 'scna'\n(Did you mean scan?)"],
    [['histroy', '--open'], "drift-audit: unknown command 'histroy'\n(Did you mean history?)"],
    [['baseline', 'valdate'], "drift-audit: unknown command 'valdate'\n(Did you mean validate?)"],
    [['scan', '--jsn'], "drift-audit: unknown option '--jsn'\n(Did you mean --json?)"],
    [['scan', '--fail-no', 'high'], "drift-audit: unknown option '--fail-no'\n(Did you mean --fail-on?)"],
    [['history', '--regoin', 'eu-west-1'], "drift-audit: unknown option '--regoin'\n(Did you mean --region?)"],
    [['baseline', 'accept', '--dryrun'], "drift-audit: unknown option '--dryrun'\n(Did you mean --dry-run?)"],
  ])('%j', async (argv, message) => {
    // Act
    const { code, stdout, stderr } = await runCli(argv);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr).toMatch(/--help lists its (options|actions)|--help lists the commands/);
  });

  it.each([
    [['scan', '--severity', 'urgent'], "option '--severity <SEVERITY>' argument 'urgent' is invalid. Allowed choices are info, low, medium, high, critical."],
    [['scan', '--type', 'changed,drifted'], "option '--type <TYPE>' argument 'changed,drifted' is invalid. Allowed choices are changed, missing"],
    [['scan', '--format', 'sarif2'], "option '--format <FORMAT>' argument 'sarif2' is invalid. Allowed choices are"],
    [['scan', 'config', 'other'], "too many arguments for 'scan'. Expected 1 argument but got 2."],
    [['scan', '--output'], "option '-o, --output <FILE>' argument missing"],
    [['explain'], "missing required argument 'KEY'"],
    [['init', '--key-style', 'camel', 'out'], "option '--key-style <STYLE>' argument 'camel' is invalid. Allowed choices are env, relative."],
  ])('%j', async (argv, message) => {
    // Act
    const { code, stderr } = await runCli(argv);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('keeps the checks of its own with their messages', async () => {
    // Act
    const both = await runCli(['scan', 'config', '--json', '--markdown']);
    const compactJson = await runCli(['scan', 'config', '--compact', '--json']);
    const live = await runCli(['scan', 'config', '--live', '--snapshots', 'x']);

    // Assess
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('drift-audit: choose one report format (--json, --markdown, --html or --format)\n');
    expect(compactJson.code).toBe(2);
    expect(compactJson.stderr).toContain('--compact is a layout of the terminal report');
    expect(live.stderr).toBe('drift-audit: choose --live or --snapshots, not both\n');
  });
});
