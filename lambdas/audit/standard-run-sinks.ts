import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { alertSinks } from '../sinks/alerts/alert-outbox.js';
import { HistorySink } from '../sinks/history/history-sink.js';
import type { HistoryStore } from '../sinks/history/history-store.js';
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
}

/**
 * What a scheduled run produces, in stage order: the S3 reports (written first, so the alert links
 * them), the DynamoDB history (records the run with every lane's entry), the alerts topic, then
 * Chatbot when it is configured (delivered after the topic, as before sinks existed). Add a sink by
 * appending it: `[...standardRunSinks(deps), mySink]`.
 */
export function standardRunSinks(deps: StandardSinkDependencies): RunSink[] {
  return [
    new ReportSink({ s3: deps.s3, bucket: deps.bucket, reportPrefix: deps.reportPrefix, ...(deps.region === undefined ? {} : { region: deps.region }) }),
    new HistorySink(deps.history),
    ...alertSinks(deps.sns, { topic: deps.topicArn, ...(deps.chatbotTopicArn === undefined ? {} : { chatbot: deps.chatbotTopicArn }) }),
  ];
}
