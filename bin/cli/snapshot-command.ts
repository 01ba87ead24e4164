import { writeSnapshotDir } from '../../lambdas/collect/write-snapshot-dir.js';
import { loadBaseline, resolvePath } from './audit-inputs.js';
import type { CliIo } from './cli-io.js';
import { collectLiveWithState, type LiveOptions } from './live.js';
import { UsageError } from './usage-error.js';

/** Options of `drift-audit snapshot --out DIR`. */
export interface SnapshotOptions extends LiveOptions {
  readonly baselineDir: string;
  readonly out: string;
  readonly live: boolean;
}

/**
 * `drift-audit snapshot --out DIR`: reads the live estate and writes it in exactly the format
 * `scan --snapshots DIR` reads, so it can be audited offline or attached to an incident report.
 * Exit 0 when every source was read, 1 when the snapshot is partial (failed sources are recorded).
 */
export async function runSnapshot(io: CliIo, options: SnapshotOptions): Promise<number> {
  const loaded = loadBaseline(io, options.baselineDir);
  const collected = await collectLiveWithState(io, loaded.baseline, options);
  const dir = resolvePath(io, options.out);
  let written;
  try {
    written = await writeSnapshotDir(dir, loaded.baseline, collected);
  } catch (error) {
    throw new UsageError(`cannot write the snapshot to ${options.out}: ${(error as Error).message}`, { cause: error });
  }
  for (const environment of written) io.stdout(`${options.out}/${environment.environment}: ${environment.files.join(', ')}\n`);
  const failed = collected.snapshots.flatMap((snapshot) => snapshot.sources).filter((source) => source.status === 'error');
  for (const source of failed) io.stdout(`  not read: ${source.id}: ${source.error?.message ?? 'unknown error'}\n`);
  return failed.length === 0 ? 0 : 1;
}
