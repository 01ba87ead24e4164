import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import { expressionAttributes } from './dynamo-operations.js';
import { HistoryConflictError } from './history-errors.js';
import { toFenceItem, toStateAttributes } from './history-items.js';
import { historyKeys } from './table-schema.js';
import { stringSet, type ItemKey, type TableWriter } from './table-writer.js';

/** Every write of run `:runId` carries this: a rollback that fenced the run makes it fail. */
const NOT_FENCED = 'NOT contains(#fencedRuns, :runId)';

/**
 * Writes one state conditionally on the run that last wrote it, keeping what it replaces as
 * `priorState`, and never over a fence of this run. A retry of this run (the item already says
 * `lastRunId = runId`) rewrites the state but keeps the first attempt's `priorState`, which is the
 * one a rollback needs.
 */
export async function writeState(writer: TableWriter, state: FindingState, runId: string, retentionDays: number): Promise<void> {
  const attributes = toStateAttributes(state, runId, retentionDays);
  const names: Record<string, string> = { '#pk': 'pk', '#priorState': 'priorState', '#fencedRuns': 'fencedRuns' };
  const values: Record<string, unknown> = { ':noPrior': 'null', ':resolved': 'resolved', ':runId': runId };
  const sets: string[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    names[`#${name}`] = name;
    values[`:${name}`] = value;
    sets.push(`#${name} = :${name}`);
  }
  const removed = (state.status === 'open' ? ['expiresAt'] : ['openpk', 'opensk']).filter((n) => !(n in attributes));
  for (const name of removed) names[`#${name}`] = name;
  const update = `SET ${sets.join(', ')}${removed.length > 0 ? ` REMOVE ${removed.map((n) => `#${n}`).join(', ')}` : ''}`;
  if (state.previousRunId !== undefined) values[':previousRunId'] = state.previousRunId;
  // A fence item left where a rolled-back run had created a state has no lastRunId: a new state may go there.
  const firstCondition =
    state.previousRunId === undefined
      ? `(attribute_not_exists(#pk) OR attribute_not_exists(#lastRunId) OR #status = :resolved) AND ${NOT_FENCED}`
      : `#lastRunId = :previousRunId AND ${NOT_FENCED}`;
  const key = { pk: historyKeys.findingPk(state.id), sk: historyKeys.stateSk };
  const what = `state of finding ${state.id}`;
  const attempt = (updateExpression: string, condition: string) =>
    writer.tryUpdate(
      { Key: key, UpdateExpression: updateExpression, ConditionExpression: condition, ...expressionAttributes([updateExpression, condition], names, values) },
      what,
    );
  // Operands read the item as it was before this update, so priorState gets the replaced state.
  if (await attempt(update.replace(/^SET /, 'SET #priorState = if_not_exists(#state, :noPrior), '), firstCondition)) return;
  if (await attempt(update, `#lastRunId = :runId AND ${NOT_FENCED}`)) return;
  throw new HistoryConflictError(
    `cannot record state of finding ${state.id} for run ${runId}: it changed since it was loaded (expected last run ${state.previousRunId ?? 'none'}), or run ${runId} was rolled back; not overwritten`,
  );
}

/** What a rollback did to one state. */
export type StateRollback = 'restored' | 'fenced';

/**
 * Puts a state back as it was before `runId` and fences it against `runId`: whatever the run wrote is
 * undone (its `priorState` restored, or a fence left where it had created the state), and a write of
 * the run that lands later is refused. A state the run never wrote is only fenced, which is what makes
 * the rollback hold against writes still in flight. Idempotent: a second call finds the fence and does
 * nothing. Retries a few times when the item moves under it (a late write of the run landing).
 */
export async function rollbackState(writer: TableWriter, findingId: string, runId: string, now: Date, retentionDays: number): Promise<StateRollback> {
  const key: ItemKey = { pk: historyKeys.findingPk(findingId), sk: historyKeys.stateSk };
  const what = `state of finding ${findingId}`;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const item = await writer.get(key, what);
    if (item === undefined) {
      const fence = toFenceItem(key, new Set([runId]), now, retentionDays);
      if (await writer.tryPut({ Item: fence, ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } }, what))
        return 'fenced';
      continue;
    }
    const fences = stringSet(item['fencedRuns']).add(runId);
    if (item['lastRunId'] === runId) {
      const prior = JSON.parse(typeof item['priorState'] === 'string' ? item['priorState'] : 'null') as FindingState | null;
      const replacement =
        prior === null
          ? toFenceItem(key, fences, now, retentionDays)
          : { ...key, ...toStateAttributes(prior, prior.lastRunId ?? '', retentionDays), fencedRuns: fences };
      const restored = await writer.tryPut(
        {
          Item: replacement,
          ConditionExpression: '#lastRunId = :runId',
          ExpressionAttributeNames: { '#lastRunId': 'lastRunId' },
          ExpressionAttributeValues: { ':runId': runId },
        },
        what,
      );
      if (restored) return 'restored';
      continue;
    }
    if (stringSet(item['fencedRuns']).has(runId)) return 'fenced';
    const fenced = await writer.tryUpdate(
      {
        Key: key,
        UpdateExpression: 'ADD #fencedRuns :fence',
        ConditionExpression: 'attribute_exists(#pk) AND (attribute_not_exists(#lastRunId) OR #lastRunId <> :runId)',
        ExpressionAttributeNames: { '#fencedRuns': 'fencedRuns', '#pk': 'pk', '#lastRunId': 'lastRunId' },
        ExpressionAttributeValues: { ':fence': new Set([runId]), ':runId': runId },
      },
      what,
    );
    if (fenced) return 'fenced';
  }
  throw new HistoryConflictError(`cannot roll back ${what} for run ${runId}: it kept changing while being restored`);
}

/** What fencing one item of a run did. */
export type ItemFence = 'replaced' | 'fenced' | 'foreign';

/**
 * Leaves a fence at the key of an item only `runId` writes (a transition, its run item, its outbox
 * entry: their keys carry the run's time): the run's item, if it landed, is replaced (`replaced`);
 * if not, the fence is there first and the late write is refused (`fenced`). An item of another run
 * at that key (`foreign`) is left alone. Idempotent.
 */
export async function fenceRunItem(writer: TableWriter, key: ItemKey, runId: string, now: Date, retentionDays: number, what: string): Promise<ItemFence> {
  const applied = await writer.tryPut(
    {
      Item: toFenceItem(key, new Set([runId]), now, retentionDays),
      ConditionExpression: 'attribute_not_exists(#pk) OR #runId = :runId OR contains(#fencedRuns, :runId)',
      ExpressionAttributeNames: { '#pk': 'pk', '#runId': 'runId', '#fencedRuns': 'fencedRuns' },
      ExpressionAttributeValues: { ':runId': runId },
    },
    what,
  );
  if (applied === false) return 'foreign';
  return applied.old?.['runId'] === runId ? 'replaced' : 'fenced';
}

/**
 * The condition of a run's write of an item only it writes: absent, already its own (a resume), or a
 * fence of another run (the same key reused within a millisecond). Never another run's item, never a
 * fence of this run. Over another run's fence is safe: that run's late write then meets this run's item.
 */
export const OWN_ITEM_CONDITION = {
  ConditionExpression: 'attribute_not_exists(#pk) OR #runId = :runId OR (#itemType = :fence AND NOT contains(#fencedRuns, :runId))',
  names: { '#pk': 'pk', '#runId': 'runId', '#itemType': 'itemType', '#fencedRuns': 'fencedRuns' },
  values: { ':fence': 'fence' },
} as const;
