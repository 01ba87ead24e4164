/** The history store's claims: taking an idempotency key's claim for a run, and committing it. */
import type { RunSummary, Transition } from '../../engine/model.js';
import { claimKey, claimStatus, deleteMarker, getClaim, markerKey, type StoreContext } from './claim-items.js';
import { distinct } from './dynamo-operations.js';
import { HistoryConflictError, HistoryWriteError, RunInProgressError } from './history-errors.js';
import { expiresAt } from './history-items.js';
import { historyKeys } from './table-schema.js';
import { stringSet } from './table-writer.js';

/** Takes the claim, or tells a duplicate or a resumable claim of the same run apart. */
export async function claimRun(
  ctx: StoreContext,
  run: RunSummary,
  transitions: readonly Transition[],
  alertLanes: readonly string[],
  idempotencyKey: string,
): Promise<{ duplicate: true; runId: string } | { duplicate: false; resumed: boolean }> {
  const environments = distinct([...run.environments, ...transitions.map((t) => t.finding.environment)]);
  const transitionTimes = distinct(transitions.map((t) => t.at));
  const key = claimKey(idempotencyKey);
  // The marker goes first, so no claim is ever `recording` without one. Recovery reads the claim
  // it points at, not the marker's run id, so overwriting a marker of the same key is harmless.
  await ctx.table.put(
    {
      Item: {
        ...markerKey(idempotencyKey),
        itemType: 'recording',
        idempotencyKey,
        runId: run.runId,
        startedAt: run.startedAt,
        expiresAt: expiresAt(run.startedAt, ctx.retentionDays),
      },
    },
    `recording marker of ${idempotencyKey}`,
  );
  // An update rather than a put: a rolled-back claim keeps the list of runs that may never take it again.
  const taken = await ctx.table.tryUpdate(
    {
      Key: key,
      UpdateExpression:
        'SET #itemType = :claim, #idempotencyKey = :key, #runId = :runId, #startedAt = :startedAt, #runPk = :runPk, #runSk = :runSk, ' +
        '#status = :recording, #claimedAt = :claimedAt, #environments = :environments, #transitionTimes = :times, #alertLanes = :lanes, ' +
        '#expiresAt = :expiresAt REMOVE #completedAt, #rolledBackAt',
      ConditionExpression: 'attribute_not_exists(#pk) OR (#status = :rolledBack AND NOT contains(#rolledBackRuns, :runId))',
      ExpressionAttributeNames: {
        '#pk': 'pk',
        '#itemType': 'itemType',
        '#idempotencyKey': 'idempotencyKey',
        '#runId': 'runId',
        '#startedAt': 'startedAt',
        '#runPk': 'runPk',
        '#runSk': 'runSk',
        '#status': 'status',
        '#claimedAt': 'claimedAt',
        '#environments': 'environments',
        '#transitionTimes': 'transitionTimes',
        '#alertLanes': 'alertLanes',
        '#expiresAt': 'expiresAt',
        '#completedAt': 'completedAt',
        '#rolledBackAt': 'rolledBackAt',
        '#rolledBackRuns': 'rolledBackRuns',
      },
      ExpressionAttributeValues: {
        ':claim': 'claim',
        ':key': idempotencyKey,
        ':runId': run.runId,
        ':startedAt': run.startedAt,
        ':runPk': historyKeys.runPk(run.startedAt),
        ':runSk': historyKeys.runSk(run.startedAt, run.runId),
        ':recording': 'recording',
        ':rolledBack': 'rolled-back',
        ':claimedAt': ctx.now().toISOString(),
        ':environments': environments,
        ':times': transitionTimes,
        ':lanes': [...alertLanes],
        ':expiresAt': expiresAt(run.startedAt, ctx.retentionDays),
      },
    },
    `claim ${idempotencyKey}`,
  );
  if (taken) return { duplicate: false, resumed: false };

  const existing = await getClaim(ctx, idempotencyKey);
  if (existing === undefined) {
    // Released between our write and our read (a concurrent rollback): let the caller re-drive.
    throw new RunInProgressError(`claim ${idempotencyKey} changed while run ${run.runId} was taking it`, run.runId);
  }
  const owner = String(existing['runId']);
  const status = claimStatus(existing);
  if (status === 'complete') {
    await deleteMarker(ctx, idempotencyKey);
    return { duplicate: true, runId: owner };
  }
  if (stringSet(existing['rolledBackRuns']).has(run.runId) || (owner === run.runId && status !== 'recording')) {
    throw new HistoryConflictError(
      `cannot record run ${run.runId}: it was rolled back under idempotency key ${idempotencyKey}; a new attempt records as a new run`,
    );
  }
  if (owner !== run.runId) {
    throw new RunInProgressError(
      `cannot record run ${run.runId}: idempotency key ${idempotencyKey} is claimed by run ${owner}, still recording (roll it back once its lease has passed)`,
      owner,
    );
  }
  // Resuming our own run: widen what the claim says to look for, in case this attempt's plan differs.
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  await ctx.table.update(
    {
      Key: key,
      UpdateExpression: 'SET #environments = :environments, #times = :times, #lanes = :lanes',
      ConditionExpression: '#runId = :runId AND #status = :recording',
      ExpressionAttributeNames: {
        '#environments': 'environments',
        '#times': 'transitionTimes',
        '#lanes': 'alertLanes',
        '#runId': 'runId',
        '#status': 'status',
      },
      ExpressionAttributeValues: {
        ':environments': distinct([...list(existing['environments']), ...environments]),
        ':times': distinct([...list(existing['transitionTimes']), ...transitionTimes]),
        ':lanes': distinct([...list(existing['alertLanes']), ...alertLanes]),
        ':runId': run.runId,
        ':recording': 'recording',
      },
    },
    `claim ${idempotencyKey}`,
  );
  return { duplicate: false, resumed: true };
}

/** The commit of the run recorded under `idempotencyKey`: see `HistoryStore.markRunComplete`. */
export async function commitRun(ctx: StoreContext, idempotencyKey: string): Promise<void> {
  const claim = await getClaim(ctx, idempotencyKey);
  if (claim === undefined) {
    throw new HistoryWriteError(`cannot mark run complete for idempotency key ${idempotencyKey}: no claim recorded`);
  }
  const runId = String(claim['runId']);
  const status = claimStatus(claim);
  if (status === 'complete') {
    await deleteMarker(ctx, idempotencyKey);
    return;
  }
  if (status !== 'recording') {
    throw new HistoryConflictError(`cannot mark run ${runId} complete for idempotency key ${idempotencyKey}: it was rolled back (claim is ${status})`);
  }
  const flipped = await ctx.table.tryUpdate(
    {
      Key: { pk: String(claim['runPk']), sk: String(claim['runSk']) },
      UpdateExpression: 'SET #recording = :complete',
      ConditionExpression: '#runId = :runId',
      ExpressionAttributeNames: { '#recording': 'recording', '#runId': 'runId' },
      ExpressionAttributeValues: { ':complete': 'complete', ':runId': runId },
    },
    `run item of run ${runId}`,
  );
  if (!flipped) throw new HistoryConflictError(`cannot mark run ${runId} complete: its run item is gone (the run was rolled back)`);
  const committed = await ctx.table.tryUpdate(
    {
      Key: claimKey(idempotencyKey),
      UpdateExpression: 'SET #status = :complete, #completedAt = if_not_exists(#completedAt, :now)',
      // Only from `recording`: a rollback takes the claim out of it first, so a late commit cannot land.
      ConditionExpression: '#runId = :runId AND #status IN (:recording, :complete)',
      ExpressionAttributeNames: { '#status': 'status', '#completedAt': 'completedAt', '#runId': 'runId' },
      ExpressionAttributeValues: { ':complete': 'complete', ':recording': 'recording', ':now': ctx.now().toISOString(), ':runId': runId },
    },
    `claim ${idempotencyKey}`,
  );
  if (!committed) throw new HistoryConflictError(`cannot mark run ${runId} complete for idempotency key ${idempotencyKey}: a rollback took its claim`);
  await deleteMarker(ctx, idempotencyKey);
}
