import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SUCCESS_METRIC_NAME } from './audit-function-environment.js';

/** Share of the timeout above which a run's duration raises the alarm. */
export const DURATION_ALARM_RATIO = 0.8;

/**
 * Age in seconds past which a waiting change event is alarmed. With the defaults (30 s window, 5 min
 * timeout) a batch waits at most about 6 minutes behind a sweep holding the function, so 15 minutes
 * means the change path has stalled rather than queued.
 */
export const CHANGE_BACKLOG_ALARM_SECONDS = 15 * 60;

/** Properties of {@link DriftAuditorAlarms}. */
export interface DriftAuditorAlarmsProps {
  readonly auditFunction: IFunction;
  readonly auditTimeout: Duration;
  readonly deadLetterQueue: IQueue;
  /** How often a successful run is expected; the dead-man's switch allows two of these without one. */
  readonly expectedRunInterval: Duration;
  readonly metricsNamespace: string;
  /** The `service` dimension Powertools puts on the success metric. */
  readonly serviceName: string;
  /** Alarm when the Slack notifier fails, when there is one. */
  readonly notifierFunction?: IFunction;
  /**
   * The change queue, when change events are on: alarmed when its oldest message waits longer than
   * {@link CHANGE_BACKLOG_ALARM_SECONDS} (real-time detection has stalled; the sweep still runs).
   */
  readonly changeQueue?: IQueue;
  /** Where alarm and OK transitions go. */
  readonly action: IAlarmAction;
}

/**
 * The auditor's own health: it fails, it nears its timeout, deliveries were dropped, or it silently
 * stopped succeeding. The last one matters most: a drift auditor that stops running reports no drift,
 * which looks exactly like a healthy estate.
 */
export class DriftAuditorAlarms extends Construct {
  readonly errors: Alarm;
  readonly duration: Alarm;
  readonly deadLetters: Alarm;
  /** Fires when two consecutive expected-run periods hold no successful run (missing data breaches). */
  readonly deadMansSwitch: Alarm;
  readonly notifierErrors?: Alarm;
  readonly changeBacklog?: Alarm;

  constructor(scope: Construct, id: string, props: DriftAuditorAlarmsProps) {
    super(scope, id);
    const fiveMinutes = Duration.minutes(5);

    this.errors = new Alarm(this, 'AuditErrors', {
      alarmDescription: 'drift-audit: the audit function failed (unhandled error or timeout).',
      metric: props.auditFunction.metricErrors({ statistic: Stats.SUM, period: fiveMinutes }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.duration = new Alarm(this, 'AuditDurationNearTimeout', {
      alarmDescription: `drift-audit: a run took more than ${DURATION_ALARM_RATIO * 100}% of the function timeout; the next larger estate will time out.`,
      metric: props.auditFunction.metricDuration({ statistic: Stats.MAXIMUM, period: fiveMinutes }),
      threshold: Math.round(props.auditTimeout.toMilliseconds() * DURATION_ALARM_RATIO),
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    this.deadLetters = new Alarm(this, 'DeadLetterQueueNotEmpty', {
      alarmDescription: 'drift-audit: a scheduled run or a notification was dropped into the dead-letter queue.',
      metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        statistic: Stats.MAXIMUM,
        period: fiveMinutes,
      }),
      threshold: 0,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });

    // period = one expected interval, 2 of 2 breaching: a single period without a run (a run landing
    // just past a period boundary) does not fire; two in a row do. Missing data is the signal itself.
    this.deadMansSwitch = new Alarm(this, 'NoSuccessfulRun', {
      alarmDescription: `drift-audit: no successful run in two consecutive periods of ${props.expectedRunInterval.toHumanString()}; the auditor may have stopped.`,
      metric: new Metric({
        namespace: props.metricsNamespace,
        metricName: SUCCESS_METRIC_NAME,
        dimensionsMap: { service: props.serviceName },
        statistic: Stats.SUM,
        period: props.expectedRunInterval,
      }),
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      treatMissingData: TreatMissingData.BREACHING,
    });

    if (props.notifierFunction) {
      this.notifierErrors = new Alarm(this, 'NotifierErrors', {
        alarmDescription: 'drift-audit: the Slack notifier failed; alerts may not have reached Slack.',
        metric: props.notifierFunction.metricErrors({ statistic: Stats.SUM, period: fiveMinutes }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    if (props.changeQueue) {
      this.changeBacklog = new Alarm(this, 'ChangeQueueBacklog', {
        alarmDescription: `drift-audit: a change event has waited over ${CHANGE_BACKLOG_ALARM_SECONDS / 60} minutes; real-time detection has stalled (the schedule still sweeps).`,
        metric: props.changeQueue.metricApproximateAgeOfOldestMessage({ statistic: Stats.MAXIMUM, period: fiveMinutes }),
        threshold: CHANGE_BACKLOG_ALARM_SECONDS,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }

    for (const alarm of [this.errors, this.duration, this.deadLetters, this.deadMansSwitch, this.notifierErrors, this.changeBacklog]) {
      alarm?.addAlarmAction(props.action);
      alarm?.addOkAction(props.action);
    }
  }
}
