import { Duration } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_AUDIT_SERVICE_NAME, DEFAULT_METRICS_NAMESPACE } from '../lambdas/runtime/function-environment.js';
import { DEFAULT_SSM_DESCRIBE_RPS, DEFAULT_SSM_GET_RPS } from '../lambdas/sources/aws/request-budget.js';
import { DEFAULT_REMINDER_OPTIONS, type ReminderOptions } from '../lambdas/sinks/reminders/reminder-message.js';
import type { DriftAuditorProps } from './drift-auditor-props.js';
import { handlerCode, type HandlerCode } from './handler-code.js';
import { parseScheduleExpression } from './schedule-expression.js';

/** `owner/name` as GitHub allows them. */
export const GITHUB_REPOSITORY = /^[A-Za-z0-9-]{1,39}\/[A-Za-z0-9._-]{1,100}$/;
/** A Secrets Manager secret's full ARN: a partial one would need a wildcard in the grant. */
export const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;

/** The construct's properties with every default applied and every range checked. */
export interface Settings {
  readonly baselineKey: string;
  readonly reportPrefix: string;
  readonly statePrefix: string;
  readonly reportRetention: Duration;
  readonly noncurrentVersionRetention: Duration;
  readonly schedule: string;
  readonly expectedRunInterval: Duration;
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  readonly timeout: Duration;
  readonly memorySize: number;
  readonly ssmRequestsPerSecond: number;
  readonly ssmDescribeRequestsPerSecond: number;
  /** The reminders' day counts, or false when they are off. */
  readonly reminders: ReminderOptions | false;
  readonly logRetention: RetentionDays;
  readonly metricsNamespace: string;
  readonly serviceName: string;
  /** The audit handler's code: prebuilt asset or entry to bundle (`handler-code.ts`). */
  readonly auditCode: HandlerCode;
  readonly notifierCode: HandlerCode;
  /** The fan-out's settings, or undefined on the single-function path. */
  readonly fanOut: FanOutSettings | undefined;
  /**
   * The audit function reads the estate itself: always on the single-function path, and with the fan-out
   * when change events are on (their targeted re-audits run in the audit function). The collectors then
   * share its role, so member accounts keep trusting one role name.
   */
  readonly auditFunctionReads: boolean;
}

/** `DriftAuditorFanOutProps` with defaults applied. */
export interface FanOutSettings {
  readonly maxConcurrency: number;
  readonly targetTimeout: Duration;
  readonly targetMemorySize: number;
  /** The collector's code: prebuilt asset or entry to bundle (`handler-code.ts`). */
  readonly collectorCode: HandlerCode;
}

/** Applies defaults and checks ranges up front, so a bad prop fails at synth with its name. */
export function resolveSettings(props: DriftAuditorProps): Settings {
  const problems: string[] = [];
  if (props.baselineDirectory === undefined && props.baselineFiles === undefined && props.bucket === undefined) {
    problems.push('give baselineDirectory or baselineFiles (uploaded on deploy), or bucket (baseline managed elsewhere); a new bucket would hold no baseline');
  }
  const schedule = props.schedule ?? 'rate(1 hour)';
  const parsed = parseScheduleExpression(schedule);
  let expectedRunInterval = props.expectedRunInterval;
  if (!parsed.ok) problems.push(`schedule "${schedule}" is not valid: ${parsed.reason}`);
  else if (expectedRunInterval === undefined) {
    if (parsed.schedule.kind === 'rate') expectedRunInterval = Duration.seconds(parsed.schedule.intervalSeconds);
    else problems.push(`expectedRunInterval is required with a cron() schedule ("${schedule}")`);
  }
  if (expectedRunInterval) {
    const seconds = expectedRunInterval.toSeconds();
    if (seconds % 60 !== 0 || seconds < 60 || seconds * 2 > 604_800) {
      problems.push(
        `expectedRunInterval must be whole minutes between 1 minute and 3.5 days (CloudWatch alarm limits), got ${expectedRunInterval.toHumanString()}`,
      );
    }
  }
  const timeout = props.timeout ?? Duration.minutes(5);
  if (timeout.toSeconds() < 1 || timeout.toSeconds() > 900) problems.push(`timeout must be between 1 second and 15 minutes, got ${timeout.toHumanString()}`);
  const retryAttempts = props.retryAttempts ?? 2;
  if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 2) problems.push(`retryAttempts must be 0, 1 or 2, got ${retryAttempts}`);
  const maxEventAge = props.maxEventAge ?? Duration.hours(1);
  if (maxEventAge.toSeconds() < 60 || maxEventAge.toSeconds() > 21_600)
    problems.push(`maxEventAge must be between 1 minute and 6 hours, got ${maxEventAge.toHumanString()}`);
  const memorySize = props.memorySize ?? 1024;
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240)
    problems.push(`memorySize must be whole MiB between 128 and 10240, got ${memorySize}`);
  const ssmRequestsPerSecond = props.ssmRequestsPerSecond ?? DEFAULT_SSM_GET_RPS;
  if (!(ssmRequestsPerSecond > 0) || !Number.isFinite(ssmRequestsPerSecond))
    problems.push(`ssmRequestsPerSecond (SSM Get* budget) must be a positive number, got ${ssmRequestsPerSecond}`);
  const ssmDescribeRequestsPerSecond = props.ssmDescribeRequestsPerSecond ?? DEFAULT_SSM_DESCRIBE_RPS;
  if (!(ssmDescribeRequestsPerSecond > 0) || !Number.isFinite(ssmDescribeRequestsPerSecond))
    problems.push(`ssmDescribeRequestsPerSecond (SSM DescribeParameters budget) must be a positive number, got ${ssmDescribeRequestsPerSecond}`);
  const reminders = props.reminders === false ? false : { ...DEFAULT_REMINDER_OPTIONS, ...props.reminders };
  if (reminders !== false) {
    for (const [name, min] of [
      ['staleAfterDays', 1],
      ['exceptionWarningDays', 0],
    ] as const) {
      const value = reminders[name];
      if (!Number.isInteger(value) || value < min || value > 400) problems.push(`reminders.${name} must be whole days from ${min} to 400, got ${value}`);
    }
  }
  const baselineKey = (props.baselineKey ?? 'baseline/baseline.json').replace(/^\/+/, '');
  if (baselineKey === '' || baselineKey.endsWith('/')) problems.push(`baselineKey must name an object, got "${props.baselineKey}"`);
  const pulls = props.pullRequests;
  if (pulls !== undefined) {
    if (!GITHUB_REPOSITORY.test(pulls.repository)) problems.push(`pullRequests.repository must be owner/name, got "${pulls.repository}"`);
    if (pulls.baselinePath === '' || pulls.baselinePath.startsWith('/') || pulls.baselinePath.endsWith('/'))
      problems.push(`pullRequests.baselinePath must be a file path relative to the repository root (config/baseline.yaml), got "${pulls.baselinePath}"`);
    if (!SECRET_ARN.test(pulls.tokenSecretArn))
      problems.push(
        `pullRequests.tokenSecretArn must be the secret's full ARN, with its 6-character suffix (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf), got "${pulls.tokenSecretArn}"`,
      );
  }
  const fanOut = props.collection === 'state-machine' ? resolveFanOut(props, problems) : undefined;
  if (props.collection !== undefined && props.collection !== 'single-function' && props.collection !== 'state-machine')
    problems.push(`collection must be 'single-function' or 'state-machine', got "${String(props.collection)}"`);
  if (problems.length > 0) throw new Error(`invalid DriftAuditor properties:\n- ${problems.join('\n- ')}`);
  return {
    baselineKey,
    reportPrefix: asPrefix(props.reportPrefix ?? 'reports/'),
    statePrefix: asPrefix(props.statePrefix ?? 'state/'),
    reportRetention: props.reportRetention ?? Duration.days(90),
    noncurrentVersionRetention: props.noncurrentVersionRetention ?? Duration.days(30),
    schedule,
    expectedRunInterval: expectedRunInterval ?? Duration.hours(1),
    retryAttempts,
    maxEventAge,
    timeout,
    memorySize,
    ssmRequestsPerSecond,
    ssmDescribeRequestsPerSecond,
    reminders,
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    metricsNamespace: props.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
    serviceName: props.serviceName ?? DEFAULT_AUDIT_SERVICE_NAME,
    auditCode: handlerCode('audit', props.auditHandlerEntry),
    notifierCode: handlerCode('notify-slack', props.notifierHandlerEntry),
    fanOut,
    auditFunctionReads: fanOut === undefined || props.changeEvents !== undefined,
  };
}

/** The fan-out's settings; ranges from the Distributed Map (MaxConcurrency up to 10,000) and Lambda (15 minutes). */
function resolveFanOut(props: DriftAuditorProps, problems: string[]): FanOutSettings {
  const maxConcurrency = props.fanOut?.maxConcurrency ?? 100;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > 10_000)
    problems.push(`fanOut.maxConcurrency must be a whole number from 1 to 10000, got ${maxConcurrency}`);
  const targetTimeout = props.fanOut?.targetTimeout ?? Duration.minutes(4);
  if (targetTimeout.toSeconds() < 10 || targetTimeout.toSeconds() > 900)
    problems.push(`fanOut.targetTimeout must be between 10 seconds and 15 minutes, got ${targetTimeout.toHumanString()}`);
  const targetMemorySize = props.fanOut?.targetMemorySize ?? 512;
  if (!Number.isInteger(targetMemorySize) || targetMemorySize < 128 || targetMemorySize > 10_240)
    problems.push(`fanOut.targetMemorySize must be whole MiB between 128 and 10240, got ${targetMemorySize}`);
  return { maxConcurrency, targetTimeout, targetMemorySize, collectorCode: handlerCode('collect-target', props.collectorHandlerEntry) };
}

/** A key prefix without a leading slash, ending in one unless empty. */
function asPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, '');
  return trimmed === '' || trimmed.endsWith('/') ? trimmed : `${trimmed}/`;
}
