import pLimit from 'p-limit';
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import type { RunSummary, Transition } from '../../engine/model.js';
import { claimStatus, getClaim, type StoreContext } from './claim-items.js';
import { commitRun } from './claim-run.js';
import type { HistoryDocumentClient } from './dynamo-operations.js';
import type { PendingAlert, RecordingStatus } from './history-items.js';
import { DEFAULT_RETENTION_DAYS, fromStateItem } from './history-items.js';
import { acknowledgeAlert, pendingAlerts } from './outbox-lanes.js';
import { recordRun, type RecordRunOptions, type RecordRunResult } from './record-run.js';
import { HistoryQueries } from './history-queries.js';
import { ReminderLog } from './reminder-log.js';
import { recoverCrashedRuns, rollbackRun, type RecoverOptions, type RollbackOptions, type RollbackResult } from './roll-back-run.js';
import { HISTORY_TABLE_SCHEMA, historyKeys } from './table-schema.js';
import { TableWriter } from './table-writer.js';

export type { HistoryDocumentClient } from './dynamo-operations.js';
export type { OutboxMessage, PendingAlert } from './history-items.js';
export type { RecordRunOptions, RecordRunResult } from './record-run.js';
export type { RecoverOptions, RollbackOptions, RollbackResult } from './roll-back-run.js';

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
  private readonly documentClient: HistoryDocumentClient;
  /** The table and settings every part of the store (claims, recording, rollback, outbox) works with. */
  private readonly context: StoreContext;

  constructor(options: HistoryStoreOptions) {
    this.tableName = options.tableName;
    this.documentClient = options.documentClient;
    this.context = {
      table: new TableWriter(options.documentClient, options.tableName),
      tableName: options.tableName,
      retentionDays: options.retentionDays ?? DEFAULT_RETENTION_DAYS,
      leaseMs: options.leaseMs ?? 15 * 60_000,
      now: options.now ?? (() => new Date()),
      limit: pLimit(options.concurrency ?? 8),
      maxBatchAttempts: options.maxBatchAttempts ?? 8,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  /** The read side of the same table (timelines by region, key, environment), on the store's clock. */
  queries(): HistoryQueries {
    return new HistoryQueries({ documentClient: this.documentClient, tableName: this.tableName, now: this.context.now });
  }

  /** The reminders sent (daily digests, expiring exceptions), kept in the same table and retention. */
  reminders(): ReminderLog {
    return new ReminderLog(this.context.table, this.context.retentionDays);
  }

  /**
   * Every open finding state, worst severity first, from the sparse `open` index (a Query, paged
   * to the end; never a Scan).
   */
  async loadOpenStates(): Promise<FindingState[]> {
    const items = await this.context.table.queryAll(
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
    const item = await getClaim(this.context, idempotencyKey);
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
  recordRun(
    run: RunSummary,
    transitions: readonly Transition[],
    next: readonly FindingState[],
    idempotencyKey: string,
    options: RecordRunOptions = {},
  ): Promise<RecordRunResult> {
    return recordRun(this.context, run, transitions, next, idempotencyKey, options);
  }

  /**
   * Commits the run recorded under `idempotencyKey`: run item and claim flip to `complete`, so from
   * now on a delivery of the same event is a duplicate and the run's alerts may be delivered. Refused
   * (`HistoryConflictError`) once a rollback has started on the claim. Idempotent.
   */
  markRunComplete(idempotencyKey: string): Promise<void> {
    return commitRun(this.context, idempotencyKey);
  }

  /**
   * The alerts waiting in `lane`'s outbox whose runs are committed, oldest run first. Entries of a run
   * still recording (or crashed, or rolled back) are left out: they are delivered with their run's
   * commit, or never if it is rolled back (its retry alerts again what it records).
   */
  pendingAlerts(lane: string): Promise<PendingAlert[]> {
    return pendingAlerts(this.context, lane);
  }

  /** Removes a delivered alert from its outbox. Idempotent. */
  acknowledgeAlert(alert: Pick<PendingAlert, 'lane' | 'sk' | 'runId'>): Promise<void> {
    return acknowledgeAlert(this.context, alert);
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
  recoverCrashedRuns(options: RecoverOptions = {}): Promise<RollbackResult[]> {
    return recoverCrashedRuns(this.context, options);
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
  rollbackRun(idempotencyKey: string, options: RollbackOptions = {}): Promise<RollbackResult> {
    return rollbackRun(this.context, idempotencyKey, options);
  }
}
