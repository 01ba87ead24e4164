import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { alertSinks } from '../sinks/alerts/alert-outbox.js';
import { HistorySink } from '../sinks/history/history-sink.js';
import type { HistoryStore } from '../sinks/history/history-store.js';
import { DEFAULT_REMINDER_OPTIONS, type ReminderOptions } from '../sinks/reminders/reminder-message.js';
import { ReminderSink } from '../sinks/reminders/reminder-sink.js';
import { ReportSink } from '../sinks/report/report-sink.js';
import type { RunSink } from '../sinks/run-sink.js';

/** The clients and names the standard sinks are built from (a subset of the audit's dependencies). */
export interface StandardSinkDependencies {
  readonly s3: S3Client;
  readonly sns: SNSClient;
  readonly history: HistoryStore;
  readonly bucket: string;
  readonly reportPrefix: string;
  readonly topicArn: string;
  readonly chatbotTopicArn?: string;
  readonly region?: string;
  /** The audit's clock: when a reminder was delivered. */
  readonly clock?: () => Date;
  /**
   * The daily digest of long-open drift and the expiring-exception announcements, on the alerts
   * topic; `false` turns them off. @default DEFAULT_REMINDER_OPTIONS (7 days, 7 days)
   */
  readonly reminders?: ReminderOptions | false;
}

/**
 * What a scheduled run produces, in stage order: the S3 reports (written first, so the alert links
 * them), the DynamoDB history (records the run with every lane's entry), the alerts topic, then
 * Chatbot when it is configured (delivered after the topic, as before sinks existed), then the reminders
 * unless they are turned off. Add a sink by
 * appending it: `[...standardRunSinks(deps), mySink]`.
 */
export function standardRunSinks(deps: StandardSinkDependencies): RunSink[] {
  const reminders = deps.reminders ?? DEFAULT_REMINDER_OPTIONS;
  return [
    new ReportSink({
      s3: deps.s3,
      bucket: deps.bucket,
      reportPrefix: deps.reportPrefix,
      ...(deps.region === undefined ? {} : { region: deps.region }),
      // The HTML report's timeline: the last days of this table's history per region.
      timeline: { queries: deps.history.queries() },
    }),
    new HistorySink(deps.history),
    ...alertSinks(deps.sns, { topic: deps.topicArn, ...(deps.chatbotTopicArn === undefined ? {} : { chatbot: deps.chatbotTopicArn }) }),
    ...(reminders === false
      ? []
      : [
          new ReminderSink({
            sns: deps.sns,
            topicArn: deps.topicArn,
            outbox: deps.history,
            log: deps.history.reminders(),
            options: reminders,
            ...(deps.clock === undefined ? {} : { now: deps.clock }),
          }),
        ]),
  ];
}
