import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import type { BaselineDirResult } from '../../lambdas/baseline/load-baseline-dir.js';
import type { Baseline } from '../../lambdas/engine/model.js';
import { AUDIT_SECURITY_GROUPS_OUTPUT, DriftAuditStack, type DriftAuditStackProps } from '../../lib/drift-audit-stack.js';
import { READ_STATEMENT_SIDS } from '../../lib/read-permissions.js';
import { FIXTURE_ENTRY, flat, propertiesOf, roleStatements, statementWithSid } from './cdk-test-support.js';

const BASELINE: Baseline = {
  environments: [
    {
      name: 'production-us',
      tier: 'production',
      account: '123456789012',
      region: 'us-east-1',
      precedence: ['file', 'env', 'configmap', 'secret', 'ssm'],
      sources: [
        { kind: 'ssm', path: '/production-us/api/', keyStyle: 'env' },
        { kind: 'eks', cluster: 'prod-us', namespaces: ['api'], workloads: [] },
      ],
    },
  ],
  settings: new Map(),
  ignore: [],
  unmanaged: { policy: 'report', severity: 'medium' },
  exceptions: [],
  defaultSeverity: 'medium',
  attribution: { outOfBandManagers: [], pipelinePrincipals: [] },
  files: ['environments.yaml'],
};

const FILES = [{ name: 'environments.yaml', text: 'version: 1\n' }];

function validLoader(seen: string[] = []): (dir: string) => BaselineDirResult {
  return (dir) => {
    seen.push(dir);
    return { ok: true, baseline: BASELINE, files: FILES, version: 'sha256:abc', warnings: [] };
  };
}

function synth(context: Record<string, unknown>, props: Partial<DriftAuditStackProps> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new DriftAuditStack(app, 'DriftAuditStack', {
    env: { account: '123456789012', region: 'us-east-1' },
    auditHandlerEntry: FIXTURE_ENTRY,
    notifierHandlerEntry: FIXTURE_ENTRY,
    loadBaselineDir: validLoader(),
    ...props,
  });
  return { stack, template: Template.fromStack(stack) };
}

describe('Stack: DriftAuditStack', () => {
  it('reads its settings from context and its permissions from the baseline', () => {
    // Prepare
    const seen: string[] = [];

    // Act
    const { template } = synth(
      {
        'driftAudit:baselineDir': 'my-baseline',
        'driftAudit:schedule': 'rate(15 minutes)',
        'driftAudit:timeoutMinutes': '8',
        'driftAudit:alertEmail': 'oncall@example.com',
      },
      { loadBaselineDir: validLoader(seen) },
    );

    // Assess
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/\/my-baseline$/);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(15 minutes)' });
    expect(propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction').Timeout).toBe(480);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'drift-audit-auditor' });
    const statements = roleStatements(template, 'AuditorAuditRole');
    expect(statementWithSid(statements, READ_STATEMENT_SIDS.parameterTrees).resources).toEqual([
      'arn:<AWS::Partition>:ssm:us-east-1:123456789012:parameter/production-us/api',
      'arn:<AWS::Partition>:ssm:us-east-1:123456789012:parameter/production-us/api/*',
    ]);
    template.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'prod-us' });
  });

  it('exposes the outputs the CLI and people look up, by stable names', () => {
    // Act
    const { template } = synth({});

    // Assess
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(Object.keys(outputs).sort()).toEqual(
      ['AlertTopicArn', 'AuditFunctionName', 'AuditRoleArn', 'BaselineKey', 'BaselineVersion', 'BucketName', 'HistoryTableName', 'OpsTopicArn'].sort(),
    );
    expect(flat(outputs.HistoryTableName?.Value)).toMatch(/^<AuditorHistoryTable[A-F0-9]+>$/);
    expect(outputs.BaselineVersion?.Value).toBe('sha256:abc');
  });

  it('stops synth on an invalid baseline, listing every located error', () => {
    // Prepare
    const invalid = (): BaselineDirResult => ({
      ok: false,
      files: FILES,
      version: 'sha256:def',
      warnings: [],
      issues: [
        {
          code: 'unknown-key',
          severity: 'error',
          file: 'settings.yaml',
          line: 3,
          column: 5,
          path: 'settings.DB_TIMEOUT.typ',
          message: 'unknown key "typ"; did you mean "type"?',
        },
        {
          code: 'invalid-value',
          severity: 'error',
          file: 'environments.yaml',
          line: 9,
          column: 13,
          path: 'environments.prod.region',
          message: 'expected an AWS region',
        },
      ],
    });

    // Act / Assess
    expect(() => synth({}, { loadBaselineDir: invalid })).toThrow(
      /baseline in config is invalid \(2 error\(s\)\)[\s\S]*config\/settings\.yaml:3:5 settings\.DB_TIMEOUT\.typ: unknown key "typ"[\s\S]*config\/environments\.yaml:9:13 environments\.prod\.region: expected an AWS region/,
    );
  });

  it('uses an existing bucket and uploads nothing when the baseline is uploaded elsewhere', () => {
    // Act
    const { template } = synth({ 'driftAudit:bucketName': 'team-baselines', 'driftAudit:uploadBaseline': 'false' });

    // Assess
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('Custom::CDKBucketDeployment', 0);
  });

  it('rejects bad context before touching the baseline', () => {
    // Prepare
    const seen: string[] = [];

    // Act / Assess
    expect(() => synth({ 'driftAudit:timeoutMinutes': 'soon' }, { loadBaselineDir: validLoader(seen) })).toThrow(/driftAudit:timeoutMinutes = "soon"/);
    expect(seen).toEqual([]);
  });

  it("synthesizes the repository's demo baseline in config/ with the real loader", () => {
    // Prepare
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });

    // Act
    const stack = new DriftAuditStack(app, 'DriftAuditStack', { auditHandlerEntry: FIXTURE_ENTRY, notifierHandlerEntry: FIXTURE_ENTRY });
    const template = Template.fromStack(stack);

    // Assess
    expect(stack.auditScope.ssm.length).toBeGreaterThan(0);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(stack.baselineVersion).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('runs the functions in the VPC given by ids in context (no lookup, offline) and outputs the group to allow in the cluster', () => {
    // Act
    const { template } = synth({
      'driftAudit:vpcId': 'vpc-0abc1234',
      'driftAudit:subnets': [
        { subnetId: 'subnet-0aaa1111', availabilityZone: 'us-east-1a', routeTableId: 'rtb-0aaa1111' },
        { subnetId: 'subnet-0bbb2222', availabilityZone: 'us-east-1b', routeTableId: 'rtb-0bbb2222' },
      ],
      'driftAudit:vpcEndpoints': ['ssm', 'sts', 'eks', 's3', 'dynamodb'],
    });

    // Assess
    const vpcConfig = propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction').VpcConfig as { SubnetIds: unknown[] };
    expect(vpcConfig.SubnetIds).toEqual(['subnet-0aaa1111', 'subnet-0bbb2222']);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 5);
    template.hasOutput(AUDIT_SECURITY_GROUPS_OUTPUT, {
      Description: "Security group(s) of the auditor's functions: allow them TCP 443 in each private cluster's security group",
    });
  });

  it('has no VPC and no security group output without the network keys', () => {
    const { template } = synth({});
    expect(propertiesOf(template, 'AWS::Lambda::Function', 'AuditorAuditFunction').VpcConfig).toBeUndefined();
    expect(Object.keys(template.findOutputs(AUDIT_SECURITY_GROUPS_OUTPUT))).toEqual([]);
  });
});
