import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { scopeForRole } from '../../lib/audit-scope.js';
import { DriftAuditReadRole, type DriftAuditReadRoleProps } from '../../lib/drift-audit-read-role.js';
import { AUDITOR_ACCOUNT, MEMBER_ACCOUNT, MEMBER_ROLE_ARN, flat, newStack, roleStatements, sampleScope } from './cdk-test-support.js';

function build(props: Partial<DriftAuditReadRoleProps> = {}, region = 'eu-west-1') {
  const stack = newStack({ account: MEMBER_ACCOUNT, region });
  new DriftAuditReadRole(stack, 'Read', {
    auditorAccountId: AUDITOR_ACCOUNT,
    scope: scopeForRole(sampleScope(), MEMBER_ROLE_ARN),
    ...props,
  });
  return Template.fromStack(stack);
}

describe('Construct: DriftAuditReadRole', () => {
  it("is named as the baseline expects and trusts only the auditor's role, with the external id", () => {
    // Act
    const template = build({ externalId: 'shared-secret-id' });

    // Assess
    const [role] = Object.values(template.findResources('AWS::IAM::Role')) as { Properties: Record<string, unknown> }[];
    expect(role?.Properties).toMatchObject({ RoleName: 'drift-audit-read', MaxSessionDuration: 3600 });
    const trust = (role!.Properties.AssumeRolePolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(trust.map((statement) => ({ ...statement, Principal: flat((statement.Principal as { AWS: unknown }).AWS) }))).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: `arn:<AWS::Partition>:iam::${AUDITOR_ACCOUNT}:root`,
        Condition: {
          ArnEquals: {
            'aws:PrincipalArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${AUDITOR_ACCOUNT}:role/drift-audit-auditor`]] },
          },
          StringEquals: { 'sts:ExternalId': 'shared-secret-id' },
        },
      },
    ]);
  });

  it('allows SSM reads on its declared trees, DescribeParameters, and DescribeCluster, nothing else', () => {
    // Act
    const statements = roleStatements(build(), 'ReadRole');

    // Assess
    expect(statements.map(({ actions, resources }) => ({ actions, resources }))).toEqual([
      {
        actions: ['ssm:GetParameters', 'ssm:GetParametersByPath'],
        resources: [
          `arn:<AWS::Partition>:ssm:eu-west-1:${MEMBER_ACCOUNT}:parameter/production-eu/api`,
          `arn:<AWS::Partition>:ssm:eu-west-1:${MEMBER_ACCOUNT}:parameter/production-eu/api/*`,
        ],
      },
      { actions: ['ssm:DescribeParameters'], resources: ['*'] },
      { actions: ['eks:DescribeCluster'], resources: [`arn:<AWS::Partition>:eks:eu-west-1:${MEMBER_ACCOUNT}:cluster/prod-eu`] },
    ]);
  });

  it('creates the EKS view access entry for its clusters in this region', () => {
    // Act
    const template = build();

    // Assess
    template.resourceCountIs('AWS::EKS::AccessEntry', 1);
    const [entry] = Object.values(template.findResources('AWS::EKS::AccessEntry')) as { Properties: Record<string, unknown> }[];
    expect(entry?.Properties.ClusterName).toBe('prod-eu');
    expect(flat(entry?.Properties.PrincipalArn)).toMatch(/^<ReadRole[A-F0-9]+\.Arn>$/);
    const policies = entry?.Properties.AccessPolicies as { PolicyArn: unknown; AccessScope: unknown }[];
    expect(policies.map((policy) => ({ ...policy, PolicyArn: flat(policy.PolicyArn) }))).toEqual([
      {
        PolicyArn: 'arn:<AWS::Partition>:eks::aws:cluster-access-policy/AmazonEKSViewPolicy',
        AccessScope: { Type: 'namespace', Namespaces: ['api'] },
      },
    ]);
  });

  it('creates no access entry from another region, or when told not to', () => {
    build({}, 'us-east-1').resourceCountIs('AWS::EKS::AccessEntry', 0);
    build({ createAccessEntries: false }).resourceCountIs('AWS::EKS::AccessEntry', 0);
  });
});
