/**
 * The contract between the CDK construct and the Lambda handlers: environment variable names, the
 * scheduled event's shape and the success metric the dead-man's switch watches.
 *
 * Runtime code owns it (the stack in lib/ imports it, never the reverse): pure constants and types, so
 * the handlers' bundles never pull the CDK in, and neither side can rename a variable without the
 * other failing to compile.
 */

/** Environment variables the construct sets on the audit function. */
export const AUDIT_FUNCTION_ENV = {
  /** Bucket holding the baseline bundle, run reports and the handler's state objects. */
  baselineBucket: 'BASELINE_BUCKET',
  /**
   * Object key of the baseline bundle (`drift-audit.baseline-bundle/1`, see `baseline-bundle.ts`), e.g.
   * `baseline/baseline.json`. One object, so a run records one S3 version id.
   */
  baselineKey: 'BASELINE_KEY',
  /** Key prefix for run reports, ending in `/` (e.g. `reports/`). Objects under it expire by lifecycle. */
  reportPrefix: 'REPORT_PREFIX',
  /**
   * Key prefix, ending in `/`, where the handler keeps state that must outlive report expiry, such as
   * the last valid baseline it audits against when the current one does not validate. Never expires.
   */
  statePrefix: 'STATE_PREFIX',
  /** Name of the DynamoDB history table (layout in `lambdas/sinks/history/table-schema.ts`). */
  historyTable: 'HISTORY_TABLE',
  /** ARN of the alerts topic: one `drift-audit.run/1` message per run that has transitions. */
  topicArn: 'TOPIC_ARN',
  /**
   * ARN of the topic AWS Chatbot is subscribed to, present only when Chatbot is configured. Chatbot
   * renders only its custom-notification format (`{ version: '1.0', source: 'custom', content }`), not
   * our JSON body, so the handler publishes that format here in addition to the alerts topic.
   */
  chatbotTopicArn: 'CHATBOT_TOPIC_ARN',
  /** `false` turns the reminders (daily digest, expiring exceptions) off; any other value or unset keeps them on. */
  remindersEnabled: 'REMINDERS_ENABLED',
  /** Open drift at least this many whole days old is listed in the daily digest (default 7). */
  reminderStaleAfterDays: 'REMINDER_STALE_AFTER_DAYS',
  /** An exception expiring within this many whole days is announced once (default 7). */
  reminderExceptionWarningDays: 'REMINDER_EXCEPTION_WARNING_DAYS',
  /**
   * Request budget per account and region for the SSM Get* quota group (GetParameter, GetParameters,
   * GetParametersByPath): a positive number, decimal allowed.
   */
  ssmRequestsPerSecond: 'SSM_REQUESTS_PER_SECOND',
  /** Request budget per account and region for DescribeParameters, its own quota group (a positive number). */
  ssmDescribeRequestsPerSecond: 'SSM_DESCRIBE_REQUESTS_PER_SECOND',
  /** `owner/name` of the config repository pull requests from drift go to; present only when they are enabled. */
  pullRequestRepository: 'PULL_REQUEST_REPOSITORY',
  /** The branch those pull requests target (`main`). */
  pullRequestBaseBranch: 'PULL_REQUEST_BASE_BRANCH',
  /** The baseline file in that repository the accept edits apply to (`config/baseline.yaml`). */
  pullRequestBaselinePath: 'PULL_REQUEST_BASELINE_PATH',
  /** ARN of the Secrets Manager secret holding the GitHub token (bare, or JSON `{"token": "..."}`). */
  githubTokenSecretArn: 'GITHUB_TOKEN_SECRET_ARN',
  /** The GitHub REST API root when it is not https://api.github.com (GitHub Enterprise Server's `https://HOST/api/v3`). */
  githubApiUrl: 'GITHUB_API_URL',
  /** Powertools service name; also the `service` dimension of every metric the handler emits. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools metrics namespace (CloudWatch namespace of the success metric). */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/** Environment variables the construct sets on the Slack notifier function. */
export const NOTIFY_SLACK_FUNCTION_ENV = {
  /** Name or ARN of the Secrets Manager secret whose string value is the Slack incoming-webhook URL. */
  webhookSecretId: 'SLACK_WEBHOOK_SECRET_ID',
  /** Bucket holding run reports, for links in the message. */
  reportBucket: 'REPORT_BUCKET',
  /** Powertools service name. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools metrics namespace. */
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
} as const;

/** Default CloudWatch namespace of the handler's metrics. */
export const DEFAULT_METRICS_NAMESPACE = 'DriftAudit';

/** Default Powertools service name of the audit function. */
export const DEFAULT_AUDIT_SERVICE_NAME = 'drift-audit';

/**
 * The metric the audit handler emits once per run that finished (status `ok` or `partial`), with
 * value 1 and unit Count, through Powertools Metrics, which adds the `service` dimension
 * (= POWERTOOLS_SERVICE_NAME). The dead-man's switch alarm watches exactly this name and dimension:
 * emitting it under another name or without the dimension makes the alarm fire.
 */
export const SUCCESS_METRIC_NAME = 'SuccessfulRuns';

/** Value of `source` in the scheduled event, to tell it from a manual test invocation. */
export const AUDIT_SCHEDULE_EVENT_SOURCE = 'drift-audit.schedule';

/**
 * The payload EventBridge Scheduler delivers to the audit function. Scheduler fills the fields from its
 * context attributes. `scheduledTime` is the same for every delivery and retry of one scheduled run, so
 * it is the idempotency key; `executionId` differs per attempt.
 */
export interface AuditScheduleEvent {
  readonly source: typeof AUDIT_SCHEDULE_EVENT_SOURCE;
  /** ISO 8601 time the run was scheduled for, e.g. `2026-11-23T12:00:00Z`. */
  readonly scheduledTime: string;
  readonly scheduleArn: string;
  readonly executionId: string;
  /** Scheduler's delivery attempt counter, as a string (`"1"`, `"2"`, ...). */
  readonly attemptNumber: string;
}
