import { Template, Match } from 'aws-cdk-lib/assertions';
import { SecurityGroup, Subnet, Vpc } from 'aws-cdk-lib/aws-ec2';
import type { Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DriftAuditor, type DriftAuditorNetworkProps, type DriftAuditorProps } from '../../lib/drift-auditor.js';
import { FIXTURE_BASELINE_DIR, FIXTURE_ENTRY, PINNED_ENV, flat, newStack, propertiesOf, roleStatements, sampleScope } from './cdk-test-support.js';

/** An existing VPC known by ids only, as the stack builds it from context: no lookup, no network at synth. */
function importedVpc(stack: Stack) {
  const vpc = Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0abc1234', availabilityZones: ['us-east-1a', 'us-east-1b'] });
  const subnets = [
    Subnet.fromSubnetAttributes(stack, 'SubnetA', { subnetId: 'subnet-0aaa1111', availabilityZone: 'us-east-1a', routeTableId: 'rtb-0aaa1111' }),
    Subnet.fromSubnetAttributes(stack, 'SubnetB', { subnetId: 'subnet-0bbb2222', availabilityZone: 'us-east-1b', routeTableId: 'rtb-0bbb2222' }),
  ];
  return { vpc, subnets: { subnets } };
}

function build(network: (stack: Stack) => DriftAuditorNetworkProps, extra: Partial<DriftAuditorProps> = {}) {
  const stack = newStack(PINNED_ENV);
  const auditor = new DriftAuditor(stack, 'Auditor', {
    scope: sampleScope(),
    baselineDirectory: FIXTURE_BASELINE_DIR,
    auditHandlerEntry: FIXTURE_ENTRY,
    notifierHandlerEntry: FIXTURE_ENTRY,
    slackWebhookSecretName: 'drift-audit/slack-webhook',
    network: network(stack),
    ...extra,
  });
  return { stack, auditor, template: Template.fromStack(stack) };
}

const ALL_ENDPOINTS = ['ssm', 'sts', 'eks', 'sns', 'secretsmanager', 'logs', 'monitoring', 's3', 'dynamodb'] as const;

describe('Construct: DriftAuditor with network (private clusters)', () => {
  it('places both functions in the given subnets with one security group: no inbound, outbound HTTPS only', () => {
    // Act
    const { template } = build((stack) => importedVpc(stack));

    // Assess
    for (const fn of ['AuditorAuditFunction', 'AuditorNotifierFunction']) {
      const vpcConfig = propertiesOf(template, 'AWS::Lambda::Function', fn).VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
      expect(vpcConfig.SubnetIds).toEqual(['subnet-0aaa1111', 'subnet-0bbb2222']);
      expect(vpcConfig.SecurityGroupIds.map(flat)).toEqual([expect.stringMatching(/^<AuditorFunctionSecurityGroup[0-9A-F]+\.GroupId>$/)]);
    }
    template.resourceCountIs('AWS::EC2::SecurityGroup', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      VpcId: 'vpc-0abc1234',
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      SecurityGroupIngress: Match.absent(),
    });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  });

  it('places the fan-out collector in the same subnets and security group, with its own network-interface permissions', () => {
    // Act
    const { template } = build((stack) => importedVpc(stack), { collection: 'state-machine', collectorHandlerEntry: FIXTURE_ENTRY });

    // Assess
    const vpcConfig = propertiesOf(template, 'AWS::Lambda::Function', 'AuditorCollectorFunction').VpcConfig as {
      SubnetIds: unknown[];
      SecurityGroupIds: unknown[];
    };
    expect(vpcConfig.SubnetIds).toEqual(['subnet-0aaa1111', 'subnet-0bbb2222']);
    expect(vpcConfig.SecurityGroupIds.map(flat)).toEqual([expect.stringMatching(/^<AuditorFunctionSecurityGroup[0-9A-F]+\.GroupId>$/)]);
    expect(roleStatements(template, 'AuditorCollectorRole').map((statement) => statement.sid)).toContain('ManageFunctionNetworkInterfaces');
  });

  it("gives each function's own role the network-interface permissions Lambda needs, scoped to the account and region", () => {
    // Act
    const { template } = build((stack) => importedVpc(stack));

    // Assess
    for (const role of ['AuditorAuditRole', 'AuditorNotifierRole']) {
      const statements = roleStatements(template, role);
      expect(statements).toContainEqual({
        sid: 'ManageFunctionNetworkInterfaces',
        effect: 'Allow',
        actions: ['ec2:AssignPrivateIpAddresses', 'ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['arn:<AWS::Partition>:ec2:us-east-1:123456789012:*/*'],
      });
      expect(statements).toContainEqual({
        sid: 'DescribeFunctionNetworkInterfaces',
        effect: 'Allow',
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
        resources: ['*'],
      });
    }
    // No AWS managed policy: the roles stay the construct's own.
    template.hasResourceProperties('AWS::IAM::Role', { Description: Match.stringLikeRegexp('reads the declared SSM'), ManagedPolicyArns: Match.absent() });
  });

  it('adds no network permission and no VPC config without the network prop', () => {
    // Act
    const stack = newStack(PINNED_ENV);
    new DriftAuditor(stack, 'Auditor', { scope: sampleScope(), baselineDirectory: FIXTURE_BASELINE_DIR, auditHandlerEntry: FIXTURE_ENTRY });
    const template = Template.fromStack(stack);

    // Assess
    expect(propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction').VpcConfig).toBeUndefined();
    expect(roleStatements(template, 'AuditorAuditRole').map((statement) => statement.sid)).not.toContain('ManageFunctionNetworkInterfaces');
  });

  it('creates the endpoints asked for: interface ones open on 443 to the functions only, S3 and DynamoDB as gateways on the route tables', () => {
    // Act
    const { template } = build((stack) => ({ ...importedVpc(stack), endpoints: [...ALL_ENDPOINTS] }));

    // Assess
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map(
      (resource) => (resource as { Properties: Record<string, unknown> }).Properties,
    );
    const byService = Object.fromEntries(endpoints.map((properties) => [flat(properties.ServiceName).split('.').pop(), properties]));
    expect(Object.keys(byService).sort()).toEqual(['dynamodb', 'eks', 'logs', 'monitoring', 's3', 'secretsmanager', 'sns', 'ssm', 'sts']);
    for (const name of ['ssm', 'sts', 'eks', 'sns', 'secretsmanager', 'logs', 'monitoring']) {
      expect(byService[name]).toMatchObject({
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        SubnetIds: ['subnet-0aaa1111', 'subnet-0bbb2222'],
        VpcId: 'vpc-0abc1234',
      });
    }
    for (const name of ['s3', 'dynamodb']) {
      expect(byService[name]).toMatchObject({ VpcEndpointType: 'Gateway', RouteTableIds: ['rtb-0aaa1111', 'rtb-0bbb2222'] });
    }
    // Each interface endpoint's group lets in 443 from the functions' group, and nothing from the VPC CIDR.
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).map(
      (resource) => (resource as { Properties: Record<string, unknown> }).Properties,
    );
    expect(ingress).toHaveLength(7);
    for (const rule of ingress) {
      expect(rule).toMatchObject({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 });
      expect(flat(rule.SourceSecurityGroupId)).toMatch(/^<AuditorFunctionSecurityGroup[0-9A-F]+\.GroupId>$/);
    }
    const groups = Object.values(template.findResources('AWS::EC2::SecurityGroup')).map(
      (resource) => (resource as { Properties: Record<string, unknown> }).Properties,
    );
    expect(groups.some((group) => JSON.stringify(group.SecurityGroupIngress ?? []).includes('CidrIp'))).toBe(false);
  });

  it('uses the security groups given instead of creating one, and opens the endpoints to them', () => {
    // Act
    const { template, auditor } = build((stack) => ({
      ...importedVpc(stack),
      securityGroups: [SecurityGroup.fromSecurityGroupId(stack, 'Given', 'sg-0123456789abcdef0', { mutable: false })],
      endpoints: ['ssm'],
    }));

    // Assess
    const vpcConfig = propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction').VpcConfig as { SecurityGroupIds: unknown[] };
    expect(vpcConfig.SecurityGroupIds).toEqual(['sg-0123456789abcdef0']);
    expect(auditor.network?.securityGroups.map((group) => group.securityGroupId)).toEqual(['sg-0123456789abcdef0']);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: 'sg-0123456789abcdef0', FromPort: 443 });
  });

  it('is cdk-nag AwsSolutions clean with every endpoint, each wildcard acknowledged with its reason', () => {
    // Prepare
    const { stack } = build((s) => ({ ...importedVpc(s), endpoints: [...ALL_ENDPOINTS] }));

    // Act
    const violations = new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => ({
      rule: violation.ruleName,
      paths: violation.violatingResources.map((resource) => resource.constructPath),
    }));

    // Assess
    expect(violations).toEqual([]);
  });
});
