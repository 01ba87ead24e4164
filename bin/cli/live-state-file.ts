import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { checkLiveState, type LiveState } from '../../lambdas/collect/live-state.js';
import { UsageError } from './usage-error.js';

/**
 * The previous run's live state from `--state FILE`: `undefined` when the file does not exist yet
 * (the first run reads in full). A file that exists but cannot be read, or is not a state this
 * version wrote, is a usage error naming the file and what is wrong, before anything is read: a
 * silent full read would hide that the file someone relies on is broken.
 * @param shown the path as the user gave it, for messages
 */
export async function readLiveStateFile(path: string, shown: string): Promise<LiveState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read the --state file ${shown}: ${(error as Error).message}`, { cause: error });
  }
  const checked = checkLiveState(text);
  if (!checked.ok) {
    throw new UsageError(
      `the --state file ${shown} is not a drift-audit live state: ${checked.problem}; ` +
        'delete it (the next run reads in full and writes a new one) or point --state elsewhere',
    );
  }
  return checked.state;
}

/**
 * Writes the new state atomically: to a temporary file beside it, then renamed over it, so a run
 * killed half-way leaves the previous state whole, never a truncated one. Owner-only (0600): the
 * records hold the plain values of non-secret parameters.
 */
export async function writeLiveStateFile(path: string, shown: string, state: LiveState): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, `${JSON.stringify(state)}\n`, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new UsageError(`cannot write the --state file ${shown}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * The state to keep after a read: this read's, plus the previous records of sources that failed this
 * time, so one unreachable region does not cost a full read of it next run. Reusing an older record
 * is safe: it is only used while DescribeParameters still lists its version and write time.
 */
export function nextLiveState(previous: LiveState | undefined, read: LiveState, failedSourceIds: ReadonlySet<string>): LiveState {
  if (previous === undefined) return read;
  const carried = Object.fromEntries(Object.entries(previous.ssm).filter(([id]) => failedSourceIds.has(id) && read.ssm[id] === undefined));
  return { ...read, ssm: { ...carried, ...read.ssm } };
}
