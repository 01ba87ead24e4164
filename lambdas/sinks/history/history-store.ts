import pLimit from 'p-limit';
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import type { RunSummary, Transition } from '../../engine/model.js';
import type { HistoryDocumentClient } from './dynamo-operations.js';
import { distinct } from './dynamo-operations.js';
import { HistoryConflictError, HistoryWriteError, RunInProgressError } from './history-errors.js';
import type { ClaimStatus, OutboxMessage, PendingAlert, RecordingStatus } from './history-items.js';
import { DEFAULT_RETENTION_DAYS, expiresAt, fromOutboxItem, fromStateItem, toOutboxItem, toTransitionItem } from './history-items.js';
import { DYNAMODB_ITEM_LIMIT_BYTES, itemSizeBytes } from './item-size.js';
import { mergePlans, parsePlan, planItems, type RunPlan } from './run-plan.js';
import { settleAll } from './settle-writes.js';
import { fenceRunItem, OWN_ITEM_CONDITION, rollbackState, writeState } from './state-writes.js';
import { HISTORY_TABLE_SCHEMA, historyKeys } from './table-schema.js';
import { stringSet, TableWriter, type ItemKey } from './table-writer.js';

export type { HistoryDocumentClient } from './dynamo-operations.js';
export type { OutboxMessage, PendingAlert } from './history-items.js';

/** How a `HistoryStore` reaches its table and how long history is kept. */
export interface HistoryStoreOptions {
  readonly documentClient: HistoryDocumentClient;
  readonly tableName: string;
  /**
   * Days transitions, runs, idempotency claims, fences and resolved states are kept before DynamoDB's
   * TTL removes them. Open states never expire.
   * @default 400
   */
  readonly retentionDays?: number;
  /**
   * How long a claim may stay `recording` before another delivery may roll it back as crashed. Set
   * it to the audit function's timeout: with reserved concurrency 1, a claim older than that cannot
   * belong to a live invocation. Callers that state the single-concurrency guarantee
   * (`{ singleConcurrency: true }` on `recoverCrashedRuns` / `rollbackRun`) are not held by it.
   * @default 900000 (15 minutes, Lambda's longest timeout)
   */
  readonly leaseMs?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /**
   * Writes in flight at once. Conditional writes go one item per request, so this bounds the burst
   * an on-demand table sees.
   * @default 8
   */
  readonly concurrency?: number;
  /** Attempts of a batch before unprocessed items become an error. @default 8 */
  readonly maxBatchAttempts?: number;
  /** Waits between batch attempts (exponential backoff); injected so tests need not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Where an idempotency key stands: never seen (or rolled back), being recorded (or crashed), or recorded. */
export type RunClaim =
  | { readonly state: 'absent' }
  | {
      readonly state: RecordingStatus;
      readonly runId: string;
      readonly startedAt: string;
      /** ISO 8601: when the claim was (last) taken. */
      readonly claimedAt: string;
      readonly completedAt?: string;
    };

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

/** A claim as read from the table. */
type ClaimItem = Record<string, unknown>;

/**
 * The DynamoDB history of findings and runs: loads open finding states and records each run's
 * transitions, states and alerts, idempotently, with single-item conditional writes only (no
 * TransactWriteItems, which dynalite lacks and which would cap a run at 100 items).
 *
 * ## The crash and retry story
 * One scheduled event has one idempotency key (for example `<schedule>#<scheduled time>`). The audit
 * handler does:
 * ```
 * const claim = await store.status(key);
 * if (claim.state === 'complete') { deliver(await store.pendingAlerts(lane)); return; }  // duplicate delivery
 * // Any attempt that died mid-way (this event's or an earlier one's): undo it first.
 * await store.recoverCrashedRuns({ idempotencyKey: key, singleConcurrency: true });
 * const previous = await store.loadOpenStates();
 * const { transitions, next } = reconcile({ previous, current, runId, now, snapshots });
 * const result = await store.recordRun(run, transitions, next, key, { alerts });
 * if (!result.duplicate) await store.markRunComplete(key);   // the commit
 * deliver(await store.pendingAlerts(lane));                   // then acknowledgeAlert each
 * ```
 * `recordRun` writes in an order that keeps every prefix of its work discoverable and undoable:
 * 0. the recording marker `RECORDING` / `<key>`: the next run of any event finds the claim through it
 *    (one strongly consistent Query), so a crash is undone even when this event is never delivered again;
 * 1. the claim `IDEMP#<key>` (absent, or rolled back by a run other than this one): a second delivery
 *    finds it. `complete` means duplicate (`{ duplicate: true }`, nothing written); `recording` under
 *    the same run id means an in-process retry of this very call, which resumes; under another run id,
 *    `RunInProgressError`. The claim lists the environments, transition times and alert lanes of the run;
 * 2. the plan `IDEMP#<key>` / `PLAN#<runId>#n`: every state and transition key the run may write;
 * 3. the run item `RUN#<yyyy-mm>` / `<startedAt>#<runId>`, marked `recording`;
 * 4. the transitions `FINDING#<id>` / `T#<at>#<kind>` and the outbox entries `OUTBOX#<lane>` /
 *    `<startedAt>#<runId>`, each a conditional put (absent, or already this run's) so a retry never
 *    doubles them and a fence refuses them;
 * 5. the states `FINDING#<id>` / `STATE`, each an update conditional on the `lastRunId` it was
 *    loaded with (optimistic concurrency) that also keeps the replaced state as `priorState`.
 * Each step settles all its writes before the next starts or the call fails: no write of a failed
 * call is left in flight (in Lambda such a write would be frozen with the environment and land during
 * the next invocation).
 *
 * `markRunComplete` is the commit: the run item, then the claim, flip to `complete` (the claim only
 * from `recording`), then the marker goes. Alerts are delivered from the outbox after it, and stay
 * there until acknowledged, so a destination that is down loses nothing: alerts are at least once.
 *
 * A crash before the commit leaves the claim `recording` and its marker in place; the next run (a
 * Lambda retry a minute later, or the next scheduled event) calls `recoverCrashedRuns`, which rolls
 * back every marked claim: the claim first goes `rolling-back` (a late commit can no longer land),
 * then every state of the plan is restored from its `priorState` and fenced, every transition, the run
 * item and the outbox entries are replaced by fences, and the claim ends `rolled-back`. A write of the
 * crashed run that lands afterwards (a request its client gave up on) meets a fence and is refused, so
 * the table stays as the next run reads it. That run is then an ordinary first attempt against the
 * estate as it is now, and alerts the transitions the crashed attempt never committed. History is
 * exactly once. Under reserved concurrency 1 the caller says so (`singleConcurrency`) and no lease
 * applies: the lease starts when the claim is taken, after the live read, so a retry a minute after a
 * crash would otherwise still be inside it.
 *
 * Index reads (open states, a run's transitions) are eventually consistent; runs an hour apart and
 * retries a minute or more after a crash are far outside that window.
 */
export class HistoryStore {
  readonly tableName: string;
  private readonly table: TableWriter;
  private readonly retentionDays: number;
  private readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly maxBatchAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: HistoryStoreOptions) {
    this.table = new TableWriter(options.documentClient, options.tableName);
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.leaseMs = options.leaseMs ?? 15 * 60_000;
    this.now = options.now ?? (() => new Date());
    this.limit = pLimit(options.concurrency ?? 8);
    this.maxBatchAttempts = options.maxBatchAttempts ?? 8;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Every open finding state, worst severity first, from the sparse `open` index (a Query, paged
   * to the end; never a Scan).
   */
  async loadOpenStates(): Promise<FindingState[]> {
    const items = await this.table.queryAll(
      {
        IndexName: 'open',
        KeyConditionExpression: '#openpk = :open',
        ExpressionAttributeNames: { '#openpk': HISTORY_TABLE_SCHEMA.indexes.open.partitionKey },
        ExpressionAttributeValues: { ':open': historyKeys.openPk },
      },
      'load open finding states',
    );
    return items.map(fromStateItem);
  }

  /** Where `idempotencyKey` stands (a strongly consistent read of its claim). */
  async status(idempotencyKey: string): Promise<RunClaim> {
    const item = await this.getClaim(idempotencyKey);
    const status = claimStatus(item);
    if (item === undefined || status === 'rolled-back') return { state: 'absent' };
    return {
      state: status === 'complete' ? 'complete' : 'recording',
      runId: String(item['runId']),
      startedAt: String(item['startedAt']),
      claimedAt: String(item['claimedAt']),
      ...(typeof item['completedAt'] === 'string' ? { completedAt: item['completedAt'] } : {}),
    };
  }

  /**
   * Records one run: its claim, plan, run item, transitions, outbox entries and the states it changed
   * (those in `next` whose `lastRunId` is `run.runId`; carried-over states are left exactly as they
   * are). Idempotent per `idempotencyKey`; see the class documentation for the order and the crash story.
   */
  async recordRun(
    run: RunSummary,
    transitions: readonly Transition[],
    next: readonly FindingState[],
    idempotencyKey: string,
    options: RecordRunOptions = {},
  ): Promise<RecordRunResult> {
    const alerts = options.alerts ?? [];
    const claim = await this.claim(run, transitions, distinct(alerts.map((alert) => alert.lane)), idempotencyKey);
    if (claim.duplicate) return { duplicate: true, runId: claim.runId };

    const items = transitions.map((t) => toTransitionItem(t, run.runId, this.retentionDays));
    const changed = next.filter((state) => state.lastRunId === run.runId);
    await this.writePlan(idempotencyKey, run, { states: distinct(changed.map((state) => state.id)), transitions: items }, claim.resumed);

    await this.putOwn(
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
        expiresAt: expiresAt(run.startedAt, this.retentionDays),
      },
      `run item of run ${run.runId}`,
    );
    await settleAll(items, this.limit, (item) => this.putOwn(item, `transition ${item.sk} of finding ${item.findingId}`));
    await settleAll(alerts, this.limit, (alert) =>
      this.putOwn(toOutboxItem(alert, run, idempotencyKey, this.retentionDays), `${alert.lane} alert of run ${run.runId}`),
    );
    await settleAll(changed, this.limit, (state) => writeState(this.table, state, run.runId, this.retentionDays));

    return {
      duplicate: false,
      runId: run.runId,
      resumed: claim.resumed,
      transitionsWritten: items.length,
      statesWritten: changed.length,
    };
  }

  /**
   * Commits the run recorded under `idempotencyKey`: run item and claim flip to `complete`, so from
   * now on a delivery of the same event is a duplicate and the run's alerts may be delivered. Refused
   * (`HistoryConflictError`) once a rollback has started on the claim. Idempotent.
   */
  async markRunComplete(idempotencyKey: string): Promise<void> {
    const claim = await this.getClaim(idempotencyKey);
    if (claim === undefined) {
      throw new HistoryWriteError(`cannot mark run complete for idempotency key ${idempotencyKey}: no claim recorded`);
    }
    const runId = String(claim['runId']);
    const status = claimStatus(claim);
    if (status === 'complete') {
      await this.deleteMarker(idempotencyKey);
      return;
    }
    if (status !== 'recording') {
      throw new HistoryConflictError(`cannot mark run ${runId} complete for idempotency key ${idempotencyKey}: it was rolled back (claim is ${status})`);
    }
    const flipped = await this.table.tryUpdate(
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
    const committed = await this.table.tryUpdate(
      {
        Key: this.claimKey(idempotencyKey),
        UpdateExpression: 'SET #status = :complete, #completedAt = if_not_exists(#completedAt, :now)',
        // Only from `recording`: a rollback takes the claim out of it first, so a late commit cannot land.
        ConditionExpression: '#runId = :runId AND #status IN (:recording, :complete)',
        ExpressionAttributeNames: { '#status': 'status', '#completedAt': 'completedAt', '#runId': 'runId' },
        ExpressionAttributeValues: { ':complete': 'complete', ':recording': 'recording', ':now': this.now().toISOString(), ':runId': runId },
      },
      `claim ${idempotencyKey}`,
    );
    if (!committed) throw new HistoryConflictError(`cannot mark run ${runId} complete for idempotency key ${idempotencyKey}: a rollback took its claim`);
    await this.deleteMarker(idempotencyKey);
  }

  /**
   * The alerts waiting in `lane`'s outbox whose runs are committed, oldest run first. Entries of a run
   * still recording (or crashed, or rolled back) are left out: they are delivered with their run's
   * commit, or never if it is rolled back (its retry alerts again what it records).
   */
  async pendingAlerts(lane: string): Promise<PendingAlert[]> {
    const items = await this.table.queryAll(
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
        const claim = await this.getClaim(alert.idempotencyKey);
        committed.set(run, claimStatus(claim) === 'complete' && claim?.['runId'] === alert.runId);
      }
      if (committed.get(run) === true) pending.push(alert);
    }
    return pending;
  }

  /** Removes a delivered alert from its outbox. Idempotent. */
  async acknowledgeAlert(alert: Pick<PendingAlert, 'lane' | 'sk' | 'runId'>): Promise<void> {
    await this.table.tryDelete(
      {
        Key: { pk: historyKeys.outboxPk(alert.lane), sk: alert.sk },
        ConditionExpression: '#runId = :runId',
        ExpressionAttributeNames: { '#runId': 'runId' },
        ExpressionAttributeValues: { ':runId': alert.runId },
      },
      `${alert.lane} alert of run ${alert.runId}`,
    );
  }

  /**
   * Rolls back every run a crash left `recording` (or half rolled back): those the recording markers
   * point at (whatever their event) plus `options.idempotencyKey`'s, newest first. Call it at the start
   * of every run, before `loadOpenStates`: then at most one run is ever recording, the one a crash left
   * behind. With `singleConcurrency` every such claim is rolled back at once. Without it, a claim
   * younger than the lease may be alive: it is refused with `RunInProgressError` when it is
   * `options.idempotencyKey`'s, else it and every older claim are left for a later run (undoing an
   * older run under a live newer one would pull states from under it). Markers whose claim is gone,
   * complete or rolled back (a crash between two writes) are dropped. Returns what was undone, newest first.
   */
  async recoverCrashedRuns(options: RecoverOptions = {}): Promise<RollbackResult[]> {
    const markers = await this.table.queryAll(
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
      const claim = await this.getClaim(key);
      const status = claimStatus(claim);
      if (status === 'recording' || status === 'rolling-back') claims.push({ key, claim: claim as ClaimItem });
      // Only markers that exist: the key of the run about to start usually has none, and a write costs.
      else if (marked.has(key)) await this.deleteMarker(key);
    }
    // Newest first: each rollback then finds the states its own run wrote still carrying its run id.
    const order = (claim: { key: string; claim: ClaimItem }) => `${String(claim.claim['startedAt'])}\u0000${claim.key}`;
    claims.sort((a, b) => (order(a) < order(b) ? 1 : order(a) > order(b) ? -1 : 0));
    const results: RollbackResult[] = [];
    for (const { key, claim } of claims) {
      if (!options.singleConcurrency && key !== options.idempotencyKey && this.mayBeAlive(claim)) break;
      const result = await this.rollbackClaim(key, claim, options);
      if (result.rolledBack) results.push({ ...result, idempotencyKey: key });
    }
    return results;
  }

  /**
   * Undoes a run that crashed before `markRunComplete` (see the class documentation): restores and
   * fences every state it may have written, fences its transitions, run item and outbox entries, then
   * marks the claim `rolled-back` and drops its marker, so the next attempt starts afresh. Refuses
   * (`RunInProgressError`) while the claim is younger than the lease, since its run may still be
   * alive, unless the caller states `singleConcurrency`; does nothing for an absent, complete or
   * rolled-back claim. Safe to repeat after a crash of its own, and against writes of the run landing
   * during or after it.
   */
  async rollbackRun(idempotencyKey: string, options: RollbackOptions = {}): Promise<RollbackResult> {
    const claim = await this.getClaim(idempotencyKey);
    const status = claimStatus(claim);
    if (claim === undefined || (status !== 'recording' && status !== 'rolling-back')) {
      return { rolledBack: false, statesRestored: 0, transitionsDeleted: 0 };
    }
    return this.rollbackClaim(idempotencyKey, claim, options);
  }

  /** A `recording` claim inside the lease may belong to a live invocation; a rollback already under way is resumed. */
  private mayBeAlive(claim: ClaimItem): boolean {
    return claimStatus(claim) === 'recording' && this.now().getTime() - Date.parse(String(claim['claimedAt'])) < this.leaseMs;
  }

  /** `rollbackRun` on a claim already read and known to be `recording` or `rolling-back`. */
  private async rollbackClaim(idempotencyKey: string, claim: ClaimItem, options: RollbackOptions): Promise<RollbackResult> {
    const runId = String(claim['runId']);
    const notRolledBack = { rolledBack: false, runId, statesRestored: 0, transitionsDeleted: 0 } as const;
    if (!options.singleConcurrency && this.mayBeAlive(claim)) {
      throw new RunInProgressError(
        `cannot roll back run ${runId} for idempotency key ${idempotencyKey}: claimed at ${String(claim['claimedAt'])}, within the ${this.leaseMs} ms lease, so it may still be running`,
        runId,
      );
    }

    // 1. Out of `recording` first: from here a commit of the crashed run (a late markRunComplete) is refused.
    const taken = await this.table.tryUpdate(
      {
        Key: this.claimKey(idempotencyKey),
        UpdateExpression: 'SET #status = :rollingBack',
        ConditionExpression: '#runId = :runId AND #status IN (:recording, :rollingBack)',
        ExpressionAttributeNames: { '#status': 'status', '#runId': 'runId' },
        ExpressionAttributeValues: { ':rollingBack': 'rolling-back', ':recording': 'recording', ':runId': runId },
      },
      `claim ${idempotencyKey}`,
    );
    if (!taken) {
      // Committed after all (its commit landed first), already rolled back, or claimed anew: nothing to undo.
      await this.deleteMarker(idempotencyKey);
      return notRolledBack;
    }

    // 2. Everything the run may have written: its plan, plus what the indexes show (claims without a plan).
    const plan = mergePlans(await this.readPlan(idempotencyKey, runId), await this.discoverWrites(claim, runId));
    const now = this.now();

    // 3. States back as they were, each fenced against the run; transitions, run item and alerts fenced.
    let statesRestored = 0;
    await settleAll(plan.states, this.limit, async (id) => {
      if ((await rollbackState(this.table, id, runId, now, this.retentionDays)) === 'restored') statesRestored += 1;
    });
    let transitionsDeleted = 0;
    await settleAll(plan.transitions, this.limit, async (key) => {
      if ((await fenceRunItem(this.table, key, runId, now, this.retentionDays, `transition ${key.sk} of ${key.pk}`)) === 'replaced') transitionsDeleted += 1;
    });
    const runSk = String(claim['runSk']);
    const owned: ItemKey[] = [
      ...[...stringSet(claim['alertLanes'])].map((lane) => ({ pk: historyKeys.outboxPk(lane), sk: runSk })),
      { pk: String(claim['runPk']), sk: runSk },
    ];
    await settleAll(owned, this.limit, (key) => fenceRunItem(this.table, key, runId, now, this.retentionDays, `item ${key.pk} ${key.sk} of run ${runId}`));

    // 4. The claim may be taken again, by any run but this one; then the marker goes.
    await this.table.tryUpdate(
      {
        Key: this.claimKey(idempotencyKey),
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
    await this.deleteMarker(idempotencyKey);
    return { rolledBack: true, runId, statesRestored, transitionsDeleted };
  }

  /** Takes the claim, or tells a duplicate or a resumable claim of the same run apart. */
  private async claim(
    run: RunSummary,
    transitions: readonly Transition[],
    alertLanes: readonly string[],
    idempotencyKey: string,
  ): Promise<{ duplicate: true; runId: string } | { duplicate: false; resumed: boolean }> {
    const environments = distinct([...run.environments, ...transitions.map((t) => t.finding.environment)]);
    const transitionTimes = distinct(transitions.map((t) => t.at));
    const key = this.claimKey(idempotencyKey);
    // The marker goes first, so no claim is ever `recording` without one. Recovery reads the claim
    // it points at, not the marker's run id, so overwriting a marker of the same key is harmless.
    await this.table.put(
      {
        Item: {
          ...this.markerKey(idempotencyKey),
          itemType: 'recording',
          idempotencyKey,
          runId: run.runId,
          startedAt: run.startedAt,
          expiresAt: expiresAt(run.startedAt, this.retentionDays),
        },
      },
      `recording marker of ${idempotencyKey}`,
    );
    // An update rather than a put: a rolled-back claim keeps the list of runs that may never take it again.
    const taken = await this.table.tryUpdate(
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
          ':claimedAt': this.now().toISOString(),
          ':environments': environments,
          ':times': transitionTimes,
          ':lanes': [...alertLanes],
          ':expiresAt': expiresAt(run.startedAt, this.retentionDays),
        },
      },
      `claim ${idempotencyKey}`,
    );
    if (taken) return { duplicate: false, resumed: false };

    const existing = await this.getClaim(idempotencyKey);
    if (existing === undefined) {
      // Released between our write and our read (a concurrent rollback): let the caller re-drive.
      throw new RunInProgressError(`claim ${idempotencyKey} changed while run ${run.runId} was taking it`, run.runId);
    }
    const owner = String(existing['runId']);
    const status = claimStatus(existing);
    if (status === 'complete') {
      await this.deleteMarker(idempotencyKey);
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
    await this.table.update(
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

  /** Writes the run's plan; a resumed run keeps what its earlier attempt planned as well. */
  private async writePlan(idempotencyKey: string, run: RunSummary, plan: RunPlan, resumed: boolean): Promise<void> {
    const full = resumed ? mergePlans(plan, await this.readPlan(idempotencyKey, run.runId)) : plan;
    await this.table.batchPut(planItems(full, idempotencyKey, run, this.retentionDays), `plan of run ${run.runId}`, {
      limit: this.limit,
      maxAttempts: this.maxBatchAttempts,
      sleep: this.sleep,
    });
  }

  private async readPlan(idempotencyKey: string, runId: string): Promise<RunPlan> {
    const items = await this.table.queryAll(
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

  /**
   * What the indexes show the run wrote: its transitions (from `byEnvironment`, at each of its
   * transition times) and the open states carrying its run id. Covers claims recorded before plans
   * existed; with a plan it adds nothing.
   */
  private async discoverWrites(claim: ClaimItem, runId: string): Promise<RunPlan> {
    const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
    const transitions: Record<string, unknown>[] = [];
    for (const environment of list(claim['environments'])) {
      for (const at of list(claim['transitionTimes'])) {
        transitions.push(
          ...(await this.table.queryAll(
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
    const openTouched = await this.table.queryAll(
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

  /** First write of an item only this run writes (run item, transition, outbox entry): absent, or already its own. */
  private async putOwn<T extends { readonly runId: string }>(item: T, what: string): Promise<void> {
    const size = itemSizeBytes(item as Record<string, unknown>);
    if (size > DYNAMODB_ITEM_LIMIT_BYTES) {
      throw new HistoryWriteError(
        `cannot write ${what} to table ${this.tableName}: it takes ${size} bytes, over DynamoDB's ${DYNAMODB_ITEM_LIMIT_BYTES}-byte item limit`,
      );
    }
    const applied = await this.table.tryPut(
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

  private claimKey(idempotencyKey: string): ItemKey {
    return { pk: historyKeys.claimPk(idempotencyKey), sk: historyKeys.claimSk };
  }

  private markerKey(idempotencyKey: string): ItemKey {
    return { pk: historyKeys.recordingPk, sk: historyKeys.recordingSk(idempotencyKey) };
  }

  /** Drops the recording marker of a key; unconditional, since only its claim says what it is worth. */
  private async deleteMarker(idempotencyKey: string): Promise<void> {
    await this.table.delete({ Key: this.markerKey(idempotencyKey) }, `recording marker of ${idempotencyKey}`);
  }

  private async getClaim(idempotencyKey: string): Promise<ClaimItem | undefined> {
    return this.table.get(this.claimKey(idempotencyKey), `claim ${idempotencyKey}`);
  }
}

/** A claim item's status; claims written before rollbacks kept one are `recording` or `complete`. */
function claimStatus(claim: ClaimItem | undefined): ClaimStatus | undefined {
  if (claim === undefined) return undefined;
  const status = claim['status'];
  return status === 'complete' || status === 'rolling-back' || status === 'rolled-back' ? status : 'recording';
}
