import { describe, expect, it } from 'vitest';
import { DriftAuditContextError, parseDriftAuditContext } from '../../lib/context.js';

const SUBNETS = [
  { subnetId: 'subnet-0aaa1111', availabilityZone: 'eu-west-1a', routeTableId: 'rtb-0aaa1111' },
  { subnetId: 'subnet-0bbb2222', availabilityZone: 'eu-west-1b', routeTableId: 'rtb-0bbb2222' },
];

function problemsOf(values: Record<string, unknown>): readonly string[] {
  try {
    parseDriftAuditContext((key) => values[key]);
  } catch (error) {
    if (error instanceof DriftAuditContextError) return error.problems;
    throw error;
  }
  return [];
}

describe('Function: parseDriftAuditContext (network keys)', () => {
  it('reads the VPC by ids from cdk.json lists, and from the text `-c` passes', () => {
    // Act
    const fromJson = parseDriftAuditContext(
      (key) =>
        ({
          'driftAudit:vpcId': 'vpc-0abc1234',
          'driftAudit:subnets': SUBNETS,
          'driftAudit:securityGroupIds': ['sg-0123456789abcdef0'],
          'driftAudit:vpcEndpoints': ['ssm', 's3'],
        })[key],
    );
    const fromFlags = parseDriftAuditContext(
      (key) =>
        ({
          'driftAudit:vpcId': 'vpc-0abc1234',
          'driftAudit:subnets': JSON.stringify(SUBNETS),
          'driftAudit:securityGroupIds': 'sg-0123456789abcdef0',
          'driftAudit:vpcEndpoints': 'ssm, s3',
        })[key],
    );

    // Assess
    const expected = { vpcId: 'vpc-0abc1234', subnets: SUBNETS, securityGroupIds: ['sg-0123456789abcdef0'], endpoints: ['ssm', 's3'] };
    expect(fromJson.network).toEqual(expected);
    expect(fromFlags.network).toEqual(expected);
  });

  it('has no network by default', () => {
    expect(parseDriftAuditContext(() => undefined).network).toBeUndefined();
  });

  it('names every bad network key, its value and what is expected', () => {
    // Act
    const problems = problemsOf({
      'driftAudit:vpcId': 'vpc-XYZ',
      'driftAudit:subnets': [
        { subnetId: 'subnet-0aaa1111', availabilityZone: 'eu-west-1a' },
        { subnetId: 'sub-1', availabilityZone: 'west' },
      ],
      'driftAudit:securityGroupIds': 'sg-0123456789abcdef0,default',
      'driftAudit:vpcEndpoints': 'ssm,dynamodb,ec2',
    });

    // Assess
    expect(problems).toEqual([
      'driftAudit:vpcId = "vpc-XYZ": expected a VPC id such as vpc-0abc1234',
      'driftAudit:subnets[1].subnetId = "sub-1": expected a subnet id such as subnet-0abc1234',
      'driftAudit:subnets[1].availabilityZone = "west": expected the subnet\'s zone name such as eu-west-1a',
      'driftAudit:securityGroupIds: "default" is not a security group id such as sg-0abc1234',
      'driftAudit:vpcEndpoints: "ec2" is not one of ssm, sts, eks, sns, secretsmanager, logs, monitoring, s3, dynamodb',
      'driftAudit:subnets[0] (subnet-0aaa1111) needs routeTableId: the dynamodb gateway endpoint(s) go on route tables',
    ]);
  });

  it('requires subnets with a VPC, and a VPC with any other network key', () => {
    expect(problemsOf({ 'driftAudit:vpcId': 'vpc-0abc1234' })).toEqual([
      "driftAudit:subnets = undefined: expected a non-empty list of { subnetId, availabilityZone, routeTableId? } (the functions' subnets)",
    ]);
    expect(problemsOf({ 'driftAudit:vpcEndpoints': 'ssm' })).toEqual([
      'driftAudit:vpcEndpoints needs driftAudit:vpcId: the functions run in a VPC only when it is set',
    ]);
    expect(problemsOf({ 'driftAudit:vpcId': 'vpc-0abc1234', 'driftAudit:subnets': '[{' })).toEqual([
      'driftAudit:subnets: expected a JSON list of { "subnetId", "availabilityZone", "routeTableId" } objects',
    ]);
  });
});
