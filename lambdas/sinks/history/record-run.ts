/** The history store's recording of one run: claim, plan, run item, transitions, outbox entries, states. */
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import type { RunSummary, Transition } from '../../engine/model.js';
import { claimRun } from './claim-run.js';
import type { StoreContext } from './claim-items.js';
import { distinct } from './dynamo-operations.js';
import { HistoryConflictError, HistoryWriteError } from './history-errors.js';
import type { OutboxMessage } from './history-items.js';
import { expiresAt, toOutboxItem, toTransitionItem } from './history-items.js';
import { DYNAMODB_ITEM_LIMIT_BYTES, itemSizeBytes } from './item-size.js';
import { mergePlans, parsePlan, planItems, type RunPlan } from './run-plan.js';
import { settleAll } from './settle-writes.js';
import { OWN_ITEM_CONDITION, writeState } from './state-writes.js';
import { historyKeys } from './table-schema.js';

/** What `recordRun` did. */
export type RecordRunResult =
  | {
      /** The idempotency key was already recorded completely: nothing was written; alert nothing new. */
      readonly duplicate: true;
      /** The run that recorded it. */
      readonly runId: string;
    }
  | {
      readonly duplicate: false;
      readonly runId: string;
      /** True when this call finished an earlier call of the same run (same run id and key). */
      readonly resumed: boolean;
      readonly transitionsWritten: number;
      readonly statesWritten: number;
    };

/** What `recordRun` records besides transitions and states. */
export interface RecordRunOptions {
  /**
   * The alerts of this run, one per destination lane: written to the outbox as part of the run, so
   * they are committed (or rolled back) with it and delivered once it is complete, however long the
   * destination is down. See {@link HistoryStore.pendingAlerts}.
   */
  readonly alerts?: readonly OutboxMessage[];
}

/** Records one run: see `HistoryStore.recordRun`. */
export async function recordRun(
  ctx: StoreContext,
  run: RunSummary,
  transitions: readonly Transition[],
  next: readonly FindingState[],
  idempotencyKey: string,
  options: RecordRunOptions = {},
): Promise<RecordRunResult> {
  const alerts = options.alerts ?? [];
  const claim = await claimRun(ctx, run, transitions, distinct(alerts.map((alert) => alert.lane)), idempotencyKey);
  if (claim.duplicate) return { duplicate: true, runId: claim.runId };

  const items = transitions.map((t) => toTransitionItem(t, run.runId, ctx.retentionDays));
  const changed = next.filter((state) => state.lastRunId === run.runId);
  await writePlan(ctx, idempotencyKey, run, { states: distinct(changed.map((state) => state.id)), transitions: items }, claim.resumed);

  await putOwn(
    ctx,
    {
      pk: historyKeys.runPk(run.startedAt),
      sk: historyKeys.runSk(run.startedAt, run.runId),
      itemType: 'run',
      runId: run.runId,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      status: run.status,
      recording: 'recording',
      idempotencyKey,
      summary: JSON.stringify(run),
      expiresAt: expiresAt(run.startedAt, ctx.retentionDays),
    },
    `run item of run ${run.runId}`,
  );
  await settleAll(items, ctx.limit, (item) => putOwn(ctx, item, `transition ${item.sk} of finding ${item.findingId}`));
  await settleAll(alerts, ctx.limit, (alert) =>
    putOwn(ctx, toOutboxItem(alert, run, idempotencyKey, ctx.retentionDays), `${alert.lane} alert of run ${run.runId}`),
  );
  await settleAll(changed, ctx.limit, (state) => writeState(ctx.table, state, run.runId, ctx.retentionDays));

  return {
    duplicate: false,
    runId: run.runId,
    resumed: claim.resumed,
    transitionsWritten: items.length,
    statesWritten: changed.length,
  };
}

/** Writes the run's plan; a resumed run keeps what its earlier attempt planned as well. */
async function writePlan(ctx: StoreContext, idempotencyKey: string, run: RunSummary, plan: RunPlan, resumed: boolean): Promise<void> {
  const full = resumed ? mergePlans(plan, await readPlan(ctx, idempotencyKey, run.runId)) : plan;
  await ctx.table.batchPut(planItems(full, idempotencyKey, run, ctx.retentionDays), `plan of run ${run.runId}`, {
    limit: ctx.limit,
    maxAttempts: ctx.maxBatchAttempts,
    sleep: ctx.sleep,
  });
}

export async function readPlan(ctx: StoreContext, idempotencyKey: string, runId: string): Promise<RunPlan> {
  const items = await ctx.table.queryAll(
    {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': 'pk', '#sk': 'sk' },
      ExpressionAttributeValues: { ':pk': historyKeys.claimPk(idempotencyKey), ':prefix': historyKeys.planPrefix(runId) },
      ConsistentRead: true,
    },
    `read the plan of run ${runId}`,
  );
  return parsePlan(items.filter((item) => item['runId'] === runId));
}

/** First write of an item only this run writes (run item, transition, outbox entry): absent, or already its own. */
async function putOwn<T extends { readonly runId: string }>(ctx: StoreContext, item: T, what: string): Promise<void> {
  const size = itemSizeBytes(item as Record<string, unknown>);
  if (size > DYNAMODB_ITEM_LIMIT_BYTES) {
    throw new HistoryWriteError(
      `cannot write ${what} to table ${ctx.tableName}: it takes ${size} bytes, over DynamoDB's ${DYNAMODB_ITEM_LIMIT_BYTES}-byte item limit`,
    );
  }
  const applied = await ctx.table.tryPut(
    {
      Item: item,
      ConditionExpression: OWN_ITEM_CONDITION.ConditionExpression,
      ExpressionAttributeNames: { ...OWN_ITEM_CONDITION.names },
      ExpressionAttributeValues: { ...OWN_ITEM_CONDITION.values, ':runId': item.runId },
    },
    what,
  );
  if (applied === false) {
    throw new HistoryConflictError(`cannot record ${what} for run ${item.runId}: another run holds the item, or run ${item.runId} was rolled back`);
  }
}
