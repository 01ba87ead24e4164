/**
 * The reminders the audit sent, one item per delivered reminder in the history table, so a run knows
 * whether today's digest went out and which expiring exceptions were announced, and `drift-audit
 * history --reminders` can list them by day.
 */
import { expiresAt } from './history-items.js';
import { HISTORY_TABLE_SCHEMA, historyKeys } from './table-schema.js';
import type { TableWriter } from './table-writer.js';

/** One delivered reminder as history keeps it. */
export interface ReminderRecord {
  /** UTC day of the run that sent it. */
  readonly day: string;
  readonly runId: string;
  /** ISO 8601: when it was published. */
  readonly sentAt: string;
  /** Whether it was the day's digest of long-open drift. */
  readonly digest: boolean;
  /** Finding ids the digest listed. */
  readonly findings: readonly string[];
  /** Exception ids it announced as expiring. */
  readonly exceptions: readonly string[];
}

/** Reads and writes the reminder records of the history table. */
export class ReminderLog {
  constructor(
    private readonly table: TableWriter,
    private readonly retentionDays: number,
  ) {}

  /**
   * Records a delivered reminder. A put keyed by day and run: delivering the same outbox entry again
   * (at least once) rewrites the same item, never adds one.
   */
  async record(reminder: ReminderRecord): Promise<void> {
    await this.table.put(
      {
        Item: {
          pk: historyKeys.reminderPk,
          sk: historyKeys.reminderSk(reminder.day, reminder.runId),
          itemType: 'reminder',
          ...reminder,
          findings: [...reminder.findings],
          exceptions: [...reminder.exceptions],
          expiresAt: expiresAt(reminder.sentAt, this.retentionDays),
        },
      },
      `reminder of run ${reminder.runId}`,
    );
  }

  /** The reminders sent from `fromDay` through `toDay` (both `YYYY-MM-DD`), oldest first; strongly consistent. */
  async between(fromDay: string, toDay: string): Promise<ReminderRecord[]> {
    const items = await this.table.queryAll(
      {
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': HISTORY_TABLE_SCHEMA.partitionKey, '#sk': HISTORY_TABLE_SCHEMA.sortKey },
        ExpressionAttributeValues: {
          ':pk': historyKeys.reminderPk,
          ':from': historyKeys.reminderSk(fromDay, ''),
          ':to': historyKeys.reminderSk(toDay, '\uffff'),
        },
        ConsistentRead: true,
      },
      `read the reminders from ${fromDay} to ${toDay}`,
    );
    return items.filter((item) => item['itemType'] === 'reminder').map(fromReminderItem);
  }
}

function fromReminderItem(item: Record<string, unknown>): ReminderRecord {
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
  return {
    day: String(item['day']),
    runId: String(item['runId']),
    sentAt: String(item['sentAt']),
    digest: item['digest'] === true,
    findings: list(item['findings']),
    exceptions: list(item['exceptions']),
  };
}
