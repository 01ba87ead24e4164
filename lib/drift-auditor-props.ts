import type { Duration } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { BaselineBundleFile } from '../lambdas/runtime/baseline-bundle-format.js';
import type { AuditScope } from './audit-scope.js';
import type { DriftAuditorNetworkProps } from './drift-auditor-network.js';

/** Pull requests from drift made outside the pipeline (the `pull-requests` run sink). */
export interface DriftAuditorPullRequestProps {
  /** The config repository, `owner/name`. */
  readonly repository: string;
  /**
   * Branch the pull requests target.
   * @default 'main'
   */
  readonly baseBranch?: string;
  /** The baseline file in the repository the accept edits apply to, e.g. `config/baseline.yaml`. */
  readonly baselinePath: string;
  /**
   * Full ARN (with its random suffix) of the Secrets Manager secret the pull requests authenticate with:
   * a GitHub token (bare, or JSON `{"token": "..."}`; fine-grained, contents and pull requests read/write
   * on that repository only), or GitHub App credentials (JSON `{"appId": ..., "installationId": ...,
   * "privateKey": "-----BEGIN RSA PRIVATE KEY-----..."}`; the App installed on that repository only, with
   * the same permissions). The audit function may read this one secret and nothing else.
   */
  readonly tokenSecretArn: string;
}

/** Where the Slack messages go through AWS Chatbot. */
export interface DriftAuditorChatbotProps {
  /** Slack workspace (team) id, as shown in the Chatbot console: `T0123ABCD`. */
  readonly slackWorkspaceId: string;
  /** Slack channel id: `C0123ABCD`. */
  readonly slackChannelId: string;
  /**
   * Name of the Chatbot channel configuration, unique in the account.
   * @default - derived from the construct path
   */
  readonly configurationName?: string;
}

/**
 * The Step Functions fan-out (`collection: 'state-machine'`): one collector invocation per
 * (environment, source) target, under a Distributed Map, between a plan step and the final step.
 */
export interface DriftAuditorFanOutProps {
  /**
   * Collector invocations running at once (the Distributed Map's MaxConcurrency, 1-10,000). Each one
   * uses its share of its region's SSM budget, so this bounds Lambda concurrency, not the SSM rate.
   * @default 100
   */
  readonly maxConcurrency?: number;
  /**
   * Timeout of one target's collector (Lambda timeout; the task's is 30 s longer so the function's own
   * deadline reports first). A target that runs out of it is a `source-error`, never a failed run. At
   * most 4.5 minutes keeps the child executions Express (5-minute limit, billed by duration); longer
   * runs them as Standard workflows (billed per state transition).
   * @default Duration.minutes(4)
   */
  readonly targetTimeout?: Duration;
  /**
   * Memory of the collector in MiB.
   * @default 512
   */
  readonly targetMemorySize?: number;
}

/** Properties of {@link DriftAuditor}. */
export interface DriftAuditorProps {
  /** What the auditor reads (from `auditScopeFromBaseline`): drives every read permission and access entry. */
  readonly scope: AuditScope;
  /**
   * Local baseline directory uploaded on deploy as one bundle object at `baselineKey`.
   * @default - nothing is uploaded unless `baselineFiles` is given; without either, the baseline object
   * in `bucket` is managed elsewhere (requires `bucket`)
   */
  readonly baselineDirectory?: string;
  /**
   * Baseline files already read (pass `loadBaselineDir(dir).files`), uploaded as given so the upload is
   * exactly what was validated at synth. Takes precedence over reading `baselineDirectory` again.
   * @default - the top-level `*.yaml` and `*.yml` files of `baselineDirectory`
   */
  readonly baselineFiles?: readonly BaselineBundleFile[];
  /**
   * Existing bucket for the baseline, reports and state. Its lifecycle and encryption are left as they are.
   * @default - a new versioned, S3-encrypted, SSL-only bucket with report expiry
   */
  readonly bucket?: IBucket;
  /**
   * Object key of the baseline bundle.
   * @default 'baseline/baseline.json'
   */
  readonly baselineKey?: string;
  /**
   * Key prefix of run reports.
   * @default 'reports/'
   */
  readonly reportPrefix?: string;
  /**
   * Key prefix of the handler's long-lived state (last valid baseline).
   * @default 'state/'
   */
  readonly statePrefix?: string;
  /**
   * How long report objects are kept (new bucket only).
   * @default Duration.days(90)
   */
  readonly reportRetention?: Duration;
  /**
   * How long noncurrent object versions are kept; the 10 newest are always kept (new bucket only).
   * @default Duration.days(30)
   */
  readonly noncurrentVersionRetention?: Duration;
  /**
   * Bucket receiving S3 server access logs of the new bucket.
   * @default - no access logs (reads and writes come from this construct's roles only; CloudTrail data events cover audit needs)
   */
  readonly serverAccessLogsBucket?: IBucket;
  /**
   * EventBridge Scheduler expression of the audit: `rate(...)` or `cron(...)`.
   * @default 'rate(1 hour)'
   */
  readonly schedule?: string;
  /**
   * How often a successful run is expected, for the dead-man's switch. A multiple of one minute, at most 3.5 days.
   * @default - the interval of a `rate()` schedule; required with `cron()`
   */
  readonly expectedRunInterval?: Duration;
  /**
   * Retries of a failed delivery by Scheduler and of a failed asynchronous invocation by Lambda (0-2 for Lambda).
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Age after which an undelivered or throttled run is dropped to the dead-letter queue (1 minute to 6 hours).
   * @default Duration.hours(1)
   */
  readonly maxEventAge?: Duration;
  /**
   * Timeout of the audit function (at most 15 minutes).
   * @default Duration.minutes(5)
   */
  readonly timeout?: Duration;
  /**
   * Memory of the audit function in MiB; CPU scales with it.
   * @default 1024
   */
  readonly memorySize?: number;
  /**
   * SSM Get* budget (GetParameter, GetParameters, GetParametersByPath share one quota) per account and
   * region, in requests per second; the applications reading their configuration share that quota.
   * @default 20 (half of AWS's default 40 transactions per second)
   */
  readonly ssmRequestsPerSecond?: number;
  /**
   * SSM DescribeParameters budget per account and region, in requests per second: a quota of its own,
   * which AWS does not publish. Incremental runs are paced by it.
   * @default 5 (half of the 10 per second we assume; raise it when AWS support gives your figure)
   */
  readonly ssmDescribeRequestsPerSecond?: number;
  /**
   * Reminders on the alerts topic: once a day one digest of drift open at least `staleAfterDays`, and
   * each exception announced once when it expires within `exceptionWarningDays` (0: on its last day).
   * `false` turns them off.
   * @default { staleAfterDays: 7, exceptionWarningDays: 7 }
   */
  readonly reminders?: { readonly staleAfterDays?: number; readonly exceptionWarningDays?: number } | false;
  /**
   * Retention of the functions' log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Email address subscribed to drift alerts (confirmation required).
   * @default - no email subscription
   */
  readonly alertEmail?: string;
  /**
   * Email address subscribed to the ops topic (auditor health alarms).
   * @default - `alertEmail`
   */
  readonly opsEmail?: string;
  /**
   * Name of the Secrets Manager secret holding the Slack incoming-webhook URL; enables the Slack notifier.
   * @default - no Slack notifier
   */
  readonly slackWebhookSecretName?: string;
  /**
   * AWS Chatbot Slack channel fed with drift alerts (custom-notification format) and health alarms.
   * @default - no Chatbot configuration
   */
  readonly chatbot?: DriftAuditorChatbotProps;
  /**
   * Opens one pull request per drift made outside the pipeline, with its accept edit, on the config repository.
   * @default - no pull requests
   */
  readonly pullRequests?: DriftAuditorPullRequestProps;
  /**
   * A CloudWatch dashboard of the drift metrics every run emits (open drift per environment, region
   * and severity, oldest open drift, detection latency, time to resolve, partial runs) and the health
   * alarms. About $3 a month beyond the account's 3 free dashboards (README, Cost).
   * @default true
   */
  readonly dashboard?: boolean;
  /**
   * CloudWatch namespace of the handler's metrics.
   * @default 'DriftAudit'
   */
  readonly metricsNamespace?: string;
  /**
   * Powertools service name of the audit function (the metrics' `service` dimension).
   * @default 'drift-audit'
   */
  readonly serviceName?: string;
  /**
   * Fixed name of the audit role, so member accounts can trust it (`DriftAuditReadRole`).
   * @default - a generated name
   */
  readonly auditRoleName?: string;
  /**
   * How the live estate is read. `single-function`: the audit function reads every source itself,
   * bounded by its timeout (at the default 20 requests/s per region, about 48,000 SSM parameters per
   * region in 5 minutes; see README "Large estates"). `state-machine`: the schedule starts a Step
   * Functions state machine whose Distributed Map runs one collector per target with its own budget
   * and timeout; the audit function then analyses and publishes what they wrote.
   * @default 'single-function'
   */
  readonly collection?: 'single-function' | 'state-machine';
  /**
   * Tuning of the state-machine collection; only read with `collection: 'state-machine'`.
   * @default - the defaults of each field
   */
  readonly fanOut?: DriftAuditorFanOutProps;
  /**
   * Entry file of the fan-out collector (exports `handler`), bundled by `NodejsFunction` at synth.
   * @default - the installed package's prebuilt handler (`dist/lambda-assets/collect-target`); in this repository, `lambdas/fanout/collect-target-handler.ts`
   */
  readonly collectorHandlerEntry?: string;
  /**
   * Runs the construct's functions (audit, fan-out collector, Slack notifier) in a VPC, to read clusters whose API
   * endpoint is private; optionally creates the VPC endpoints the run needs. See the README's
   * "Private clusters". The baseline upload's deploy-time handler stays outside: it only copies to S3.
   * @default - no VPC: the functions reach public endpoints only
   */
  readonly network?: DriftAuditorNetworkProps;
  /**
   * Entry file of the audit handler (exports `handler`), bundled by `NodejsFunction` at synth.
   * @default - the installed package's prebuilt handler (`dist/lambda-assets/audit`); in this repository, `lambdas/audit/handler.ts`
   */
  readonly auditHandlerEntry?: string;
  /**
   * Entry file of the Slack notifier (exports `handler`), bundled by `NodejsFunction` at synth.
   * @default - the installed package's prebuilt handler (`dist/lambda-assets/notify-slack`); in this repository, `lambdas/notify-slack/handler.ts`
   */
  readonly notifierHandlerEntry?: string;
  /**
   * Real-time detection from change events (SSM `Parameter Store Change`, optionally EKS audit logs),
   * next to the schedule, which stays as the sweep.
   * @default - no change events: drift is seen by the schedule only
   */
  readonly changeEvents?: DriftAuditorChangeEventsProps;
}

/** Change events: what reaches the change queue and how it is debounced (see `DriftAuditorChangeEvents`). */
export interface DriftAuditorChangeEventsProps {
  /**
   * How long the event source mapping gathers messages before invoking (the debounce): a burst of
   * writes within it is one targeted run. 0 to 5 minutes; the change-to-alert latency is about this
   * plus one targeted run.
   * @default Duration.seconds(30)
   */
  readonly batchingWindow?: Duration;
  /**
   * Most messages in one batch (1 to 10,000; above 10 needs a batching window).
   * @default 100
   */
  readonly batchSize?: number;
  /**
   * AWS Organizations id whose accounts may put change events on this region's default bus
   * (`aws:PrincipalOrgID`), instead of listing accounts.
   * @default - the accounts the scope names, plus `memberAccounts`
   */
  readonly organizationId?: string;
  /**
   * More accounts allowed to forward change events (with `DriftAuditChangeForwarderStack`).
   * @default - none beyond the accounts the scope names
   */
  readonly memberAccounts?: readonly string[];
  /**
   * Subscribe to the control-plane audit log of each declared cluster in this account and region
   * (`/aws/eks/<cluster>/cluster`; turn on the cluster's `audit` log type first) and forward writes to
   * the declared namespaces' workloads and ConfigMaps. Costs CloudWatch Logs ingestion of the audit log.
   * @default false
   */
  readonly kubernetesAuditLogs?: boolean;
  /**
   * Entry file of the audit-log forwarder (exports `handler`).
   * @default '<repo>/lambdas/audit-log-forwarder/handler.ts'
   */
  readonly forwarderHandlerEntry?: string;
}
