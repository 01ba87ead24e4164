import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_SSM_DESCRIBE_RPS, DEFAULT_SSM_GET_RPS } from '../lambdas/sources/aws/request-budget.js';
import { DEFAULT_AUDITOR_ROLE_NAME } from './drift-audit-read-role.js';
import { GITHUB_REPOSITORY, SECRET_ARN } from './drift-auditor-settings.js';
import { type NetworkContext, parseNetworkContext } from './network-context.js';
import { parseScheduleExpression } from './schedule-expression.js';

/** Prefix of every context key the stack reads. */
export const CONTEXT_PREFIX = 'driftAudit:';

/**
 * The deploy-time settings of `DriftAuditStack`, read from cdk.json context (`"driftAudit:<name>"`)
 * or `cdk deploy -c driftAudit:<name>=<value>`. Values from `-c` arrive as strings; numbers and
 * booleans are accepted in both forms.
 */
export interface DriftAuditContext {
  /** `driftAudit:baselineDir`: baseline directory, relative to the working directory. Default `config`. */
  readonly baselineDir: string;
  /** `driftAudit:schedule`: Scheduler expression, `rate(...)` or `cron(...)`. Default `rate(1 hour)`. */
  readonly schedule: string;
  /**
   * `driftAudit:expectedRunIntervalMinutes`: how often a successful run is expected (dead-man's switch).
   * Default: the interval of a `rate()` schedule; required with `cron()`.
   */
  readonly expectedRunIntervalMinutes?: number;
  /** `driftAudit:timeoutMinutes`: audit function timeout, whole minutes 1-15. Default 5. */
  readonly timeoutMinutes: number;
  /** `driftAudit:memoryMb`: audit function memory, 128-10240. Default 1024. */
  readonly memoryMb: number;
  /**
   * `driftAudit:ssmRequestsPerSecond`: SSM Get* budget (GetParameter, GetParameters, GetParametersByPath)
   * per account and region. Default 20 (half of AWS's default 40 per second).
   */
  readonly ssmRequestsPerSecond: number;
  /**
   * `driftAudit:ssmDescribeRequestsPerSecond`: SSM DescribeParameters budget per account and region, a
   * quota of its own. Default 5 (half of the 10 per second assumed; AWS does not publish it).
   */
  readonly ssmDescribeRequestsPerSecond: number;
  /** `driftAudit:reminders`: `false` turns the daily digest and the expiring-exception announcements off. Default true. */
  readonly reminders: boolean;
  /** `driftAudit:reminderStaleAfterDays`: open drift this many days old goes in the daily digest, 1-400. Default 7. */
  readonly reminderStaleAfterDays: number;
  /** `driftAudit:reminderExceptionWarningDays`: exceptions expiring within this many days are announced once, 0-400. Default 7. */
  readonly reminderExceptionWarningDays: number;
  /** `driftAudit:dashboard`: `false` leaves the CloudWatch drift dashboard out. Default true. */
  readonly dashboard: boolean;
  /** `driftAudit:alertEmail`: address subscribed to drift alerts. Default none. */
  readonly alertEmail?: string;
  /** `driftAudit:opsEmail`: address subscribed to auditor health alarms. Default `alertEmail`. */
  readonly opsEmail?: string;
  /** `driftAudit:slackWebhookSecretName`: Secrets Manager secret with the Slack webhook URL. Default none (no notifier). */
  readonly slackWebhookSecretName?: string;
  /** `driftAudit:chatbotWorkspaceId`: Slack workspace id for AWS Chatbot; needs `chatbotChannelId`. Default none. */
  readonly chatbotWorkspaceId?: string;
  /** `driftAudit:chatbotChannelId`: Slack channel id for AWS Chatbot; needs `chatbotWorkspaceId`. Default none. */
  readonly chatbotChannelId?: string;
  /** `driftAudit:pullRequestRepository`: `owner/name` of the config repository; enables pull requests from drift. Default none. */
  readonly pullRequestRepository?: string;
  /** `driftAudit:pullRequestBaseBranch`: the branch pull requests target. Default `main`. */
  readonly pullRequestBaseBranch?: string;
  /** `driftAudit:pullRequestBaselinePath`: the baseline file in that repository (`config/baseline.yaml`); needs `pullRequestRepository`. */
  readonly pullRequestBaselinePath?: string;
  /**
   * `driftAudit:githubTokenSecretArn`: full ARN of the Secrets Manager secret the pull requests authenticate
   * with; needs `pullRequestRepository`. It holds a fine-grained token (bare, or `{"token": "..."}`) or
   * GitHub App credentials (`{"appId": ..., "installationId": ..., "privateKey": "-----BEGIN RSA PRIVATE KEY-----..."}`),
   * either limited to the config repository with Contents and Pull requests read/write (README, "Pull
   * requests from drift"). The audit function may read this one secret only.
   */
  readonly githubTokenSecretArn?: string;
  /** `driftAudit:reportRetentionDays`: days run reports are kept. Default 90. */
  readonly reportRetentionDays: number;
  /** `driftAudit:logRetentionDays`: log retention, a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, ...). Default 30. */
  readonly logRetentionDays: RetentionDays;
  /** `driftAudit:auditRoleName`: fixed name of the audit role, trusted by member accounts. Default `drift-audit-auditor`. */
  readonly auditRoleName: string;
  /** `driftAudit:bucketName`: existing bucket for baseline, reports and state. Default: a new bucket. */
  readonly bucketName?: string;
  /** `driftAudit:baselineKey`: object key of the baseline bundle. Default `baseline/baseline.json`. */
  readonly baselineKey: string;
  /**
   * `driftAudit:uploadBaseline`: upload the baseline on deploy. `false` (needs `bucketName`) when a pipeline
   * uploads it; the local copy is still read at synth to derive permissions. Default true.
   */
  readonly uploadBaseline: boolean;
  /** `driftAudit:changeEvents`: real-time detection from SSM change events (rule, queue, event source). Default false. */
  readonly changeEvents: boolean;
  /** `driftAudit:changeBatchingWindowSeconds`: debounce of the change queue, 0-300 seconds. Default 30. */
  readonly changeBatchingWindowSeconds: number;
  /** `driftAudit:changeEventsOrganizationId`: `o-...`; member accounts of this organization may forward change events. Default: the scope's accounts. */
  readonly changeEventsOrganizationId?: string;
  /** `driftAudit:kubernetesAuditLogs`: subscribe to the declared clusters' EKS audit logs; needs `changeEvents`. Default false. */
  readonly kubernetesAuditLogs: boolean;
  /**
   * `driftAudit:collection`: `single-function` (the audit function reads everything) or `state-machine`
   * (a Step Functions Distributed Map runs one collector per target; for large estates, see README
   * "Large estates"). Default `single-function`.
   */
  readonly collection: 'single-function' | 'state-machine';
  /** `driftAudit:fanOutMaxConcurrency`: collectors running at once with `state-machine`, 1-10000. Default 100. */
  readonly fanOutMaxConcurrency?: number;
  /** `driftAudit:fanOutTargetTimeoutSeconds`: one target's collector timeout with `state-machine`, 10-900. Default 240. */
  readonly fanOutTargetTimeoutSeconds?: number;
  /**
   * `driftAudit:vpcId` with `driftAudit:subnets` (`[{ subnetId, availabilityZone, routeTableId? }]`),
   * optional `driftAudit:securityGroupIds` and `driftAudit:vpcEndpoints` (`ssm`, `sts`, `eks`, `sns`,
   * `secretsmanager`, `logs`, `monitoring`, `s3`, `dynamodb`): run the functions in that VPC, for
   * private clusters. Default none (no VPC).
   */
  readonly network?: NetworkContext;
}

/** cdk.json context is invalid; `problems` lists every bad key, not just the first. */
export class DriftAuditContextError extends Error {
  override readonly name = 'DriftAuditContextError';
  readonly code = 'INVALID_CONTEXT';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid drift-audit context (cdk.json "context" or -c):\n- ${problems.join('\n- ')}`);
    this.problems = problems;
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const RETENTION_VALUES = new Set<number>(Object.values(RetentionDays).filter((value): value is number => typeof value === 'number' && value > 0));

/**
 * Reads and checks the stack's context. `get` is `(key) => node.tryGetContext(key)`.
 * Throws one `DriftAuditContextError` naming every bad key, its value and what was expected.
 */
export function parseDriftAuditContext(get: (key: string) => unknown): DriftAuditContext {
  const problems: string[] = [];
  // Parsers push their own problem and return a stand-in value, so every bad key is reported at once.
  const read = <T>(name: string, fallback: T, parse: (raw: unknown, key: string) => T): T => {
    const key = `${CONTEXT_PREFIX}${name}`;
    const raw = get(key);
    return raw === undefined || raw === null || raw === '' ? fallback : parse(raw, key);
  };

  const schedule = read('schedule', 'rate(1 hour)', (raw, key) => {
    const text = stringValue(raw);
    const parsed = text === undefined ? undefined : parseScheduleExpression(text);
    if (parsed?.ok) return text as string;
    problems.push(`${key} = ${show(raw)}: ${parsed ? parsed.reason : 'expected a string'}`);
    return 'rate(1 hour)';
  });
  const expectedRunIntervalMinutes = read<number | undefined>('expectedRunIntervalMinutes', undefined, (raw, key) =>
    integerIn(raw, key, 1, 5_040, 'whole minutes'),
  );
  const parsedSchedule = parseScheduleExpression(schedule);
  if (parsedSchedule.ok && parsedSchedule.schedule.kind === 'cron' && expectedRunIntervalMinutes === undefined) {
    problems.push(`${CONTEXT_PREFIX}expectedRunIntervalMinutes is required with a cron() schedule ("${schedule}"), for the dead-man's switch alarm`);
  }

  const chatbotWorkspaceId = read<string | undefined>('chatbotWorkspaceId', undefined, (raw, key) =>
    pattern(raw, key, /^[A-Z0-9]{1,256}$/, 'a Slack workspace id such as T0123ABCD'),
  );
  const chatbotChannelId = read<string | undefined>('chatbotChannelId', undefined, (raw, key) =>
    pattern(raw, key, /^[A-Za-z0-9]{1,256}$/, 'a Slack channel id such as C0123ABCD'),
  );
  if ((chatbotWorkspaceId === undefined) !== (chatbotChannelId === undefined)) {
    problems.push(`${CONTEXT_PREFIX}chatbotWorkspaceId and ${CONTEXT_PREFIX}chatbotChannelId go together: set both or neither`);
  }

  const pullRequestRepository = read<string | undefined>('pullRequestRepository', undefined, (raw, key) =>
    pattern(raw, key, GITHUB_REPOSITORY, 'a GitHub repository as owner/name'),
  );
  const pullRequestBaselinePath = read<string | undefined>('pullRequestBaselinePath', undefined, (raw, key) =>
    pattern(raw, key, /^[^/].*[^/]$|^[^/]$/, 'a file path relative to the repository root, such as config/baseline.yaml'),
  );
  const githubTokenSecretArn = read<string | undefined>('githubTokenSecretArn', undefined, (raw, key) =>
    pattern(raw, key, SECRET_ARN, "a secret's full ARN with its 6-character suffix"),
  );
  const pullRequestKeys = [pullRequestRepository, pullRequestBaselinePath, githubTokenSecretArn];
  if (pullRequestKeys.some((value) => value !== undefined) && pullRequestKeys.some((value) => value === undefined)) {
    problems.push(
      `${CONTEXT_PREFIX}pullRequestRepository, ${CONTEXT_PREFIX}pullRequestBaselinePath and ${CONTEXT_PREFIX}githubTokenSecretArn go together: set all three or none`,
    );
  }

  const bucketName = read<string | undefined>('bucketName', undefined, (raw, key) => pattern(raw, key, BUCKET_NAME, 'an S3 bucket name'));
  const uploadBaseline = read('uploadBaseline', true, (raw, key) => booleanValue(raw, key));
  if (!uploadBaseline && bucketName === undefined) {
    problems.push(`${CONTEXT_PREFIX}uploadBaseline = false needs ${CONTEXT_PREFIX}bucketName: the baseline must already be in an existing bucket`);
  }

  const changeEvents = read('changeEvents', false, (raw, key) => booleanValue(raw, key));
  const kubernetesAuditLogs = read('kubernetesAuditLogs', false, (raw, key) => booleanValue(raw, key));
  if (kubernetesAuditLogs && !changeEvents) {
    problems.push(`${CONTEXT_PREFIX}kubernetesAuditLogs = true needs ${CONTEXT_PREFIX}changeEvents = true: audit-log writes feed the change queue`);
  }
  const network = parseNetworkContext(get, CONTEXT_PREFIX, problems);

  const result: DriftAuditContext = {
    baselineDir: read('baselineDir', 'config', (raw, key) => nonEmptyString(raw, key, 'a directory path')),
    schedule,
    ...(expectedRunIntervalMinutes !== undefined && { expectedRunIntervalMinutes }),
    timeoutMinutes: read('timeoutMinutes', 5, (raw, key) => integerIn(raw, key, 1, 15, 'whole minutes')),
    memoryMb: read('memoryMb', 1024, (raw, key) => integerIn(raw, key, 128, 10_240, 'MiB')),
    ssmRequestsPerSecond: read('ssmRequestsPerSecond', DEFAULT_SSM_GET_RPS, (raw, key) => positiveNumber(raw, key)),
    ssmDescribeRequestsPerSecond: read('ssmDescribeRequestsPerSecond', DEFAULT_SSM_DESCRIBE_RPS, (raw, key) => positiveNumber(raw, key)),
    reminders: read('reminders', true, (raw, key) => booleanValue(raw, key)),
    reminderStaleAfterDays: read('reminderStaleAfterDays', 7, (raw, key) => integerIn(raw, key, 1, 400, 'days')),
    reminderExceptionWarningDays: read('reminderExceptionWarningDays', 7, (raw, key) => integerIn(raw, key, 0, 400, 'days')),
    dashboard: read('dashboard', true, (raw, key) => booleanValue(raw, key)),
    ...optional(
      'alertEmail',
      read<string | undefined>('alertEmail', undefined, (raw, key) => pattern(raw, key, EMAIL, 'an email address')),
    ),
    ...optional(
      'opsEmail',
      read<string | undefined>('opsEmail', undefined, (raw, key) => pattern(raw, key, EMAIL, 'an email address')),
    ),
    ...optional(
      'slackWebhookSecretName',
      read<string | undefined>('slackWebhookSecretName', undefined, (raw, key) => pattern(raw, key, SECRET_NAME, 'a Secrets Manager secret name')),
    ),
    ...optional('chatbotWorkspaceId', chatbotWorkspaceId),
    ...optional('chatbotChannelId', chatbotChannelId),
    ...optional('pullRequestRepository', pullRequestRepository),
    ...optional(
      'pullRequestBaseBranch',
      read<string | undefined>('pullRequestBaseBranch', undefined, (raw, key) => nonEmptyString(raw, key, 'a branch name')),
    ),
    ...optional('pullRequestBaselinePath', pullRequestBaselinePath),
    ...optional('githubTokenSecretArn', githubTokenSecretArn),
    reportRetentionDays: read('reportRetentionDays', 90, (raw, key) => integerIn(raw, key, 1, 36_500, 'days')),
    logRetentionDays: read('logRetentionDays', RetentionDays.ONE_MONTH, (raw, key) => {
      const days = integerIn(raw, key, 1, 3_653, 'days');
      // A non-integer was already reported by integerIn (which then returns 1, a valid value).
      if (RETENTION_VALUES.has(days)) return days as RetentionDays;
      problems.push(`${key} = ${show(raw)}: CloudWatch Logs accepts ${[...RETENTION_VALUES].sort((a, b) => a - b).join(', ')} days`);
      return RetentionDays.ONE_MONTH;
    }),
    auditRoleName: read(
      'auditRoleName',
      DEFAULT_AUDITOR_ROLE_NAME,
      (raw, key) => pattern(raw, key, ROLE_NAME, 'an IAM role name (up to 64 of A-Z a-z 0-9 _+=,.@-)') ?? DEFAULT_AUDITOR_ROLE_NAME,
    ),
    ...optional('bucketName', bucketName),
    baselineKey: read('baselineKey', 'baseline/baseline.json', (raw, key) => {
      const value = nonEmptyString(raw, key, 'an S3 object key');
      if (!value.endsWith('/')) return value;
      problems.push(`${key} = ${show(raw)}: must name an object, not a prefix`);
      return 'baseline/baseline.json';
    }),
    uploadBaseline,
    changeEvents,
    changeBatchingWindowSeconds: read('changeBatchingWindowSeconds', 30, (raw, key) => integerIn(raw, key, 0, 300, 'seconds')),
    ...optional(
      'changeEventsOrganizationId',
      read<string | undefined>('changeEventsOrganizationId', undefined, (raw, key) =>
        pattern(raw, key, /^o-[a-z0-9]{10,32}$/, 'an AWS Organizations id such as o-a1b2c3d4e5'),
      ),
    ),
    kubernetesAuditLogs,
    collection: read<'single-function' | 'state-machine'>('collection', 'single-function', (raw, key) => {
      if (raw === 'single-function' || raw === 'state-machine') return raw;
      problems.push(`${key} = ${show(raw)}: expected single-function or state-machine`);
      return 'single-function';
    }),
    ...optional(
      'fanOutMaxConcurrency',
      read<number | undefined>('fanOutMaxConcurrency', undefined, (raw, key) => integerIn(raw, key, 1, 10_000, 'collectors')),
    ),
    ...optional(
      'fanOutTargetTimeoutSeconds',
      read<number | undefined>('fanOutTargetTimeoutSeconds', undefined, (raw, key) => integerIn(raw, key, 10, 900, 'seconds')),
    ),
    ...optional('network', network),
  };
  if (problems.length > 0) throw new DriftAuditContextError(problems);
  return result;

  function nonEmptyString(raw: unknown, key: string, what: string): string {
    const text = stringValue(raw);
    if (text !== undefined && text.trim() !== '') return text.trim();
    problems.push(`${key} = ${show(raw)}: expected ${what}`);
    return '';
  }
  function pattern(raw: unknown, key: string, re: RegExp, what: string): string | undefined {
    const text = stringValue(raw)?.trim();
    if (text !== undefined && re.test(text)) return text;
    problems.push(`${key} = ${show(raw)}: expected ${what}`);
    return undefined;
  }
  function integerIn(raw: unknown, key: string, min: number, max: number, unit: string): number {
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`${key} = ${show(raw)}: expected ${unit}, a whole number from ${min} to ${max}`);
    return min;
  }
  function positiveNumber(raw: unknown, key: string): number {
    const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (Number.isFinite(value) && value > 0) return value;
    problems.push(`${key} = ${show(raw)}: expected a positive number of requests per second`);
    return 1;
  }
  function booleanValue(raw: unknown, key: string): boolean {
    if (raw === true || raw === 'true') return true;
    if (raw === false || raw === 'false') return false;
    problems.push(`${key} = ${show(raw)}: expected true or false`);
    return true;
  }
}

function stringValue(raw: unknown): string | undefined {
  return typeof raw === 'string' ? raw : undefined;
}

function show(raw: unknown): string {
  return JSON.stringify(raw) ?? String(raw);
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
