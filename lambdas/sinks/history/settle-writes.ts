import type pLimit from 'p-limit';

/**
 * Runs `write` for every item, at most `limit` at a time, and returns only once every write has
 * settled; then throws the first failure, if any.
 *
 * `Promise.all` would reject at the first failure while the other writes are still queued or in
 * flight: in Lambda they are then frozen with the execution environment and land during the next
 * invocation, racing its rollback. Here no write outlives the call. After a failure the writes not
 * yet started are skipped (the run has failed; fewer writes, less to undo); those already sent finish.
 */
export async function settleAll<T>(items: readonly T[], limit: ReturnType<typeof pLimit>, write: (item: T) => Promise<unknown>): Promise<void> {
  let failed = false;
  const results = await Promise.allSettled(
    items.map((item) =>
      limit(async () => {
        if (failed) return;
        try {
          await write(item);
        } catch (error) {
          failed = true;
          throw error;
        }
      }),
    ),
  );
  const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (rejected !== undefined) throw rejected.reason;
}
