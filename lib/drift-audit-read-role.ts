import { Duration, Stack } from 'aws-cdk-lib';
import { AccountPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { localScope, type AuditScope } from './audit-scope.js';
import { DriftAuditAccessEntries } from './drift-audit-access-entries.js';
import { ChangeEventForwardingRule } from './drift-audit-change-forwarder-stack.js';
import { acknowledgeWildcards } from './nag-acknowledgements.js';
import { DESCRIBE_PARAMETERS_REASON, readStatements } from './read-permissions.js';

/** Default name of the read role in member accounts (the baseline's `role_arn` points at it). */
export const DEFAULT_READ_ROLE_NAME = 'drift-audit-read';

/** Default name of the auditor's role, as the `DriftAuditStack` names it. */
export const DEFAULT_AUDITOR_ROLE_NAME = 'drift-audit-auditor';

/** Properties of {@link DriftAuditReadRole}. */
export interface DriftAuditReadRoleProps {
  /** Account the auditor runs in. */
  readonly auditorAccountId: string;
  /**
   * Name of the auditor's role in that account; only that role may assume this one.
   * @default 'drift-audit-auditor'
   */
  readonly auditorRoleName?: string;
  /**
   * What this account must let the auditor read: `scopeForRole(auditScopeFromBaseline(baseline), roleArn)`.
   * Account fields are ignored (this role can only read its own account); regions are honoured.
   */
  readonly scope: AuditScope;
  /**
   * Shared secret the auditor must present (`sts:ExternalId`), against confused-deputy use.
   * @default - none
   */
  readonly externalId?: string;
  /**
   * Name of the role, so the baseline's `role_arn` can name it before it exists.
   * @default 'drift-audit-read'
   */
  readonly roleName?: string;
  /**
   * Create EKS access entries (AmazonEKSViewPolicy on the declared namespaces) for clusters in this
   * stack's region. Turn off when the clusters' access is managed elsewhere.
   * @default true
   */
  readonly createAccessEntries?: boolean;
  /**
   * Region of the auditor's stack: forward this account's Parameter Store changes under the scope's
   * trees in this stack's region to the auditor's default bus (change events; the auditor's bus must
   * allow this account, which `DriftAuditorChangeEvents` does for the accounts its scope names).
   * @default - no forwarding: this account's changes are seen by the scheduled sweep only
   */
  readonly forwardChangeEventsTo?: { readonly region: string };
}

/**
 * The read-only role the auditor assumes in a member account: SSM reads on the declared path trees,
 * DescribeParameters, eks:DescribeCluster on the declared clusters, and EKS view access to the
 * declared namespaces. Trust is the auditor's account restricted to the auditor's role by
 * `aws:PrincipalArn`, which (unlike naming the role as principal) survives the role being recreated
 * and can be deployed before the auditor exists.
 */
export class DriftAuditReadRole extends Construct {
  readonly role: Role;
  readonly accessEntries?: DriftAuditAccessEntries;
  readonly changeEventForwarding?: ChangeEventForwardingRule;

  constructor(scope: Construct, id: string, props: DriftAuditReadRoleProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const auditorRoleArn = `arn:${stack.partition}:iam::${props.auditorAccountId}:role/${props.auditorRoleName ?? DEFAULT_AUDITOR_ROLE_NAME}`;

    this.role = new Role(this, 'Role', {
      roleName: props.roleName ?? DEFAULT_READ_ROLE_NAME,
      description: 'drift-audit: read-only access for the configuration drift auditor',
      maxSessionDuration: Duration.hours(1),
      assumedBy: new AccountPrincipal(props.auditorAccountId).withConditions({
        ArnEquals: { 'aws:PrincipalArn': auditorRoleArn },
        ...(props.externalId !== undefined && { StringEquals: { 'sts:ExternalId': props.externalId } }),
      }),
    });

    // The account of every entry is this one: a role cannot grant reads in another account.
    const local = localScope(props.scope);
    const read = readStatements(this, local);
    // Every kind's read statements; a member account's role assumes no further role.
    for (const [name, statement] of Object.entries(read)) {
      if (name !== 'assumeRoles' && statement !== undefined) this.role.addToPrincipalPolicy(statement);
    }
    if (read.parameterTrees) {
      acknowledgeWildcards(this.role, [read.parameterTrees], 'SSM reads are limited to the path trees the baseline declares; `<path>/*` is the tree itself.');
    }
    if (read.describeParameters) acknowledgeWildcards(this.role, [read.describeParameters], DESCRIBE_PARAMETERS_REASON);

    const prefixes = local.ssm.filter((entry) => entry.region === undefined || entry.region === stack.region).map((entry) => entry.path);
    if (props.forwardChangeEventsTo !== undefined && prefixes.length > 0) {
      this.changeEventForwarding = new ChangeEventForwardingRule(this, 'ChangeEventForwarding', {
        home: { account: props.auditorAccountId, region: props.forwardChangeEventsTo.region },
        prefixes,
      });
    }

    if (props.createAccessEntries ?? true) {
      this.accessEntries = new DriftAuditAccessEntries(this, 'AccessEntries', {
        principalArn: this.role.roleArn,
        clusters: local.clusters,
      });
    }
  }
}
