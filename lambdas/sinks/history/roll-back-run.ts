/** The history store's rollback of crashed runs: restore and fence what a run wrote, then release its claim. */
import { claimKey, claimStatus, deleteMarker, getClaim, mayBeAlive, type ClaimItem, type StoreContext } from './claim-items.js';
import { distinct } from './dynamo-operations.js';
import { RunInProgressError } from './history-errors.js';
import { readPlan } from './record-run.js';
import { mergePlans, type RunPlan } from './run-plan.js';
import { settleAll } from './settle-writes.js';
import { fenceRunItem, rollbackState } from './state-writes.js';
import { HISTORY_TABLE_SCHEMA, historyKeys } from './table-schema.js';
import { stringSet, type ItemKey } from './table-writer.js';

/** What `rollbackRun` undid. */
export interface RollbackResult {
  readonly rolledBack: boolean;
  readonly runId?: string;
  /** The idempotency key whose claim was rolled back (set by `recoverCrashedRuns`). */
  readonly idempotencyKey?: string;
  /** States the run had written, put back as they were. */
  readonly statesRestored: number;
  /** Transition items the run had written, removed. */
  readonly transitionsDeleted: number;
}

/** How far `rollbackRun` and `recoverCrashedRuns` may go. */
export interface RollbackOptions {
  /**
   * The caller states that no other writer of this table can be running now: the audit function has
   * reserved concurrency 1 (the `DriftAuditor` construct sets it) and this is the invocation that
   * runs. Every claim still `recording` then belongs to an invocation that died, so it is rolled back
   * at once, lease or not. Without it, a claim younger than the lease is left alone (it may be alive).
   * Never set it where two invocations can overlap: rolling back a live run corrupts its history.
   * @default false
   */
  readonly singleConcurrency?: boolean;
}

/** What `recoverCrashedRuns` looks at besides the recording markers. */
export interface RecoverOptions extends RollbackOptions {
  /**
   * The idempotency key of the run about to start. Its claim is rolled back even without a marker,
   * and, without `singleConcurrency`, a claim of it still inside the lease is `RunInProgressError`
   * (another delivery of this very event may be running) where one of another key is left alone.
   */
  readonly idempotencyKey?: string;
}

/** Rolls back every run a crash left recording: see `HistoryStore.recoverCrashedRuns`. */
export async function recoverCrashedRuns(ctx: StoreContext, options: RecoverOptions = {}): Promise<RollbackResult[]> {
  const markers = await ctx.table.queryAll(
    {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': historyKeys.recordingPk },
      ConsistentRead: true,
    },
    'find runs still recording',
  );
  const keys = distinct([...markers.map((marker) => String(marker['sk'])), ...(options.idempotencyKey === undefined ? [] : [options.idempotencyKey])]);
  const marked = new Set(markers.map((marker) => String(marker['sk'])));
  const claims: { key: string; claim: ClaimItem }[] = [];
  for (const key of keys) {
    const claim = await getClaim(ctx, key);
    const status = claimStatus(claim);
    if (status === 'recording' || status === 'rolling-back') claims.push({ key, claim: claim as ClaimItem });
    // Only markers that exist: the key of the run about to start usually has none, and a write costs.
    else if (marked.has(key)) await deleteMarker(ctx, key);
  }
  // Newest first: each rollback then finds the states its own run wrote still carrying its run id.
  const order = (claim: { key: string; claim: ClaimItem }) => `${String(claim.claim['startedAt'])}\u0000${claim.key}`;
  claims.sort((a, b) => (order(a) < order(b) ? 1 : order(a) > order(b) ? -1 : 0));
  const results: RollbackResult[] = [];
  for (const { key, claim } of claims) {
    if (!options.singleConcurrency && key !== options.idempotencyKey && mayBeAlive(ctx, claim)) break;
    const result = await rollbackClaim(ctx, key, claim, options);
    if (result.rolledBack) results.push({ ...result, idempotencyKey: key });
  }
  return results;
}

/** Undoes one crashed run: see `HistoryStore.rollbackRun`. */
export async function rollbackRun(ctx: StoreContext, idempotencyKey: string, options: RollbackOptions = {}): Promise<RollbackResult> {
  const claim = await getClaim(ctx, idempotencyKey);
  const status = claimStatus(claim);
  if (claim === undefined || (status !== 'recording' && status !== 'rolling-back')) {
    return { rolledBack: false, statesRestored: 0, transitionsDeleted: 0 };
  }
  return rollbackClaim(ctx, idempotencyKey, claim, options);
}

/** `rollbackRun` on a claim already read and known to be `recording` or `rolling-back`. */
async function rollbackClaim(ctx: StoreContext, idempotencyKey: string, claim: ClaimItem, options: RollbackOptions): Promise<RollbackResult> {
  const runId = String(claim['runId']);
  const notRolledBack = { rolledBack: false, runId, statesRestored: 0, transitionsDeleted: 0 } as const;
  if (!options.singleConcurrency && mayBeAlive(ctx, claim)) {
    throw new RunInProgressError(
      `cannot roll back run ${runId} for idempotency key ${idempotencyKey}: claimed at ${String(claim['claimedAt'])}, within the ${ctx.leaseMs} ms lease, so it may still be running`,
      runId,
    );
  }

  // 1. Out of `recording` first: from here a commit of the crashed run (a late markRunComplete) is refused.
  const taken = await ctx.table.tryUpdate(
    {
      Key: claimKey(idempotencyKey),
      UpdateExpression: 'SET #status = :rollingBack',
      ConditionExpression: '#runId = :runId AND #status IN (:recording, :rollingBack)',
      ExpressionAttributeNames: { '#status': 'status', '#runId': 'runId' },
      ExpressionAttributeValues: { ':rollingBack': 'rolling-back', ':recording': 'recording', ':runId': runId },
    },
    `claim ${idempotencyKey}`,
  );
  if (!taken) {
    // Committed after all (its commit landed first), already rolled back, or claimed anew: nothing to undo.
    await deleteMarker(ctx, idempotencyKey);
    return notRolledBack;
  }

  // 2. Everything the run may have written: its plan, plus what the indexes show (claims without a plan).
  const plan = mergePlans(await readPlan(ctx, idempotencyKey, runId), await discoverWrites(ctx, claim, runId));
  const now = ctx.now();

  // 3. States back as they were, each fenced against the run; transitions, run item and alerts fenced.
  let statesRestored = 0;
  await settleAll(plan.states, ctx.limit, async (id) => {
    if ((await rollbackState(ctx.table, id, runId, now, ctx.retentionDays)) === 'restored') statesRestored += 1;
  });
  let transitionsDeleted = 0;
  await settleAll(plan.transitions, ctx.limit, async (key) => {
    if ((await fenceRunItem(ctx.table, key, runId, now, ctx.retentionDays, `transition ${key.sk} of ${key.pk}`)) === 'replaced') transitionsDeleted += 1;
  });
  const runSk = String(claim['runSk']);
  const owned: ItemKey[] = [
    ...[...stringSet(claim['alertLanes'])].map((lane) => ({ pk: historyKeys.outboxPk(lane), sk: runSk })),
    { pk: String(claim['runPk']), sk: runSk },
  ];
  await settleAll(owned, ctx.limit, (key) => fenceRunItem(ctx.table, key, runId, now, ctx.retentionDays, `item ${key.pk} ${key.sk} of run ${runId}`));

  // 4. The claim may be taken again, by any run but this one; then the marker goes.
  await ctx.table.tryUpdate(
    {
      Key: claimKey(idempotencyKey),
      UpdateExpression: 'SET #status = :rolledBack, #rolledBackAt = :now ADD #rolledBackRuns :run',
      ConditionExpression: '#runId = :runId AND #status = :rollingBack',
      ExpressionAttributeNames: { '#status': 'status', '#runId': 'runId', '#rolledBackAt': 'rolledBackAt', '#rolledBackRuns': 'rolledBackRuns' },
      ExpressionAttributeValues: {
        ':rolledBack': 'rolled-back',
        ':rollingBack': 'rolling-back',
        ':now': now.toISOString(),
        ':run': new Set([runId]),
        ':runId': runId,
      },
    },
    `claim ${idempotencyKey}`,
  );
  // After the claim: a crash in between leaves a marker of a rolled-back claim, which recovery drops.
  await deleteMarker(ctx, idempotencyKey);
  return { rolledBack: true, runId, statesRestored, transitionsDeleted };
}

/**
 * What the indexes show the run wrote: its transitions (from `byEnvironment`, at each of its
 * transition times) and the open states carrying its run id. Covers claims recorded before plans
 * existed; with a plan it adds nothing.
 */
async function discoverWrites(ctx: StoreContext, claim: ClaimItem, runId: string): Promise<RunPlan> {
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  const transitions: Record<string, unknown>[] = [];
  for (const environment of list(claim['environments'])) {
    for (const at of list(claim['transitionTimes'])) {
      transitions.push(
        ...(await ctx.table.queryAll(
          {
            IndexName: 'byEnvironment',
            KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
            FilterExpression: '#runId = :runId',
            ExpressionAttributeNames: {
              '#pk': HISTORY_TABLE_SCHEMA.indexes.byEnvironment.partitionKey,
              '#sk': HISTORY_TABLE_SCHEMA.indexes.byEnvironment.sortKey,
              '#runId': 'runId',
            },
            ExpressionAttributeValues: {
              ':pk': historyKeys.environmentPk(environment),
              ':from': `${at}#`,
              ':to': historyKeys.rangeEnd(at),
              ':runId': runId,
            },
          },
          `find transitions of run ${runId} in ${environment}`,
        )),
      );
    }
  }
  const openTouched = await ctx.table.queryAll(
    {
      IndexName: 'open',
      KeyConditionExpression: '#openpk = :open',
      FilterExpression: '#lastRunId = :runId',
      ExpressionAttributeNames: { '#openpk': HISTORY_TABLE_SCHEMA.indexes.open.partitionKey, '#lastRunId': 'lastRunId' },
      ExpressionAttributeValues: { ':open': historyKeys.openPk, ':runId': runId },
    },
    `find states written by run ${runId}`,
  );
  return {
    states: distinct([...openTouched, ...transitions].map((item) => String(item['findingId']))),
    transitions: transitions.map((item) => ({ pk: String(item['pk']), sk: String(item['sk']) })),
  };
}
