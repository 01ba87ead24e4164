/** What a command may touch of the outside world; injected so tests run commands in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stdout is a terminal (colour and progress are only for people). */
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  /** The terminal's width when stdout is one (`process.stdout.columns`). */
  readonly stdoutColumns?: number;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** The clock; `--now` overrides it for reproducible reports. */
  readonly now: () => Date;
}

/** The process's own streams, environment and clock. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutIsTty: process.stdout.isTTY === true,
    stderrIsTty: process.stderr.isTTY === true,
    ...(process.stdout.columns === undefined ? {} : { stdoutColumns: process.stdout.columns }),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
  };
}

/** Colour only for a terminal, honouring the NO_COLOR and FORCE_COLOR conventions. */
export function wantsColor(io: CliIo, flag: boolean | undefined): boolean {
  if (flag === false || io.env.NO_COLOR !== undefined) return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdoutIsTty;
}

/** Columns when neither `COLUMNS` nor a terminal says: a pipe, a file, a CI log. */
export const DEFAULT_COLUMNS = 100;

/**
 * The columns to lay text out in: `COLUMNS` when set to a positive number (so a user or a CI job can
 * choose, as `ls` and Python's `shutil.get_terminal_size` let it), else the terminal's width, else
 * {@link DEFAULT_COLUMNS}.
 */
export function terminalWidth(io: CliIo): number {
  const fromEnv = Number.parseInt(io.env.COLUMNS ?? '', 10);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv;
  if (io.stdoutColumns !== undefined && io.stdoutColumns > 0) return io.stdoutColumns;
  return DEFAULT_COLUMNS;
}
