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
