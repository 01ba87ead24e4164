import { type Command, CommanderError } from 'commander';
import type { CliIo } from './cli-io.js';
import { htmlFileArgs } from './html-file-args.js';
import { buildProgram } from './program.js';
import { EXIT, UsageError } from './usage-error.js';

/**
 * Runs one CLI invocation and returns its exit code. The bin file is a shim around this, so tests
 * drive the whole CLI in-process.
 *
 * Commander has printed its own messages (help, version, a usage error with the closest command or
 * flag) by the time it stops: help and version exit 0, every usage error 2, as ours do.
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  let code: number = EXIT.clean;
  try {
    const program = buildProgram(io, await packageVersion(), (exitCode) => {
      code = exitCode;
    });
    await program.parseAsync(helpAsFlag(htmlFileArgs(argv), program), { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return commanderExit(error);
    if (error instanceof UsageError) {
      io.stderr(`drift-audit: ${error.message}\n`);
      return error.exitCode;
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

/**
 * `help baseline accept` as `baseline accept --help`: commander's own help command looks one level
 * down only (it prints `baseline`'s page) and answers an unknown name with the overview; as a flag,
 * the nested page is found and an unknown name gets the closest command.
 */
function helpAsFlag(argv: readonly string[], program: Command): string[] {
  const [first, ...path] = argv;
  if (first !== 'help' || path.length === 0 || path.some((arg) => arg.startsWith('-'))) return [...argv];
  let command = program;
  for (const [depth, name] of path.entries()) {
    // Past a command without subcommands, the rest are not command names: its help it is.
    if (command.commands.length === 0) return [...path.slice(0, depth), '--help'];
    const sub = command.commands.find((candidate) => candidate.name() === name);
    // An unknown name without --help: commander then reports it with the closest command.
    if (sub === undefined) return path.slice(0, depth + 1);
    command = sub;
  }
  return [...path, '--help'];
}

/**
 * The exit code for commander's stops: 0 for help and version asked for, else (an unknown command or
 * flag, a missing value, a bare `drift-audit` that printed help to stderr) a usage error.
 */
function commanderExit(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.clean;
  if (error.code === 'commander.help' && error.exitCode === 0) return EXIT.clean;
  return EXIT.error;
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
