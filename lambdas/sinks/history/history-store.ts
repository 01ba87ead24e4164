import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BatchWriteCommandInput, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import type { RunSummary, Transition } from '../../engine/model.js';
import type { HistoryDocumentClient } from './dynamo-operations.js';
import {
  describeError,
  distinct,
  expressionAttributes,
  isConditionFailure,
  queryAllPages,
  writeError,
} from './dynamo-operations.js';
import { HistoryConflictError, HistoryReadError, HistoryWriteError, RunInProgressError } from './history-errors.js';
import type { RecordingStatus } from './history-items.js';
import {
  DEFAULT_RETENTION_DAYS,
  expiresAt,
  fromStateItem,
  toStateAttributes,
  toTransitionItem,
} from './history-items.js';
import { HISTORY_TABLE_SCHEMA, historyKeys } from './table-schema.js';

export type { HistoryDocumentClient } from './dynamo-operations.js';

/** How a `HistoryStore` reaches its table and how long history is kept. */
export interface HistoryStoreOptions {
  readonly documentClient: HistoryDocumentClient;
  readonly tableName: string;
  /**
   * Days transitions, runs, idempotency claims and resolved states are kept before DynamoDB's TTL
   * removes them. Open states never expire.
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

/** Where an idempotency key stands: never seen, being recorded (or crashed), or recorded. */
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
      /** The idempotency key was already recorded completely: nothing was written; alert nothing. */
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

/** What `rollbackRun` undid. */
export interface RollbackResult {
  readonly rolledBack: boolean;
  readonly runId?: string;
  /** The idempotency key whose claim was rolled back (set by `recoverCrashedRuns`). */
  readonly idempotencyKey?: string;
  readonly statesRestored: number;
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

/**
 * The DynamoDB history of findings and runs: loads open finding states and records each run's
 * transitions and states, idempotently, with single-item conditional writes only (no
 * TransactWriteItems, which dynalite lacks and which would cap a run at 100 items).
 *
 * ## The crash and retry story
 * One scheduled event has one idempotency key (for example `<schedule>#<scheduled time>`). The audit
 * handler does:
 * ```
 * const claim = await store.status(key);
 * if (claim.state === 'complete') return;              // duplicate delivery: write nothing, alert nothing
 * // Any attempt that died mid-way (this event's or an earlier one's): undo it first.
 * await store.recoverCrashedRuns({ idempotencyKey: key, singleConcurrency: true });
 * const previous = await store.loadOpenStates();
 * const { transitions, next } = reconcile({ previous, current, runId, now, snapshots });
 * const result = await store.recordRun(run, transitions, next, key);
 * if (result.duplicate) return;                        // lost a race with another delivery
 * await publish(transitions);
 * await store.markRunComplete(key);
 * ```
 * `recordRun` writes in an order that keeps every prefix of its work discoverable and undoable:
 * 0. the recording marker `RECORDING` / `<key>`: the next run of any event finds the claim through it
 *    (one strongly consistent Query), so a crash is undone even when this event is never delivered again;
 * 1. the claim `IDEMP#<key>` (`attribute_not_exists`): a second delivery finds it. `complete` means
 *    duplicate (`{ duplicate: true }`, nothing written); `recording` under the same run id means an
 *    in-process retry of this very call, which resumes; under another run id, `RunInProgressError`.
 *    The claim lists the environments and transition times of the run, so its items can be found;
 * 2. the run item `RUN#<yyyy-mm>` / `<startedAt>#<runId>`, marked `recording`;
 * 3. the transitions `FINDING#<id>` / `T#<at>#<kind>`: batched on a fresh claim (no item of this
 *    run can exist yet: keys carry the run's time, and two runs never share a millisecond under
 *    reserved concurrency 1), conditional puts (`attribute_not_exists(pk) OR runId = this run`) on a
 *    resumed one, so a retry never doubles them;
 * 4. the states `FINDING#<id>` / `STATE`, each an update conditional on the `lastRunId` it was
 *    loaded with (optimistic concurrency) that also keeps the replaced state as `priorState`.
 *    Transitions go before states so that every state this run touched is reachable from the open
 *    index or from one of its transitions.
 *
 * `markRunComplete` flips claim and run item to `complete` once alerts are out, then drops the marker.
 * A crash anywhere before leaves the claim `recording` and its marker in place; the next run (a
 * Lambda retry of the same event a minute later, or the next scheduled event) calls
 * `recoverCrashedRuns`, which rolls back every marked claim: each touched state is restored from its
 * `priorState`, the run's transitions and run item are deleted, then the claim and its marker are
 * released. That run is then an ordinary first attempt against the estate as it is now, and alerts
 * the transitions the crashed attempt never confirmed. Under reserved concurrency 1 the caller says
 * so (`singleConcurrency`) and no lease applies: the lease starts when the claim is taken, after the
 * live read, so a retry a minute after a crash would otherwise still be inside it.
 * The one window that can alert twice is a crash between `publish` and `markRunComplete`: alerts are
 * at least once, history is exactly once.
 *
 * Index reads (open states, a run's transitions) are eventually consistent; runs an hour apart and
 * retries a minute or more after a crash are far outside that window.
 */
export class HistoryStore {
  readonly tableName: string;
  private readonly client: HistoryDocumentClient;
  private readonly retentionDays: number;
  private readonly leaseMs: number;
  private readonly now: () => Date;
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly maxBatchAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: HistoryStoreOptions) {
    this.client = options.documentClient;
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
    const items = await this.queryAll(
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
    if (item === undefined) return { state: 'absent' };
    return {
      state: item['status'] === 'complete' ? 'complete' : 'recording',
      runId: String(item['runId']),
      startedAt: String(item['startedAt']),
      claimedAt: String(item['claimedAt']),
      ...(typeof item['completedAt'] === 'string' ? { completedAt: item['completedAt'] } : {}),
    };
  }

  /**
   * Records one run: its claim, its run item, its transitions and the states it changed (those in
   * `next` whose `lastRunId` is `run.runId`; carried-over states are left exactly as they are).
   * Idempotent per `idempotencyKey`; see the class documentation for the order and the crash story.
   */
  async recordRun(
    run: RunSummary,
    transitions: readonly Transition[],
    next: readonly FindingState[],
    idempotencyKey: string,
  ): Promise<RecordRunResult> {
    const claim = await this.claim(run, transitions, idempotencyKey);
    if (claim.duplicate) return { duplicate: true, runId: claim.runId };

    await this.write(
      new PutCommand({
        TableName: this.tableName,
        Item: {
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
      }),
      `run ${run.runId}`,
    );

    const items = transitions.map((t) => toTransitionItem(t, run.runId, this.retentionDays));
    if (claim.resumed) {
      await Promise.all(items.map((item) => this.limit(() => this.putTransitionOnce(item))));
    } else {
      await this.batchPut(items, `transitions of run ${run.runId}`);
    }

    const changed = next.filter((state) => state.lastRunId === run.runId);
    await Promise.all(changed.map((state) => this.limit(() => this.writeState(state, run.runId))));

    return {
      duplicate: false,
      runId: run.runId,
      resumed: claim.resumed,
      transitionsWritten: items.length,
      statesWritten: changed.length,
    };
  }

  /**
   * Marks the run recorded under `idempotencyKey` complete (claim and run item): from now on a
   * delivery of the same event is a duplicate. Call it after alerts are published. Idempotent.
   */
  async markRunComplete(idempotencyKey: string): Promise<void> {
    const claim = await this.getClaim(idempotencyKey);
    if (claim === undefined) {
      throw new HistoryWriteError(`cannot mark run complete for idempotency key ${idempotencyKey}: no claim recorded`);
    }
    const completedAt = this.now().toISOString();
    await this.write(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: String(claim['runPk']), sk: String(claim['runSk']) },
        UpdateExpression: 'SET #recording = :complete',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#recording': 'recording', '#pk': 'pk' },
        ExpressionAttributeValues: { ':complete': 'complete' },
      }),
      `run item of run ${String(claim['runId'])}`,
    );
    await this.write(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: historyKeys.claimPk(idempotencyKey), sk: historyKeys.claimSk },
        UpdateExpression: 'SET #status = :complete, #completedAt = if_not_exists(#completedAt, :now)',
        ConditionExpression: '#runId = :runId',
        ExpressionAttributeNames: { '#status': 'status', '#completedAt': 'completedAt', '#runId': 'runId' },
        ExpressionAttributeValues: { ':complete': 'complete', ':now': completedAt, ':runId': claim['runId'] },
      }),
      `claim ${idempotencyKey}`,
    );
    await this.deleteMarker(idempotencyKey);
  }

  /**
   * Rolls back every run a crash left `recording`: those the recording markers point at (whatever
   * their event) plus `options.idempotencyKey`'s, newest first. Call it at the start of every run,
   * before `loadOpenStates`: then at most one run is ever recording, the one a crash left behind.
   * With `singleConcurrency` every such claim is rolled back at once. Without it, a claim younger than
   * the lease may be alive: it is refused with `RunInProgressError` when it is
   * `options.idempotencyKey`'s, else it and every older claim are left for a later run (undoing an
   * older run under a live newer one would pull states from under it). Markers whose claim is gone
   * or complete (a crash between two writes) are dropped. Returns what was undone, newest first.
   */
  async recoverCrashedRuns(options: RecoverOptions = {}): Promise<RollbackResult[]> {
    const markers = await this.queryAll(
      {
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': 'pk' },
        ExpressionAttributeValues: { ':pk': historyKeys.recordingPk },
        ConsistentRead: true,
      },
      'find runs still recording',
    );
    const keys = distinct([
      ...markers.map((marker) => String(marker['sk'])),
      ...(options.idempotencyKey === undefined ? [] : [options.idempotencyKey]),
    ]);
    const claims: { key: string; claim: Record<string, unknown> }[] = [];
    for (const key of keys) {
      const claim = await this.getClaim(key);
      if (claim === undefined || claim['status'] === 'complete') await this.deleteMarker(key);
      else claims.push({ key, claim });
    }
    // Newest first: each rollback then finds the states its own run wrote still carrying its run id.
    const order = (claim: { key: string; claim: Record<string, unknown> }) => `${String(claim.claim['startedAt'])}\u0000${claim.key}`;
    claims.sort((a, b) => (order(a) < order(b) ? 1 : order(a) > order(b) ? -1 : 0));
    const results: RollbackResult[] = [];
    for (const { key, claim } of claims) {
      if (!options.singleConcurrency && key !== options.idempotencyKey && this.withinLease(claim)) break;
      results.push({ ...(await this.rollbackClaim(key, claim, options)), idempotencyKey: key });
    }
    return results;
  }

  /**
   * Undoes a run that crashed before `markRunComplete`: restores every state it touched to its
   * `priorState` (deleting states it created), deletes its transitions and run item, then releases
   * the claim and its recording marker so the next attempt starts afresh. Refuses
   * (`RunInProgressError`) while the claim is younger than the lease, since its run may still be
   * alive, unless the caller states `singleConcurrency`; does nothing for an absent or complete
   * claim. Safe to repeat after a crash of its own.
   */
  async rollbackRun(idempotencyKey: string, options: RollbackOptions = {}): Promise<RollbackResult> {
    const claim = await this.getClaim(idempotencyKey);
    if (claim === undefined || claim['status'] === 'complete') {
      return { rolledBack: false, statesRestored: 0, transitionsDeleted: 0 };
    }
    return this.rollbackClaim(idempotencyKey, claim, options);
  }

  private withinLease(claim: Record<string, unknown>): boolean {
    return this.now().getTime() - Date.parse(String(claim['claimedAt'])) < this.leaseMs;
  }

  /** `rollbackRun` on a claim already read and known to be `recording`. */
  private async rollbackClaim(idempotencyKey: string, claim: Record<string, unknown>, options: RollbackOptions): Promise<RollbackResult> {
    const runId = String(claim['runId']);
    if (!options.singleConcurrency && this.withinLease(claim)) {
      throw new RunInProgressError(
        `cannot roll back run ${runId} for idempotency key ${idempotencyKey}: claimed at ${String(claim['claimedAt'])}, within the ${this.leaseMs} ms lease, so it may still be running`,
        runId,
      );
    }

    const transitionKeys = await this.findRunTransitions(claim, runId);
    const openTouched = await this.queryAll(
      {
        IndexName: 'open',
        KeyConditionExpression: '#openpk = :open',
        FilterExpression: '#lastRunId = :runId',
        ExpressionAttributeNames: { '#openpk': HISTORY_TABLE_SCHEMA.indexes.open.partitionKey, '#lastRunId': 'lastRunId' },
        ExpressionAttributeValues: { ':open': historyKeys.openPk, ':runId': runId },
      },
      `find states written by run ${runId}`,
    );
    const findingIds = new Set<string>([
      ...openTouched.map((item) => String(item['findingId'])),
      ...transitionKeys.map((item) => String(item['findingId'])),
    ]);
    const restored = await Promise.all(
      [...findingIds].sort().map((id) => this.limit(() => this.restoreState(id, runId))),
    );

    await Promise.all(
      transitionKeys.map((item) =>
        this.limit(() =>
          this.deleteIfRun({ pk: String(item['pk']), sk: String(item['sk']) }, runId, `transition ${String(item['sk'])}`),
        ),
      ),
    );
    await this.deleteIfRun({ pk: String(claim['runPk']), sk: String(claim['runSk']) }, runId, `run item of run ${runId}`);
    await this.deleteIfRun(
      { pk: historyKeys.claimPk(idempotencyKey), sk: historyKeys.claimSk },
      runId,
      `claim ${idempotencyKey}`,
    );
    // After the claim: a crash in between leaves a marker without a claim, which recovery drops.
    await this.deleteMarker(idempotencyKey);
    return {
      rolledBack: true,
      runId,
      statesRestored: restored.filter(Boolean).length,
      transitionsDeleted: transitionKeys.length,
    };
  }

  /** Takes the claim, or tells a duplicate or a resumable claim of the same run apart. */
  private async claim(
    run: RunSummary,
    transitions: readonly Transition[],
    idempotencyKey: string,
  ): Promise<{ duplicate: true; runId: string } | { duplicate: false; resumed: boolean }> {
    const environments = distinct([...run.environments, ...transitions.map((t) => t.finding.environment)]);
    const transitionTimes = distinct(transitions.map((t) => t.at));
    const key = { pk: historyKeys.claimPk(idempotencyKey), sk: historyKeys.claimSk };
    // The marker goes first, so no claim is ever `recording` without one. Recovery reads the claim
    // it points at, not the marker's run id, so overwriting a marker of the same key is harmless.
    await this.write(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...this.markerKey(idempotencyKey),
          itemType: 'recording',
          idempotencyKey,
          runId: run.runId,
          startedAt: run.startedAt,
          expiresAt: expiresAt(run.startedAt, this.retentionDays),
        },
      }),
      `recording marker of ${idempotencyKey}`,
    );
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key,
            itemType: 'claim',
            idempotencyKey,
            runId: run.runId,
            startedAt: run.startedAt,
            runPk: historyKeys.runPk(run.startedAt),
            runSk: historyKeys.runSk(run.startedAt, run.runId),
            status: 'recording',
            claimedAt: this.now().toISOString(),
            environments,
            transitionTimes,
            expiresAt: expiresAt(run.startedAt, this.retentionDays),
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      );
      return { duplicate: false, resumed: false };
    } catch (error) {
      if (!isConditionFailure(error)) throw writeError(`claim ${idempotencyKey}`, this.tableName, error);
    }
    const existing = await this.getClaim(idempotencyKey);
    if (existing === undefined) {
      // Released between our put and our read (a concurrent rollback): let the caller re-drive.
      throw new RunInProgressError(`claim ${idempotencyKey} changed while run ${run.runId} was taking it`, run.runId);
    }
    const owner = String(existing['runId']);
    if (existing['status'] === 'complete') {
      await this.deleteMarker(idempotencyKey);
      return { duplicate: true, runId: owner };
    }
    if (owner !== run.runId) {
      throw new RunInProgressError(
        `cannot record run ${run.runId}: idempotency key ${idempotencyKey} is claimed by run ${owner}, still recording (roll it back once its lease has passed)`,
        owner,
      );
    }
    // Resuming our own run: widen what the claim says to look for, in case this attempt's plan differs.
    const asList = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
    await this.write(
      new UpdateCommand({
        TableName: this.tableName,
        Key: key,
        UpdateExpression: 'SET #environments = :environments, #times = :times',
        ConditionExpression: '#runId = :runId AND #status = :recording',
        ExpressionAttributeNames: {
          '#environments': 'environments',
          '#times': 'transitionTimes',
          '#runId': 'runId',
          '#status': 'status',
        },
        ExpressionAttributeValues: {
          ':environments': distinct([...asList(existing['environments']), ...environments]),
          ':times': distinct([...asList(existing['transitionTimes']), ...transitionTimes]),
          ':runId': run.runId,
          ':recording': 'recording',
        },
      }),
      `claim ${idempotencyKey}`,
    );
    return { duplicate: false, resumed: true };
  }

  /** A transition put that a retry can repeat: it never overwrites another run's item. */
  private async putTransitionOnce(item: ReturnType<typeof toTransitionItem>): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(#pk) OR #runId = :runId',
          ExpressionAttributeNames: { '#pk': 'pk', '#runId': 'runId' },
          ExpressionAttributeValues: { ':runId': item.runId },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new HistoryConflictError(
          `cannot record transition ${item.sk} of finding ${item.findingId} for run ${item.runId}: another run recorded the same transition at the same time`,
          { cause: error },
        );
      }
      throw writeError(`transition ${item.sk} of finding ${item.findingId}`, this.tableName, error);
    }
  }

  /**
   * Writes one state conditionally on the run that last wrote it, keeping what it replaces as
   * `priorState`. A retry of this run (the item already says `lastRunId = runId`) rewrites the
   * state but keeps the first attempt's `priorState`, which is the one a rollback needs.
   */
  private async writeState(state: FindingState, runId: string): Promise<void> {
    const attributes = toStateAttributes(state, runId, this.retentionDays);
    const names: Record<string, string> = { '#pk': 'pk', '#priorState': 'priorState' };
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
    const firstCondition =
      state.previousRunId === undefined
        ? 'attribute_not_exists(#pk) OR attribute_not_exists(#lastRunId) OR #status = :resolved'
        : '#lastRunId = :previousRunId';
    const key = { pk: historyKeys.findingPk(state.id), sk: historyKeys.stateSk };
    const attempt = (updateExpression: string, condition: string) =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: updateExpression,
          ConditionExpression: condition,
          ...expressionAttributes([updateExpression, condition], names, values),
        }),
      );
    try {
      // Operands read the item as it was before this update, so priorState gets the replaced state.
      await attempt(`${update.replace(/^SET /, 'SET #priorState = if_not_exists(#state, :noPrior), ')}`, firstCondition);
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw writeError(`state of finding ${state.id}`, this.tableName, error);
    }
    try {
      await attempt(update, '#lastRunId = :runId');
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new HistoryConflictError(
          `cannot record state of finding ${state.id} for run ${runId}: it changed since it was loaded (expected last run ${state.previousRunId ?? 'none'}); not overwritten`,
          { cause: error },
        );
      }
      throw writeError(`state of finding ${state.id}`, this.tableName, error);
    }
  }

  /** Puts a state back as it was before `runId`; false when `runId` did not write it. */
  private async restoreState(findingId: string, runId: string): Promise<boolean> {
    const key = { pk: historyKeys.findingPk(findingId), sk: historyKeys.stateSk };
    const current = await this.read(
      () => this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
      `state of finding ${findingId}`,
    );
    const item = current.Item;
    if (item === undefined || item['lastRunId'] !== runId) return false;
    const prior = JSON.parse(typeof item['priorState'] === 'string' ? item['priorState'] : 'null') as FindingState | null;
    if (prior === null) {
      await this.deleteIfRun(key, runId, `state of finding ${findingId}`, 'lastRunId');
      return true;
    }
    const attributes = toStateAttributes(prior, prior.lastRunId ?? '', this.retentionDays);
    await this.write(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...key, ...attributes },
        ConditionExpression: '#lastRunId = :runId',
        ExpressionAttributeNames: { '#lastRunId': 'lastRunId' },
        ExpressionAttributeValues: { ':runId': runId },
      }),
      `state of finding ${findingId}`,
    );
    return true;
  }

  /** Keys of the transitions `runId` wrote, from the `byEnvironment` index at each of its transition times. */
  private async findRunTransitions(claim: Record<string, unknown>, runId: string): Promise<Record<string, unknown>[]> {
    const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
    const found: Record<string, unknown>[] = [];
    for (const environment of list(claim['environments'])) {
      for (const at of list(claim['transitionTimes'])) {
        const items = await this.queryAll(
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
        );
        found.push(...items);
      }
    }
    return found;
  }

  private async deleteIfRun(
    key: { pk: string; sk: string },
    runId: string,
    what: string,
    attribute: 'runId' | 'lastRunId' = 'runId',
  ): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'attribute_not_exists(#pk) OR #owner = :runId',
          ExpressionAttributeNames: { '#pk': 'pk', '#owner': attribute },
          ExpressionAttributeValues: { ':runId': runId },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new HistoryConflictError(`cannot roll back ${what}: it no longer belongs to run ${runId}`, { cause: error });
      }
      throw writeError(what, this.tableName, error);
    }
  }

  private markerKey(idempotencyKey: string): { pk: string; sk: string } {
    return { pk: historyKeys.recordingPk, sk: historyKeys.recordingSk(idempotencyKey) };
  }

  /** Drops the recording marker of a key; unconditional, since only its claim says what it is worth. */
  private async deleteMarker(idempotencyKey: string): Promise<void> {
    await this.write(
      new DeleteCommand({ TableName: this.tableName, Key: this.markerKey(idempotencyKey) }),
      `recording marker of ${idempotencyKey}`,
    );
  }

  private async getClaim(idempotencyKey: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.read(
      () =>
        this.client.send(
          new GetCommand({
            TableName: this.tableName,
            Key: { pk: historyKeys.claimPk(idempotencyKey), sk: historyKeys.claimSk },
            ConsistentRead: true,
          }),
        ),
      `claim ${idempotencyKey}`,
    );
    return out.Item;
  }

  /** BatchWriteItem in chunks of 25, retrying unprocessed items with exponential backoff. */
  private async batchPut(items: readonly object[], what: string): Promise<void> {
    type Requests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];
    const chunks: Requests[] = [];
    for (let i = 0; i < items.length; i += 25) {
      chunks.push(items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: { ...item } } })));
    }
    await Promise.all(
      chunks.map((chunk) =>
        this.limit(async () => {
          let pending: Requests = chunk;
          for (let attempt = 0; pending.length > 0; attempt += 1) {
            if (attempt >= this.maxBatchAttempts) {
              throw new HistoryWriteError(
                `cannot write ${what} to table ${this.tableName}: ${pending.length} items still unprocessed after ${attempt} attempts`,
              );
            }
            if (attempt > 0) await this.sleep(Math.min(50 * 2 ** attempt, 5_000));
            let out;
            try {
              out = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
            } catch (error) {
              throw writeError(what, this.tableName, error);
            }
            pending = out.UnprocessedItems?.[this.tableName] ?? [];
          }
        }),
      ),
    );
  }

  private async queryAll(input: Omit<QueryCommandInput, 'TableName'>, what: string): Promise<Record<string, unknown>[]> {
    return queryAllPages(this.client, { ...input, TableName: this.tableName }, what);
  }

  private async write(command: PutCommand | UpdateCommand | DeleteCommand, what: string): Promise<void> {
    try {
      // One send per type rather than one on the union: `send` is overloaded per command type.
      if (command instanceof PutCommand) await this.client.send(command);
      else if (command instanceof UpdateCommand) await this.client.send(command);
      else await this.client.send(command);
    } catch (error) {
      throw writeError(what, this.tableName, error);
    }
  }

  private async read<T>(operation: () => Promise<T>, what: string): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new HistoryReadError(`cannot read ${what} from table ${this.tableName}: ${describeError(error)}`, { cause: error });
    }
  }
}
