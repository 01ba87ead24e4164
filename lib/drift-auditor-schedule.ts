import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ContextAttribute, Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AUDIT_SCHEDULE_EVENT_SOURCE } from '../lambdas/runtime/function-environment.js';
import { defaultPolicyDocument } from './drift-auditor-permissions.js';
import type { Settings } from './drift-auditor-settings.js';
import { acknowledgeWildcards } from './nag-acknowledgements.js';

/** The dead-letter queue of the schedule and the functions: runs that could not be delivered or failed after retries. */
export function createDeadLetterQueue(scope: Construct): Queue {
  const queue = new Queue(scope, 'DeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is the dead-letter queue of the schedule and the functions; a DLQ of a DLQ adds nothing.',
  });
  return queue;
}

/**
 * The EventBridge Scheduler schedule invoking the audit function, or starting the fan-out state
 * machine, with the scheduled event the handler keys idempotency on (`AuditScheduleEvent`; the state
 * machine passes it to its steps as `$$.Execution.Input`), retrying and dead-lettering as configured.
 */
export function createSchedule(scope: Construct, target: IFunction | IStateMachine, deadLetterQueue: Queue, settings: Settings): Schedule {
  const schedulerRole = new Role(scope, 'SchedulerRole', {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: isStateMachine(target)
      ? 'drift-audit: lets EventBridge Scheduler start the fan-out state machine'
      : 'drift-audit: lets EventBridge Scheduler invoke the audit function',
  });
  const targetProps = {
    role: schedulerRole,
    deadLetterQueue,
    retryAttempts: settings.retryAttempts,
    maxEventAge: settings.maxEventAge,
    input: ScheduleTargetInput.fromObject({
      source: AUDIT_SCHEDULE_EVENT_SOURCE,
      scheduledTime: ContextAttribute.scheduledTime,
      scheduleArn: ContextAttribute.scheduleArn,
      executionId: ContextAttribute.executionId,
      attemptNumber: ContextAttribute.attemptNumber,
    }),
  };
  const schedule = new Schedule(scope, 'Schedule', {
    schedule: ScheduleExpression.expression(settings.schedule),
    description: 'drift-audit: runs the configuration drift audit',
    timeWindow: TimeWindow.off(),
    target: isStateMachine(target) ? new StepFunctionsStartExecution(target, targetProps) : new LambdaInvoke(target, targetProps),
  });

  acknowledgeWildcards(
    schedulerRole,
    defaultPolicyDocument(schedulerRole),
    'aws-cdk-lib grants lambda:InvokeFunction on the audit function and its versions (`<arn>:*`); the role can invoke nothing else.',
  );
  return schedule;
}

function isStateMachine(target: IFunction | IStateMachine): target is IStateMachine {
  return 'stateMachineArn' in target;
}
