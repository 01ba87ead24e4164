import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { auditLogChanges, decodeLogsPayload } from '../events/kubernetes-audit-log.js';
import { AUDIT_LOG_FORWARDER_ENV } from '../runtime/function-environment.js';

/** SQS takes at most 10 entries in one SendMessageBatch. */
const ENTRIES_PER_BATCH = 10;

/** What one invocation forwarded. */
export interface ForwardResult {
  readonly forwarded: number;
  readonly skipped: number;
}

/**
 * Forwards the Kubernetes writes of one CloudWatch Logs subscription delivery to the change queue.
 * A CloudWatch Logs subscription can deliver to Lambda, Kinesis or Firehose but not to SQS, hence
 * this small function between the cluster's audit log and the queue the audit function reads. Any
 * entry SQS refuses fails the invocation, so Lambda's asynchronous retries deliver the payload again
 * (duplicates are harmless: a targeted run of an unchanged object moves nothing).
 */
export async function forwardAuditLog(event: CloudWatchLogsEvent, sqs: SQSClient, queueUrl: string, region?: string): Promise<ForwardResult> {
  const { messages, skipped } = auditLogChanges(decodeLogsPayload(event.awslogs.data), region === undefined ? {} : { region });
  for (let i = 0; i < messages.length; i += ENTRIES_PER_BATCH) {
    const entries = messages.slice(i, i + ENTRIES_PER_BATCH).map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) }));
    const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const failed = out.Failed ?? [];
    if (failed.length > 0) {
      throw new Error(
        `SQS refused ${failed.length} of ${entries.length} change messages (${[...new Set(failed.map((entry) => entry.Code))].join(', ')}); the delivery is retried`,
      );
    }
  }
  return { forwarded: messages.length, skipped };
}

const logger = new Logger({ serviceName: process.env[AUDIT_LOG_FORWARDER_ENV.serviceName] ?? 'drift-audit-audit-log-forwarder' });
let client: SQSClient | undefined;

/** Lambda entry point (CloudWatch Logs subscription filter destination). */
export async function handler(event: CloudWatchLogsEvent): Promise<void> {
  const queueUrl = process.env[AUDIT_LOG_FORWARDER_ENV.changeQueueUrl];
  if (queueUrl === undefined || queueUrl === '')
    throw new Error(`environment variable ${AUDIT_LOG_FORWARDER_ENV.changeQueueUrl} is not set (the DriftAuditor construct sets it)`);
  client ??= new SQSClient({});
  const result = await forwardAuditLog(event, client, queueUrl, process.env.AWS_REGION);
  // Counts only: object names stay in the queue, never in the logs.
  logger.info('audit log delivery forwarded', { ...result });
}
