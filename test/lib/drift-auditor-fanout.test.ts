import { App, Duration, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DriftAuditStack } from '../../lib/drift-audit-stack.js';
import { DriftAuditor, FANOUT_STATES, type DriftAuditorProps } from '../../lib/drift-auditor.js';
import { FIXTURE_BASELINE_DIR, FIXTURE_ENTRY, PINNED_ENV, newStack, sampleScope } from './cdk-test-support.js';

function build(props: Partial<DriftAuditorProps> = {}): { stack: Stack; template: Template; auditor: DriftAuditor } {
  const stack = newStack(PINNED_ENV);
  const auditor = new DriftAuditor(stack, 'Auditor', {
    scope: sampleScope(),
    baselineDirectory: FIXTURE_BASELINE_DIR,
    auditHandlerEntry: FIXTURE_ENTRY,
    collectorHandlerEntry: FIXTURE_ENTRY,
    notifierHandlerEntry: FIXTURE_ENTRY,
    auditRoleName: 'drift-audit-auditor',
    collection: 'state-machine',
    ...props,
  });
  return { stack, template: Template.fromStack(stack), auditor };
}

/** The state machine's definition with every CloudFormation reference flattened to `<LogicalId>`. */
function definitionOf(template: Template): { StartAt: string; States: Record<string, Record<string, unknown>> } {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const flatten = (value: unknown): string => {
    if (typeof value === 'string') return value;
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) return (node['Fn::Join'][1] as unknown[]).map(flatten).join('');
    if (node.Ref !== undefined) return `<${String(node.Ref)}>`;
    if (Array.isArray(node['Fn::GetAtt'])) return `<${String(node['Fn::GetAtt'][0])}>`;
    return JSON.stringify(value);
  };
  return JSON.parse(flatten(machine?.Properties.DefinitionString)) as { StartAt: string; States: Record<string, Record<string, unknown>> };
}

/** Every action the policies attached to roles whose logical id starts with `prefix` allow. */
function actionsOf(template: Template, prefix: string): string[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref.startsWith(prefix)))
    .flatMap((policy) => (policy.Properties.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((statement) => statement.Action))
    .sort();
}

describe('Stack: DriftAuditStack, driftAudit:collection', () => {
  it("builds the fan-out from context, and outputs the role member accounts trust: the collectors'", () => {
    // Prepare
    const app = new App({
      context: {
        'aws:cdk:bundling-stacks': [],
        'driftAudit:baselineDir': FIXTURE_BASELINE_DIR,
        'driftAudit:collection': 'state-machine',
        'driftAudit:fanOutMaxConcurrency': '250',
        'driftAudit:fanOutTargetTimeoutSeconds': 120,
      },
    });

    // Act
    const stack = new DriftAuditStack(app, 'DriftAuditStack', {
      env: PINNED_ENV,
      auditHandlerEntry: FIXTURE_ENTRY,
      notifierHandlerEntry: FIXTURE_ENTRY,
      collectorHandlerEntry: FIXTURE_ENTRY,
    });
    const template = Template.fromStack(stack);

    // Assess
    expect(definitionOf(template).States[FANOUT_STATES.map]).toMatchObject({ MaxConcurrency: 250 });
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('collects one fan-out target'), Timeout: 120 });
    template.hasOutput('AuditRoleArn', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditorCollectorRole'), 'Arn'] } });
  });

  it('refuses an unknown collection, naming the key and the choices', () => {
    const app = new App({ context: { 'driftAudit:collection': 'lambda' } });
    expect(() => new DriftAuditStack(app, 'DriftAuditStack', { env: PINNED_ENV })).toThrow(
      'driftAudit:collection = "lambda": expected single-function or state-machine',
    );
  });

  it('combines with change events: the collectors share the audit role, which re-reads what the events touched', () => {
    // Arrange
    const app = new App({ context: { 'driftAudit:collection': 'state-machine', 'driftAudit:changeEvents': true } });

    // Act
    const stack = new DriftAuditStack(app, 'DriftAuditStack', { env: PINNED_ENV });
    const template = Template.fromStack(stack);

    // Assess: the state machine, the queue the events feed and its mapping, and one role for both readers
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ source: ['aws.ssm'] }) });
    const roles = template.findResources('AWS::IAM::Role');
    expect(Object.keys(roles).filter((id) => id.includes('CollectorRole'))).toEqual([]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('collects one fan-out target'),
      Role: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AuditorAuditRole'), 'Arn'] },
    });
    expect(new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName)).toEqual([]);
  });
});

describe('Construct: DriftAuditor, collection', () => {
  it('builds no state machine on the single-function path', () => {
    // Act
    const { template, auditor } = build({ collection: 'single-function' });

    // Assess
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    expect(auditor.readerRole).toBe(auditor.auditRole);
  });

  describe("collection: 'state-machine'", () => {
    it('plans, collects every target under a Distributed Map over the S3 manifest, then analyses and publishes', () => {
      // Act
      const definition = definitionOf(build().template);

      // Assess
      expect(definition.StartAt).toBe(FANOUT_STATES.plan);
      expect(definition.States[FANOUT_STATES.plan]).toMatchObject({ Type: 'Task', Next: FANOUT_STATES.map, ResultPath: '$.plan' });
      expect(definition.States[FANOUT_STATES.map]).toMatchObject({
        Type: 'Map',
        Next: FANOUT_STATES.finish,
        MaxConcurrency: 100,
        ToleratedFailurePercentage: 100,
        ResultPath: null,
        ItemReader: { ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Key.$': '$.plan.manifestKey' } },
        ItemSelector: { 'run.$': '$.plan.run', 'target.$': '$$.Map.Item.Value' },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' }, StartAt: FANOUT_STATES.collect },
      });
      expect(definition.States[FANOUT_STATES.finish]).toMatchObject({
        Type: 'Task',
        End: true,
        Parameters: { fanOut: 'finish', 'event.$': '$$.Execution.Input', 'plan.$': '$.plan' },
      });
    });

    it("catches any failure of a target's collector and writes its error name as the target's result", () => {
      // Act
      const map = definitionOf(build().template).States[FANOUT_STATES.map] as { ItemProcessor: { States: Record<string, Record<string, unknown>> } };

      // Assess
      const collect = map.ItemProcessor.States[FANOUT_STATES.collect];
      expect(collect).toMatchObject({
        Type: 'Task',
        TimeoutSeconds: 270,
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: FANOUT_STATES.recordFailure }],
      });
      expect(map.ItemProcessor.States[FANOUT_STATES.recordFailure]).toEqual({
        Type: 'Task',
        End: true,
        ResultPath: null,
        Resource: 'arn:<AWS::Partition>:states:::aws-sdk:s3:putObject',
        Parameters: {
          'Bucket.$': '$.run.bucket',
          'Key.$': "States.Format('{}targets/{}.json', $.run.prefix, $.target.key)",
          ContentType: 'application/json',
          Body: { schema: 'drift-audit.fanout-target/1', 'target.$': '$.target', failure: { 'error.$': '$.failure.Error' } },
        },
      });
    });

    it('waits out Lambda throttling: the single-concurrency audit function busy with another run, or the account at its concurrency', () => {
      // Act
      const states = definitionOf(build().template).States;
      const map = states[FANOUT_STATES.map] as { ItemProcessor: { States: Record<string, { Retry?: { ErrorEquals: string[] }[] }> } };

      // Assess
      const retried = (retry: unknown) => ((retry as { ErrorEquals: string[] }[] | undefined) ?? []).flatMap((entry) => entry.ErrorEquals);
      expect(retried(states[FANOUT_STATES.plan]?.['Retry'])).toContain('Lambda.TooManyRequestsException');
      expect(retried(states[FANOUT_STATES.finish]?.['Retry'])).toContain('Lambda.TooManyRequestsException');
      expect(retried(map.ItemProcessor.States[FANOUT_STATES.collect]?.Retry)).toContain('Lambda.TooManyRequestsException');
    });

    it('alarms the ops topic when an execution fails, times out or is aborted', () => {
      // Act
      const { template, auditor } = build();

      // Assess
      expect(auditor.fanOutAlarm).toBeDefined();
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmDescription: Match.stringLikeRegexp('fan-out execution failed'),
        Metrics: Match.arrayWith([Match.objectLike({ Expression: 'failed + timedOut + aborted' })]),
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^AuditorOpsTopic') }],
      });
    });

    it('runs long targets as Standard child workflows, past the 5-minute Express limit', () => {
      // Act
      const map = definitionOf(build({ fanOut: { targetTimeout: Duration.minutes(10), maxConcurrency: 500 } }).template).States[FANOUT_STATES.map];

      // Assess
      expect(map).toMatchObject({ MaxConcurrency: 500, ItemProcessor: { ProcessorConfig: { ExecutionType: 'STANDARD' } } });
    });

    it('gives the collector its own timeout and memory, and the schedule starts the state machine', () => {
      // Act
      const { template } = build({ fanOut: { targetTimeout: Duration.minutes(3), targetMemorySize: 256 } });

      // Assess
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp('collects one fan-out target'),
        Timeout: 180,
        MemorySize: 256,
      });
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        Target: { Arn: { Ref: Match.stringLikeRegexp('^AuditorFanOutStateMachine') }, Input: Match.stringLikeRegexp('drift-audit.schedule') },
      });
      expect(actionsOf(template, 'AuditorSchedulerRole')).toEqual(['sqs:SendMessage', 'states:StartExecution']);
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
    });

    it('gives the estate reads and the name member accounts trust to the collector role, not the audit role', () => {
      // Act
      const { template, auditor } = build();

      // Assess
      expect(auditor.readerRole).not.toBe(auditor.auditRole);
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'drift-audit-auditor',
        Description: Match.stringLikeRegexp('per invocation for the fan-out'),
      });
      const collector = actionsOf(template, 'AuditorCollectorRole');
      expect(collector).toEqual(expect.arrayContaining(['ssm:GetParametersByPath', 'ssm:DescribeParameters', 'eks:DescribeCluster', 'sts:AssumeRole']));
      expect(collector).not.toContain('dynamodb:PutItem');
      expect(collector).not.toContain('sns:Publish');
      const audit = actionsOf(template, 'AuditorAuditRole');
      expect(audit).not.toContain('ssm:GetParametersByPath');
      expect(audit).not.toContain('sts:AssumeRole');
      expect(audit).toContain('dynamodb:PutItem');
    });

    it('leaves nothing unacknowledged by cdk-nag AwsSolutions', () => {
      // Prepare
      const { stack } = build({ alertEmail: 'oncall@example.com' });

      // Act
      const violations = new AwsSolutionsChecks().validateScope(stack).violations.map((violation) => violation.ruleName);

      // Assess
      expect(violations).toEqual([]);
    });

    it.each([
      [{ maxConcurrency: 0 }, 'fanOut.maxConcurrency must be a whole number from 1 to 10000, got 0'],
      [{ targetTimeout: Duration.minutes(16) }, 'fanOut.targetTimeout must be between 10 seconds and 15 minutes, got 16 minutes'],
      [{ targetMemorySize: 64 }, 'fanOut.targetMemorySize must be whole MiB between 128 and 10240, got 64'],
    ])('refuses fan-out settings outside their range (%o)', (fanOut, message) => {
      expect(() => build({ fanOut })).toThrow(message);
    });
  });
});
