import { SEVERITIES } from '../../engine/model.js';

/**
 * The single-table design of the DynamoDB history, shared by the CDK construct (which creates the
 * table and its indexes) and the history store (which reads and writes it), so the two cannot drift.
 *
 * | question users ask                          | served by                                   |
 * |---------------------------------------------|---------------------------------------------|
 * | what drifted in eu-west-1 in the last 30d?  | `byRegion`: REGION#r, sorted by time        |
 * | when did DB_TIMEOUT change, anywhere?       | `byKey`: KEY#k, sorted by time              |
 * | what happened in production-eu?             | `byEnvironment`: ENV#e, sorted by time      |
 * | what is open right now, worst first?        | `open`: sparse, only open finding states    |
 * | the whole life of one finding               | base table: FINDING#id, one item per move   |
 * | recent runs and their status                | base table: RUN#yyyy-mm, sorted by start    |
 */
export const HISTORY_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  indexes: {
    byRegion: { partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    byKey: { partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    byEnvironment: { partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    open: { partitionKey: 'openpk', sortKey: 'opensk' },
  },
} as const;

/** Name of one of the history table's global secondary indexes. */
export type HistoryIndexName = keyof typeof HISTORY_TABLE_SCHEMA.indexes;

/**
 * Item layout (every key attribute is a string; `expiresAt` is epoch seconds):
 *
 * | item             | pk               | sk                      | indexes                                   | TTL      |
 * |------------------|------------------|-------------------------|-------------------------------------------|----------|
 * | transition       | FINDING#id       | T#at#kind               | gsi1 REGION#r / at#id, gsi2 KEY#k / at#env, gsi3 ENV#e / at#id | yes |
 * | finding state    | FINDING#id       | STATE                   | open OPEN / rank#env#id while open        | resolved only |
 * | run              | RUN#yyyy-mm      | startedAt#runId         | -                                         | yes      |
 * | idempotency claim| IDEMP#key        | CLAIM                   | -                                         | yes      |
 * | run plan chunk   | IDEMP#key        | PLAN#runId#nnnn         | -                                         | yes      |
 * | recording marker | RECORDING        | <idempotency key>       | -                                         | yes      |
 * | pending alert    | OUTBOX#lane      | startedAt#runId         | -                                         | yes      |
 * | sent reminder    | REMINDERS        | DAY#yyyy-mm-dd#runId    | -                                         | yes      |
 * | fence            | (a rolled-back run's item key) | (same)    | -                                         | yes      |
 *
 * A plan lists every item key a run may write (its states and transitions), written before any of
 * them, so a rollback can fence even writes that have not landed yet. A fence (`itemType: 'fence'`)
 * replaces an item of a rolled-back run, or marks a state with `fencedRuns`: writes of a fenced run
 * are refused by their condition. Pending alerts wait in the outbox until delivered.
 *
 * Times are `Date#toISOString()` (fixed width, UTC), so string order is time order and a time range
 * is a `BETWEEN` on the sort key.
 */
export const historyKeys = {
  /** Partition of one finding: its state and one item per transition. */
  findingPk: (findingId: string): string => `FINDING#${findingId}`,
  /** Sort key of a finding's current state. */
  stateSk: 'STATE',
  /** Sort-key prefix shared by a finding's transitions. */
  transitionPrefix: 'T#',
  /** Sort key of one transition; a run makes at most one per finding, so it is unique. */
  transitionSk: (at: string, kind: string): string => `T#${at}#${kind}`,
  /** Runs are partitioned by month of their start, so "recent runs" is one Query per month. */
  runPk: (startedAt: string): string => `RUN#${startedAt.slice(0, 7)}`,
  /** Sort key of a run: start time first, so a month's runs sort by time. */
  runSk: (startedAt: string, runId: string): string => `${startedAt}#${runId}`,
  /** Sort-key prefix of the plan chunks of one run. */
  planPrefix: (runId: string): string => `PLAN#${runId}#`,
  /** Sort key of one plan chunk of a run. */
  planSk: (runId: string, index: number): string => `PLAN#${runId}#${String(index).padStart(4, '0')}`,
  /** Partition of the alerts waiting for one destination (`topic`, `chatbot`), oldest run first. */
  outboxPk: (lane: string): string => `OUTBOX#${lane}`,
  /** The one partition of sent reminders (a few a day at most, each expiring with the retention). */
  reminderPk: 'REMINDERS',
  /** Sort key of a sent reminder: its day first, so a range of days is a `BETWEEN`. */
  reminderSk: (day: string, runId: string): string => `DAY#${day}#${runId}`,
  /** Partition of an idempotency claim (one per scheduled event). */
  claimPk: (idempotencyKey: string): string => `IDEMP#${idempotencyKey}`,
  /** Sort key of an idempotency claim. */
  claimSk: 'CLAIM',
  /**
   * The one partition of recording markers: one item per claim still `recording`, so the claims a
   * crash left behind are one strongly consistent Query away (never a Scan).
   */
  recordingPk: 'RECORDING',
  /** Sort key of a recording marker: the idempotency key of its claim. */
  recordingSk: (idempotencyKey: string): string => idempotencyKey,
  /** `byRegion` partition; findings without a region go to `REGION#unknown`. */
  regionPk: (region: string | undefined): string => `REGION#${region ?? UNKNOWN_REGION}`,
  /** `byKey` partition. */
  keyPk: (key: string): string => `KEY#${key}`,
  /** `byEnvironment` partition. */
  environmentPk: (environment: string): string => `ENV#${environment}`,
  /** `byRegion` and `byEnvironment` sort key. */
  timeAndIdSk: (at: string, findingId: string): string => `${at}#${findingId}`,
  /** `byKey` sort key. */
  timeAndEnvironmentSk: (at: string, environment: string): string => `${at}#${environment}`,
  /** The one partition of the sparse `open` index: a few thousand open findings fit it easily. */
  openPk: 'OPEN',
  /**
   * `open` sort key: severity rank inverted (`0` critical ... `4` info), then environment and id, so
   * an ascending Query returns the worst first.
   */
  openSk: (severityRankFromLowest: number, environment: string, findingId: string): string =>
    `${SEVERITIES.length - 1 - severityRankFromLowest}#${environment}#${findingId}`,
  /** Upper bound that sorts after every `<time>#...` sort key starting with the same time. */
  rangeEnd: (time: string): string => `${time}#\uffff`,
} as const;

/**
 * Every DynamoDB action `HistoryStore` sends, the exact grant of the audit role on the table (Query
 * also on its indexes). Kept beside the layout so the construct grants what the store uses: a missing
 * `DeleteItem` would leave a crashed run impossible to roll back, an unused action is access nobody needs.
 */
export const HISTORY_WRITER_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:Query',
  'dynamodb:UpdateItem',
] as const;

/** Region recorded for findings whose environment declares none. */
export const UNKNOWN_REGION = 'unknown';
