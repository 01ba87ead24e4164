import { App, Duration, type Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { changeForwarderPlaces, DriftAuditChangeForwarderStack } from '../../lib/drift-audit-change-forwarder-stack.js';
import { DriftAuditor, type DriftAuditorProps } from '../../lib/drift-auditor.js';
import {
  AUDITOR_ACCOUNT,
  FIXTURE_BASELINE_DIR,
  FIXTURE_ENTRY,
  MEMBER_ACCOUNT,
  PINNED_ENV,
  flat,
  logicalId,
  newStack,
  propertiesOf,
  sampleScope,
} from './cdk-test-support.js';

function build(changeEvents: NonNullable<DriftAuditorProps['changeEvents']> = {}, stack: Stack = newStack(PINNED_ENV)) {
  const auditor = new DriftAuditor(stack, 'Auditor', {
    scope: sampleScope(),
    baselineDirectory: FIXTURE_BASELINE_DIR,
    auditHandlerEntry: FIXTURE_ENTRY,
    notifierHandlerEntry: FIXTURE_ENTRY,
    changeEvents: { forwarderHandlerEntry: FIXTURE_ENTRY, ...changeEvents },
  });
  return { stack, auditor, template: Template.fromStack(stack) };
}

describe('Construct: DriftAuditorChangeEvents', () => {
  it('routes Parameter Store Change events under every declared tree from the default bus to the change queue', () => {
    const { template } = build();
    const queue = logicalId(template, 'AWS::SQS::Queue', 'AuditorChangeEventsQueue');
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.ssm'],
        'detail-type': ['Parameter Store Change'],
        detail: { name: [{ prefix: '/production-eu/api/' }, { prefix: '/production-us/api/' }, { prefix: '/staging-us/api/' }] },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [queue, 'Arn'] } })],
    });
    // Only that rule may send to the queue.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Condition: {
              ArnEquals: {
                'aws:SourceArn': { 'Fn::GetAtt': [logicalId(template, 'AWS::Events::Rule', 'AuditorChangeEventsParameterStoreChangeRule'), 'Arn'] },
              },
            },
          }),
        ]),
      },
    });
  });

  it('debounces through an encrypted queue with a dead-letter queue, read by the audit function with partial batch responses', () => {
    const { template } = build({ batchingWindow: Duration.seconds(120), batchSize: 500 });
    const queue = propertiesOf(template, 'AWS::SQS::Queue', 'AuditorChangeEventsQueue');
    expect(queue['SqsManagedSseEnabled']).toBe(true);
    // Six times the audit function's 5-minute timeout, as Lambda asks of an SQS event source.
    expect(queue['VisibilityTimeout']).toBe(1800);
    expect(flat((queue['RedrivePolicy'] as Record<string, unknown>)['deadLetterTargetArn'])).toBe(
      `<${logicalId(template, 'AWS::SQS::Queue', 'AuditorDeadLetterQueue')}.Arn>`,
    );
    expect((queue['RedrivePolicy'] as Record<string, unknown>)['maxReceiveCount']).toBe(5);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(template, 'AWS::Lambda::Function', 'AuditorAuditFunction') },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'AuditorChangeEventsQueue'), 'Arn'] },
      MaximumBatchingWindowInSeconds: 120,
      BatchSize: 500,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    // SSL only, as every queue of the construct.
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('alarms the ops topic when a change event has waited more than 15 minutes', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateAgeOfOldestMessage',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(template, 'AWS::SQS::Queue', 'AuditorChangeEventsQueue'), 'QueueName'] } }],
      Threshold: 900,
      AlarmActions: [{ Ref: logicalId(template, 'AWS::SNS::Topic', 'AuditorOpsTopic') }],
    });
  });

  it('refuses a batching window Lambda does not allow, naming the limit', () => {
    expect(() => build({ batchingWindow: Duration.seconds(301) })).toThrow(/at most 300 s/);
    expect(() => build({ batchingWindow: Duration.seconds(0), batchSize: 50 })).toThrow(/1 to 10/);
  });

  it('lets the member accounts of the scope put events on the default bus, or every account of an organization', () => {
    const listed = build().template;
    listed.hasResourceProperties('AWS::Events::EventBusPolicy', {
      EventBusName: 'default',
      Statement: {
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: { AWS: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${MEMBER_ACCOUNT}:root`]] }] },
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:us-east-1:${AUDITOR_ACCOUNT}:event-bus/default`]] },
      },
    });
    const organization = build({ organizationId: 'o-a1b2c3d4e5' }).template;
    organization.hasResourceProperties('AWS::Events::EventBusPolicy', {
      Statement: Match.objectLike({ Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }),
    });
  });

  it('subscribes a forwarder to the audit log of each cluster here, with a filter on writes to declared namespaces', () => {
    const { template, stack } = build({ kubernetesAuditLogs: true });
    template.resourceCountIs('AWS::Logs::SubscriptionFilter', 1);
    template.hasResourceProperties('AWS::Logs::SubscriptionFilter', {
      LogGroupName: '/aws/eks/prod-us/cluster',
      DestinationArn: { 'Fn::GetAtt': [logicalId(template, 'AWS::Lambda::Function', 'AuditorChangeEventsForwarder'), 'Arn'] },
      FilterPattern: Match.stringLikeRegexp(
        String.raw`\$\.verb = "patch".*\$\.objectRef\.resource = "configmaps".*\$\.objectRef\.namespace = "api" \|\| \$\.objectRef\.namespace = "payments"`,
      ),
    });
    // CloudWatch Logs may invoke the forwarder for that log group only.
    template.hasResourceProperties('AWS::Lambda::Permission', { Principal: 'logs.amazonaws.com', Action: 'lambda:InvokeFunction' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CHANGE_QUEUE_URL: { Ref: logicalId(template, 'AWS::SQS::Queue', 'AuditorChangeEventsQueue') } }) },
    });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('prod-eu, staging-us are in another account or region'));
  });

  it('adds nothing when change events are off', () => {
    const stack = newStack(PINNED_ENV);
    new DriftAuditor(stack, 'Auditor', {
      scope: sampleScope(),
      baselineDirectory: FIXTURE_BASELINE_DIR,
      auditHandlerEntry: FIXTURE_ENTRY,
      notifierHandlerEntry: FIXTURE_ENTRY,
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 0);
    template.resourceCountIs('AWS::SQS::Queue', 1);
  });

  it('passes cdk-nag AwsSolutions with every change-event option on', () => {
    const { stack } = build({ kubernetesAuditLogs: true, organizationId: 'o-a1b2c3d4e5' });
    const errors = new AwsSolutionsChecks().validateScope(stack).violations.filter((violation) => (violation.severity ?? 'error') === 'error');
    expect(errors.map((violation) => `${violation.ruleName} ${violation.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
  });
});

describe('Stack: DriftAuditChangeForwarderStack', () => {
  it('is needed once per other region or account holding a declared tree', () => {
    expect(changeForwarderPlaces(sampleScope(), { account: AUDITOR_ACCOUNT, region: 'us-east-1' })).toEqual([
      { account: AUDITOR_ACCOUNT, region: 'us-west-2', prefixes: ['/staging-us/api/'] },
      { account: MEMBER_ACCOUNT, region: 'eu-west-1', prefixes: ['/production-eu/api/'] },
    ]);
  });

  it("forwards that place's Parameter Store changes to the auditor's default bus with a role that may put events there only", () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new DriftAuditChangeForwarderStack(app, 'Forwarder', {
      env: { account: MEMBER_ACCOUNT, region: 'eu-west-1' },
      home: { account: AUDITOR_ACCOUNT, region: 'us-east-1' },
      prefixes: ['/production-eu/api/'],
    });
    const template = Template.fromStack(stack);
    const bus = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:us-east-1:${AUDITOR_ACCOUNT}:event-bus/default`]] };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ssm'], 'detail-type': ['Parameter Store Change'], detail: { name: [{ prefix: '/production-eu/api/' }] } },
      Targets: [Match.objectLike({ Arn: bus, RoleArn: Match.anyValue() })],
    });
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: bus }] } });
  });
});

describe('Construct: DriftAuditReadRole, forwarding change events', () => {
  it("adds the member account's forwarding rule for the trees of its region, to the auditor's bus", async () => {
    const { DriftAuditReadRole } = await import('../../lib/drift-audit-read-role.js');
    const { scopeForRole } = await import('../../lib/audit-scope.js');
    const stack = newStack({ account: MEMBER_ACCOUNT, region: 'eu-west-1' });
    new DriftAuditReadRole(stack, 'ReadRole', {
      auditorAccountId: AUDITOR_ACCOUNT,
      scope: scopeForRole(sampleScope(), sampleScope().roleArns[0] ?? ''),
      forwardChangeEventsTo: { region: 'us-east-1' },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { name: [{ prefix: '/production-eu/api/' }] } }),
      Targets: [Match.objectLike({ Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:events:us-east-1:${AUDITOR_ACCOUNT}:event-bus/default`]] } })],
    });
  });
});
