import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import type { EnvironmentTarget } from '../events/change-targets.js';
import { changeBatchKey, isChangeBatch, runChangeBatch } from './change-batch.js';
import {
  AUDIT_FUNCTION_ENV,
  AUDIT_SCHEDULE_EVENT_SOURCE,
  DEFAULT_AUDIT_SERVICE_NAME,
  DEFAULT_METRICS_NAMESPACE,
  SUCCESS_METRIC_NAME,
  type AuditScheduleEvent,
} from '../runtime/function-environment.js';
import { SEVERITIES } from '../engine/model.js';
import { HistoryStore } from '../sinks/history/history-store.js';
import { remindersFromEnvironment } from '../sinks/reminders/reminder-config.js';
import { GitHubPullRequestProvider } from '../sinks/pull-requests/github-provider.js';
import { readGitHubCredentialsSecret } from '../sinks/pull-requests/github-credentials-secret.js';
import { PullRequestSink } from '../sinks/pull-requests/pull-request-sink.js';
import { SecretGitHubCredentials } from '../sinks/pull-requests/secret-github-credentials.js';
import type { RunSink } from '../sinks/run-sink.js';
import { AwsClientFactory } from '../sources/aws/aws-client-factory.js';
import { requestHandlerOptions, withResponseDeadline, type HttpTimeouts } from '../sources/aws/http-timeouts.js';
import { RequestBudget } from '../sources/aws/request-budget.js';
import { driftMetricSets, type DriftMetricSet } from '../sinks/metrics/drift-metrics.js';
import { dimensionedMetrics, emitDriftMetrics, type DimensionedMetrics } from './emit-drift-metrics.js';
import { ssmRequestRatesFromEnvironment } from './request-rates-environment.js';
import { fanOutCollection } from '../fanout/fanout-collection.js';
import type { FanOutPlan } from '../fanout/fanout-layout.js';
import { fanOutStepOf } from '../fanout/fanout-step.js';
import { readPinnedBaseline } from '../fanout/pinned-baseline.js';
import { planRun } from '../fanout/plan-run.js';
import { auditBaselineLocation, runAudit, type AuditDependencies, type AuditOutcome } from './run-audit.js';
import { standardRunSinks } from './standard-run-sinks.js';

const logger = new Logger({ serviceName: process.env[AUDIT_FUNCTION_ENV.serviceName] ?? DEFAULT_AUDIT_SERVICE_NAME });
const metricsNamespace = process.env[AUDIT_FUNCTION_ENV.metricsNamespace] ?? DEFAULT_METRICS_NAMESPACE;
const metricsService = process.env[AUDIT_FUNCTION_ENV.serviceName] ?? DEFAULT_AUDIT_SERVICE_NAME;
const metrics = new Metrics({ namespace: metricsNamespace, serviceName: metricsService });

/**
 * The idempotency key of an invocation: a Scheduler redelivery of the same scheduled time carries the
 * same key (the execution id changes on every attempt, the scheduled time does not); a manual
 * invocation gets its request id.
 */
export function idempotencyKeyOf(event: unknown, context: Pick<Context, 'awsRequestId'>): string {
  // An SQS batch redelivered as it was (the same messages) is the same run; any other mix is a new one.
  if (isChangeBatch(event)) return changeBatchKey(event);
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

// Where the run's budget comes from; kept importable from here, where the handler's tests find it.
export { ssmRequestRatesFromEnvironment };

/** Knobs of the production wiring that come from the invocation rather than the environment. */
export interface ProductionOptions {
  /**
   * How long an idempotency claim may stay `recording` before a caller without the single-concurrency
   * guarantee may roll it back as crashed: the function's timeout. The production wiring states that
   * guarantee, so this only bounds tools that reuse the store. @default the history store's (15 minutes)
   */
  readonly leaseMs?: number;
  /**
   * Connection and request deadlines of every client (S3, SNS, DynamoDB and the live sources'), so no
   * call waits on a silent endpoint: it fails as a retriable `TimeoutError` the SDK retries, then the
   * run fails or is partial. @default the project's (`http-timeouts.ts`: 3 s to connect, 10 s to answer)
   */
  readonly httpTimeouts?: HttpTimeouts;
}

/** The production wiring: clients from the Lambda's role, names from the construct's variables. */
export function dependenciesFromEnvironment(options: ProductionOptions = {}): AuditDependencies {
  const rates = ssmRequestRatesFromEnvironment(process.env);
  const chatbot = process.env[AUDIT_FUNCTION_ENV.chatbotTopicArn];
  const region = process.env.AWS_REGION;
  const timeouts = options.httpTimeouts ?? {};
  const requestHandler = requestHandlerOptions(timeouts);
  const wiring = {
    s3: withResponseDeadline(new S3Client({ requestHandler }), timeouts),
    sns: withResponseDeadline(new SNSClient({ requestHandler }), timeouts),
    history: new HistoryStore({
      documentClient: DynamoDBDocumentClient.from(withResponseDeadline(new DynamoDBClient({ requestHandler }), timeouts), {
        marshallOptions: { removeUndefinedValues: true },
      }),
      tableName: required(AUDIT_FUNCTION_ENV.historyTable),
      ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
    }),
    factory: new AwsClientFactory({
      budget: new RequestBudget({ rates }),
      ...(timeouts.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: timeouts.requestTimeoutMs }),
      ...(timeouts.connectionTimeoutMs === undefined ? {} : { connectionTimeoutMs: timeouts.connectionTimeoutMs }),
    }),
    bucket: required(AUDIT_FUNCTION_ENV.baselineBucket),
    baselineKey: required(AUDIT_FUNCTION_ENV.baselineKey),
    reportPrefix: process.env[AUDIT_FUNCTION_ENV.reportPrefix] ?? 'reports/',
    statePrefix: process.env[AUDIT_FUNCTION_ENV.statePrefix] ?? 'state/',
    topicArn: required(AUDIT_FUNCTION_ENV.topicArn),
    ...(chatbot === undefined || chatbot === '' ? {} : { chatbotTopicArn: chatbot }),
    ...(region === undefined ? {} : { region }),
    // The DriftAuditor construct gives this function reserved concurrency 1: when it runs, nothing else
    // does, so a claim still recording is a crashed invocation's and is rolled back without a lease.
    singleConcurrency: true,
    reminders: remindersFromEnvironment(process.env),
  };
  // What a run produces, and in which order: reports, history, the alerts topic, Chatbot, reminders, pull requests.
  return { ...wiring, sinks: [...standardRunSinks(wiring), ...pullRequestSinksFromEnvironment(requestHandler, timeouts)] };
}

/**
 * The pull-request sink when the stack enables it (repository set). Its credentials, a token or a
 * GitHub App's, are read from the secret when first needed; built once per cold start with the rest
 * of the wiring, so a warm Lambda keeps the App's installation token across runs until near expiry.
 */
function pullRequestSinksFromEnvironment(requestHandler: ReturnType<typeof requestHandlerOptions>, timeouts: HttpTimeouts): RunSink[] {
  const repository = process.env[AUDIT_FUNCTION_ENV.pullRequestRepository];
  if (repository === undefined || repository === '') return [];
  const secretArn = required(AUDIT_FUNCTION_ENV.githubTokenSecretArn);
  const secrets = withResponseDeadline(new SecretsManagerClient({ requestHandler }), timeouts);
  const apiUrl = process.env[AUDIT_FUNCTION_ENV.githubApiUrl];
  const baseUrl = apiUrl === undefined || apiUrl === '' ? {} : { baseUrl: apiUrl };
  const provider = new GitHubPullRequestProvider({
    ...baseUrl,
    repository,
    baseBranch: required(AUDIT_FUNCTION_ENV.pullRequestBaseBranch),
    baselinePath: required(AUDIT_FUNCTION_ENV.pullRequestBaselinePath),
    credentials: new SecretGitHubCredentials({ ...baseUrl, repository, read: () => readGitHubCredentialsSecret(secrets, secretArn) }),
  });
  return [new PullRequestSink(provider)];
}

/** Where the handler's log lines and metrics go; injected by tests to read them. */
export interface AuditObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /**
   * Where the drift dashboard's metrics go: one Powertools instance per dimension set (environment,
   * region, severity). @default the function's namespace and service
   */
  readonly metricsFor?: DimensionedMetrics;
}

/**
 * How long the live read may take when `remainingMs` are left: what is left minus a reserve for
 * analysis, history, the report and the alert (a quarter of the time, between 10 s and 60 s). A read
 * cut at this point is recorded as a partial run; a run killed by the timeout is not recorded at all.
 */
export function collectionDeadlineMs(remainingMs: number): number {
  const reserve = Math.min(60_000, Math.max(10_000, remainingMs / 4));
  return Math.max(0, Math.floor(remainingMs - reserve));
}

/** The invocation context fields the handler reads; tests pass the request id alone. */
export type AuditInvocationContext = Pick<Context, 'awsRequestId'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>;

/**
 * Runs one audit and records what it measured. Never logs a value: findings are counted, not printed
 * (the report in S3 holds them, already redacted).
 */
export async function handleAudit(
  event: unknown,
  context: AuditInvocationContext,
  deps: AuditDependencies,
  observability: AuditObservability = { logger, metrics },
  changes?: readonly EnvironmentTarget[],
): Promise<AuditOutcome> {
  const { logger: log, metrics: measure } = observability;
  let drift: DriftMetricSet[] = [];
  const started = Date.now();
  const idempotencyKey = idempotencyKeyOf(event, context);
  log.appendKeys({ idempotencyKey });
  const remaining = context.getRemainingTimeInMillis?.();
  const signal = remaining === undefined ? undefined : AbortSignal.timeout(collectionDeadlineMs(remaining));
  try {
    const outcome = await runAudit({ idempotencyKey, ...(signal === undefined ? {} : { signal }), ...(changes === undefined ? {} : { changes }) }, deps);
    const { delivery } = outcome;
    // Deferrable sinks (pull requests) never fail the audit: their entries wait in the outbox for the next run.
    for (const failure of delivery.deferred ?? []) log.warn('delivery deferred to the next run', { error: failure.message, pending: failure.pending });
    measure.addMetric('AlertsDelivered', MetricUnit.Count, delivery.delivered);
    measure.addMetric('AlertsPending', MetricUnit.Count, delivery.pending);
    if (outcome.kind === 'duplicate') {
      measure.addMetric('DuplicateDeliveries', MetricUnit.Count, 1);
      log.info(
        delivery.delivered === 0
          ? 'duplicate delivery: this scheduled run was already recorded, nothing written or sent'
          : 'duplicate delivery: this scheduled run was already recorded; delivered the alerts it could not send',
        { runId: outcome.runId, alertsDelivered: delivery.delivered, alertsPending: delivery.pending },
      );
      // Recorded, but alerts still wait: fail so Lambda retries the delivery, then dead-letters the event.
      if (delivery.error !== undefined) throw delivery.error;
      return outcome;
    }
    const { run } = outcome;
    drift = driftMetricSets({
      status: run.status,
      open: outcome.openStates,
      transitions: outcome.transitions,
      environments: outcome.environments,
      now: new Date(run.finishedAt),
    });
    if (outcome.rolledBack.length > 0) {
      measure.addMetric('RolledBackRuns', MetricUnit.Count, outcome.rolledBack.length);
      log.warn('rolled back runs an earlier invocation left recording; their transitions are alerted by this run', {
        rolledBack: outcome.rolledBack.map((rollback) => rollback.runId),
      });
    }
    measure.addMetric('RunDuration', MetricUnit.Milliseconds, Date.now() - started);
    measure.addMetric(
      'Findings',
      MetricUnit.Count,
      Object.values(run.counts).reduce((sum, count) => sum + count, 0),
    );
    for (const severity of SEVERITIES) {
      const count = outcome.result?.findings.filter((finding) => finding.severity === severity).length ?? 0;
      measure.addMetric(`Findings_${severity}`, MetricUnit.Count, count);
    }
    measure.addMetric('Transitions', MetricUnit.Count, outcome.transitions.length);
    measure.addMetric(
      'ApiCalls',
      MetricUnit.Count,
      Object.values(run.apiCalls).reduce((sum, entry) => sum + entry.calls, 0),
    );
    measure.addMetric(
      'ThrottledCalls',
      MetricUnit.Count,
      Object.values(run.apiCalls).reduce((sum, entry) => sum + entry.throttled, 0),
    );
    measure.addMetric('FailedSources', MetricUnit.Count, run.sources.filter((source) => source.status === 'error').length);
    // The dead-man's switch watches this: a failed run (no usable baseline, or an invalid one) does not count.
    if (run.status !== 'failed') measure.addMetric(SUCCESS_METRIC_NAME, MetricUnit.Count, 1);
    log.info('audit run recorded', {
      runId: run.runId,
      status: run.status,
      baselineVersion: run.baselineVersion,
      counts: run.counts,
      transitions: run.transitions,
      failedSources: run.sources.filter((source) => source.status === 'error').map((source) => `${source.id}: ${source.error?.code ?? 'error'}`),
      alerted: outcome.alerted,
      alertsDelivered: delivery.delivered,
      alertsPending: delivery.pending,
      ...(run.error === undefined ? {} : { error: run.error.code }),
    });
    // The run is recorded and its alert kept in the outbox: failing makes Lambda retry the delivery soon.
    if (delivery.error !== undefined) throw delivery.error;
    return outcome;
  } catch (error) {
    // Name and code only: messages of SDK errors can quote request content.
    log.error('audit run failed; the invocation is retried, then dead-lettered', {
      error: {
        name: (error as Error).name,
        code: (error as { code?: unknown }).code ?? (error as { Code?: unknown }).Code,
        retriable: (error as { retriable?: unknown }).retriable,
      },
    });
    throw error;
  } finally {
    measure.publishStoredMetrics();
    // The run is recorded even when its delivery failed: its drift figures stand.
    emitDriftMetrics(drift, observability.metricsFor ?? dimensionedMetrics(metricsNamespace, metricsService));
  }
}

/** What a fan-out step returns to the state machine: the plan's pointer, or the recorded run's id and status. */
export type FanOutStepResult = FanOutPlan | { readonly runId: string; readonly status: string };

/**
 * Runs whatever invoked the function: a scheduled run (everything read here), or the plan or final
 * step of the fan-out state machine, whose collectors read the targets in between. A step returns a
 * small pointer (state payloads are limited to 256 KiB); a scheduled run returns nothing.
 */
export async function dispatchAuditEvent(
  event: unknown,
  context: AuditInvocationContext,
  deps: AuditDependencies,
  observability?: AuditObservability,
): Promise<FanOutStepResult | undefined> {
  const step = fanOutStepOf(event);
  if (step === undefined) {
    await handleAudit(event, context, deps, observability);
    return undefined;
  }
  // A manual execution has no scheduled time: its execution id names the run in both steps.
  const stepContext: AuditInvocationContext = {
    awsRequestId: step.execution,
    ...(context.getRemainingTimeInMillis === undefined ? {} : { getRemainingTimeInMillis: () => context.getRemainingTimeInMillis?.() ?? 0 }),
  };
  if (step.fanOut === 'plan') {
    return planRun(idempotencyKeyOf(step.event, stepContext), {
      s3: deps.s3,
      baseline: auditBaselineLocation(deps),
      reportPrefix: deps.reportPrefix,
      collect: { factory: deps.factory, ...(deps.eks === undefined ? {} : { eks: deps.eks }) },
    });
  }
  const run = step.plan.run;
  const outcome = await handleAudit(
    step.event,
    stepContext,
    {
      ...deps,
      loadBaseline: () => readPinnedBaseline(deps.s3, run),
      collection: fanOutCollection({ s3: deps.s3, run, statePrefix: deps.statePrefix }),
    },
    observability,
  );
  return { runId: outcome.kind === 'duplicate' ? outcome.runId : outcome.run.runId, status: outcome.kind === 'duplicate' ? 'duplicate' : outcome.run.status };
}

let production: AuditDependencies | undefined;

/**
 * Lambda entry point: an EventBridge Scheduler sweep, the fan-out state machine's plan and final
 * steps, or an SQS batch of change events (the answer then names the messages whose environment
 * could not be read, for SQS to deliver again).
 */
export async function handler(event: unknown, context: Context): Promise<SQSBatchResponse | FanOutStepResult | undefined> {
  // The first invocation's remaining time is the function's timeout: the lease of a crashed claim.
  production ??= dependenciesFromEnvironment({ leaseMs: context.getRemainingTimeInMillis() + 1_000 });
  if (isChangeBatch(event)) return (await runChangeBatch(event, context, production, { logger, metrics }, handleAudit)).response;
  return dispatchAuditEvent(event, context, production);
}
