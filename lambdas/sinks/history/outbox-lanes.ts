/** The history store's outbox: alerts of committed runs waiting per lane, and their acknowledgement. */
import { claimStatus, getClaim, type StoreContext } from './claim-items.js';
import { fromOutboxItem, type PendingAlert } from './history-items.js';
import { historyKeys } from './table-schema.js';

/** The committed alerts waiting in `lane`: see `HistoryStore.pendingAlerts`. */
export async function pendingAlerts(ctx: StoreContext, lane: string): Promise<PendingAlert[]> {
  const items = await ctx.table.queryAll(
    {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': historyKeys.outboxPk(lane) },
      ConsistentRead: true,
    },
    `read the pending ${lane} alerts`,
  );
  const committed = new Map<string, boolean>();
  const pending: PendingAlert[] = [];
  for (const item of items.filter((entry) => entry['itemType'] === 'outbox')) {
    const alert = fromOutboxItem(item);
    const run = `${alert.idempotencyKey}\u0000${alert.runId}`;
    if (!committed.has(run)) {
      const claim = await getClaim(ctx, alert.idempotencyKey);
      committed.set(run, claimStatus(claim) === 'complete' && claim?.['runId'] === alert.runId);
    }
    if (committed.get(run) === true) pending.push(alert);
  }
  return pending;
}

/** Removes a delivered alert from its outbox: see `HistoryStore.acknowledgeAlert`. */
export async function acknowledgeAlert(ctx: StoreContext, alert: Pick<PendingAlert, 'lane' | 'sk' | 'runId'>): Promise<void> {
  await ctx.table.tryDelete(
    {
      Key: { pk: historyKeys.outboxPk(alert.lane), sk: alert.sk },
      ConditionExpression: '#runId = :runId',
      ExpressionAttributeNames: { '#runId': 'runId' },
      ExpressionAttributeValues: { ':runId': alert.runId },
    },
    `${alert.lane} alert of run ${alert.runId}`,
  );
}
