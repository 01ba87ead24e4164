import { type WrittenEnvironment, writeSnapshotDir } from '../../lambdas/collect/write-snapshot-dir.js';
import { loadBaseline, resolvePath } from './audit-inputs.js';
import type { CliIo } from './cli-io.js';
import { collectLiveWithState, type LiveOptions } from './live.js';
import { unreadSummary } from './scan-command.js';
import type { OptionSpecs } from './option-spec.js';
import { EXIT, UsageError } from './usage-error.js';

/** The flags of `snapshot` besides the common ones. */
export const SNAPSHOT_FLAGS = {
  out: { type: 'string', valueName: 'DIR', description: 'where to write the snapshot (required)' },
  'allow-partial': { type: 'boolean', default: false, description: 'exit 0 even when a source could not be read' },
} as const satisfies OptionSpecs;

/** Options of `drift-audit snapshot --out DIR`. */
export interface SnapshotOptions extends LiveOptions {
  readonly baselineDir: string;
  readonly out: string;
  readonly live: boolean;
  /** `--allow-partial`: exit 0 even when a source could not be read. @default false */
  readonly allowPartial?: boolean;
}

/**
 * `drift-audit snapshot --out DIR`: reads the live estate and writes it in exactly the format
 * `scan --snapshots DIR` reads, so it can be audited offline or attached to an incident report.
 *
 * A source that fails is still recorded as failed in the snapshot (offline scans of it stay
 * partial) and everything that was read is written; the failures are listed on stderr and the
 * command exits {@link EXIT.incomplete}, as `scan` would, unless partial snapshots are allowed.
 */
export async function runSnapshot(io: CliIo, options: SnapshotOptions): Promise<number> {
  const loaded = loadBaseline(io, options.baselineDir);
  const collected = await collectLiveWithState(io, loaded.baseline, options);
  const dir = resolvePath(io, options.out);
  let written: WrittenEnvironment[];
  try {
    written = await writeSnapshotDir(dir, loaded.baseline, collected);
  } catch (error) {
    throw new UsageError(`cannot write the snapshot to ${options.out}: ${(error as Error).message}`, { cause: error });
  }
  for (const environment of written) io.stdout(`${options.out}/${environment.environment}: ${environment.files.join(', ')}\n`);
  const sources = collected.snapshots.flatMap((snapshot) => snapshot.sources);
  const failed = sources.filter((source) => source.status === 'error');
  if (failed.length === 0) return EXIT.clean;
  for (const source of failed) io.stderr(`  not read: ${source.id}: ${source.error?.message ?? 'unknown error'}\n`);
  if (options.allowPartial === true) {
    io.stderr(`drift-audit: partial snapshot allowed (--allow-partial): ${unreadSummary(sources)}; they are recorded as failed in ${options.out}\n`);
    return EXIT.clean;
  }
  io.stderr(
    `drift-audit: incomplete snapshot, exit ${EXIT.incomplete}: ${unreadSummary(sources)}; what was read is in ${options.out}, ` +
      'the rest is recorded as failed. Pass --allow-partial to accept a partial snapshot\n',
  );
  return EXIT.incomplete;
}
