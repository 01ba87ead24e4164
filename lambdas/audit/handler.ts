import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import {
  AUDIT_FUNCTION_ENV,
  AUDIT_SCHEDULE_EVENT_SOURCE,
  DEFAULT_AUDIT_SERVICE_NAME,
  DEFAULT_METRICS_NAMESPACE,
  SUCCESS_METRIC_NAME,
  type AuditScheduleEvent,
} from '../../lib/audit-function-environment.js';
import { SEVERITIES } from '../engine/model.js';
import { HistoryStore } from '../sinks/history/history-store.js';
import { AwsClientFactory } from '../sources/aws/aws-client-factory.js';
import { DEFAULT_REQUEST_RATES, RequestBudget, SSM_GET_GROUP } from '../sources/aws/request-budget.js';
import { runAudit, type AuditDependencies, type AuditOutcome } from './run-audit.js';

const logger = new Logger({ serviceName: process.env[AUDIT_FUNCTION_ENV.serviceName] ?? DEFAULT_AUDIT_SERVICE_NAME });
const metrics = new Metrics({
  namespace: process.env[AUDIT_FUNCTION_ENV.metricsNamespace] ?? DEFAULT_METRICS_NAMESPACE,
  serviceName: process.env[AUDIT_FUNCTION_ENV.serviceName] ?? DEFAULT_AUDIT_SERVICE_NAME,
});

/**
 * The idempotency key of an invocation: a Scheduler redelivery of the same scheduled time carries the
 * same key (the execution id changes on every attempt, the scheduled time does not); a manual
 * invocation gets its request id.
 */
export function idempotencyKeyOf(event: unknown, context: Pick<Context, 'awsRequestId'>): string {
  const scheduled = event as Partial<AuditScheduleEvent> | null;
  if (scheduled?.source === AUDIT_SCHEDULE_EVENT_SOURCE && typeof scheduled.scheduledTime === 'string') {
    return `${scheduled.scheduleArn ?? 'schedule'}#${scheduled.scheduledTime}`;
  }
  return `manual#${context.awsRequestId}`;
}

/** Reads a required variable the stack sets. */
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set (the DriftAuditor construct sets it)`);
  return value;
}

/** The production wiring: clients from the Lambda's role, names from the construct's variables. */
export function dependenciesFromEnvironment(): AuditDependencies {
  const rps = Number(process.env[AUDIT_FUNCTION_ENV.ssmRequestsPerSecond]);
  const rates = Number.isFinite(rps) && rps > 0 ? { ...DEFAULT_REQUEST_RATES, [SSM_GET_GROUP]: rps } : DEFAULT_REQUEST_RATES;
  const chatbot = process.env[AUDIT_FUNCTION_ENV.chatbotTopicArn];
  const region = process.env.AWS_REGION;
  return {
    s3: new S3Client({}),
    sns: new SNSClient({}),
    history: new HistoryStore({
      documentClient: DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
      tableName: required(AUDIT_FUNCTION_ENV.historyTable),
    }),
    factory: new AwsClientFactory({ budget: new RequestBudget({ rates }) }),
    bucket: required(AUDIT_FUNCTION_ENV.baselineBucket),
    baselineKey: required(AUDIT_FUNCTION_ENV.baselineKey),
    reportPrefix: process.env[AUDIT_FUNCTION_ENV.reportPrefix] ?? 'reports/',
    statePrefix: process.env[AUDIT_FUNCTION_ENV.statePrefix] ?? 'state/',
    topicArn: required(AUDIT_FUNCTION_ENV.topicArn),
    ...(chatbot === undefined || chatbot === '' ? {} : { chatbotTopicArn: chatbot }),
    ...(region === undefined ? {} : { region }),
  };
}

/**
 * Runs one audit and records what it measured. Never logs a value: findings are counted, not printed
 * (the report in S3 holds them, already redacted).
 */
export async function handleAudit(event: unknown, context: Pick<Context, 'awsRequestId'>, deps: AuditDependencies): Promise<AuditOutcome> {
  const started = Date.now();
  const idempotencyKey = idempotencyKeyOf(event, context);
  logger.appendKeys({ idempotencyKey });
  try {
    const outcome = await runAudit({ idempotencyKey }, deps);
    if (outcome.kind === 'duplicate') {
      logger.info('duplicate delivery: this scheduled run was already recorded, nothing written or sent', { runId: outcome.runId });
      return outcome;
    }
    const { run } = outcome;
    metrics.addMetric('RunDuration', MetricUnit.Milliseconds, Date.now() - started);
    metrics.addMetric('Findings', MetricUnit.Count, Object.values(run.counts).reduce((sum, count) => sum + count, 0));
    for (const severity of SEVERITIES) {
      const count = outcome.result?.findings.filter((finding) => finding.severity === severity).length ?? 0;
      metrics.addMetric(`Findings_${severity}`, MetricUnit.Count, count);
    }
    metrics.addMetric('Transitions', MetricUnit.Count, outcome.transitions.length);
    metrics.addMetric('ApiCalls', MetricUnit.Count, Object.values(run.apiCalls).reduce((sum, entry) => sum + entry.calls, 0));
    metrics.addMetric('ThrottledCalls', MetricUnit.Count, Object.values(run.apiCalls).reduce((sum, entry) => sum + entry.throttled, 0));
    metrics.addMetric('FailedSources', MetricUnit.Count, run.sources.filter((source) => source.status === 'error').length);
    // The dead-man's switch watches this: a failed run (no usable baseline, or an invalid one) does not count.
    if (run.status !== 'failed') metrics.addMetric(SUCCESS_METRIC_NAME, MetricUnit.Count, 1);
    logger.info('audit run recorded', {
      runId: run.runId,
      status: run.status,
      counts: run.counts,
      transitions: run.transitions,
      alerted: outcome.alerted,
      ...(run.error === undefined ? {} : { error: run.error.code }),
    });
    return outcome;
  } finally {
    metrics.publishStoredMetrics();
  }
}

let production: AuditDependencies | undefined;

/** Lambda entry point (EventBridge Scheduler target). */
export async function handler(event: unknown, context: Context): Promise<void> {
  production ??= dependenciesFromEnvironment();
  await handleAudit(event, context, production);
}
