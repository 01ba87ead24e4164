import { run } from '../../bin/cli/run.js';
import type { CliIo } from '../../bin/cli/cli-io.js';

/** What one in-process CLI invocation printed and returned. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output, a fixed clock and no colour unless asked. */
export async function runCli(argv: readonly string[], options: { cwd?: string; now?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdoutIsTty: false,
    stderrIsTty: false,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => new Date(options.now ?? '2026-11-23T12:00:00Z'),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}
