/**
 * The drift-audit construct library: use `DriftAuditor` in your own CDK app, `DriftAuditReadRole` in
 * member accounts, or deploy `DriftAuditStack` as is (`bin/app.ts`).
 */
export {
  AUDIT_FUNCTION_ENV,
  AUDIT_SCHEDULE_EVENT_SOURCE,
  DEFAULT_AUDIT_SERVICE_NAME,
  DEFAULT_METRICS_NAMESPACE,
  NOTIFY_SLACK_FUNCTION_ENV,
  SUCCESS_METRIC_NAME,
  type AuditScheduleEvent,
} from './audit-function-environment.js';
export {
  auditScopeFromBaseline,
  directScope,
  normalisePath,
  scopeForRole,
  type AuditScope,
  type ClusterReadScope,
  type SsmReadScope,
} from './audit-scope.js';
export { BaselineDirError, loadBaselineDir, type BaselineDirResult } from '../lambdas/baseline/load-baseline-dir.js';
export {
  BASELINE_BUNDLE_SCHEMA,
  BaselineBundleError,
  baselineBundle,
  isBaselineBundle,
  readBaselineBundle,
  type BaselineBundle,
  type BaselineBundleFile,
} from './baseline-bundle.js';
export { CONTEXT_PREFIX, DriftAuditContextError, parseDriftAuditContext, type DriftAuditContext } from './context.js';
export { DriftAuditAccessEntries, EKS_VIEW_POLICY_NAME, type DriftAuditAccessEntriesProps } from './drift-audit-access-entries.js';
export {
  DEFAULT_AUDITOR_ROLE_NAME,
  DEFAULT_READ_ROLE_NAME,
  DriftAuditReadRole,
  type DriftAuditReadRoleProps,
} from './drift-audit-read-role.js';
export {
  AUDIT_SECURITY_GROUPS_OUTPUT,
  DEFAULT_STACK_NAME,
  DRIFT_AUDIT_STACK_OUTPUTS,
  DriftAuditStack,
  type DriftAuditStackProps,
} from './drift-audit-stack.js';
export {
  AUDIT_STATEMENT_SIDS,
  DRIFT_AUDIT_RUNTIME,
  DriftAuditor,
  type DriftAuditorChatbotProps,
  type DriftAuditorProps,
  type DriftAuditorPullRequestProps,
} from './drift-auditor.js';
export {
  DRIFT_AUDIT_VPC_ENDPOINTS,
  type AuditorNetwork,
  type DriftAuditorNetworkProps,
  type DriftAuditVpcEndpointName,
} from './drift-auditor-network.js';
export type { NetworkContext, NetworkContextSubnet } from './network-context.js';
export { DURATION_ALARM_RATIO, DriftAuditorAlarms, type DriftAuditorAlarmsProps } from './drift-auditor-alarms.js';
export { DESCRIBE_PARAMETERS_REASON, READ_STATEMENT_SIDS, clusterArn, parameterTreeArns, readStatements } from './read-permissions.js';
export { parseScheduleExpression, type ParsedSchedule, type ScheduleParseResult } from './schedule-expression.js';
