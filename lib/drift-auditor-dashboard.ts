import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  GraphWidgetView,
  MathExpression,
  Metric,
  SearchExpression,
  SingleValueWidget,
  Stats,
  TextWidget,
  type IAlarm,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { SEVERITIES } from '../lambdas/engine/model.js';
import { DRIFT_DIMENSION, DRIFT_METRIC } from '../lambdas/runtime/drift-metric-names.js';

/** A time-series graph from zero, `stacked` to read a total. */
function graph(title: string, left: IMetric[], unit: string, width: number, height: number, stacked = false): GraphWidget {
  return new GraphWidget({ title, left, view: GraphWidgetView.TIME_SERIES, stacked, leftYAxis: { min: 0, label: unit, showUnits: false }, width, height });
}

/** Properties of {@link DriftAuditorDashboard}. */
export interface DriftAuditorDashboardProps {
  /** Namespace the audit function emits its metrics in. */
  readonly metricsNamespace: string;
  /** The `service` dimension Powertools puts on every metric. */
  readonly serviceName: string;
  /** How often a run is expected: the period of the per-run figures. */
  readonly expectedRunInterval: Duration;
  /** The auditor's health alarms, shown in one status widget. */
  readonly alarms: readonly IAlarm[];
  /** @default - a name CloudFormation generates */
  readonly dashboardName?: string;
}

/**
 * The drift dashboard: open drift per environment and severity, the age of the oldest open drift, the
 * time from a change to its detection, the time to resolve, partial runs, and the health alarms.
 * Per-environment widgets use SEARCH expressions over the `environment`/`region`/`severity`
 * dimensions, so an environment added to the baseline appears without a redeploy (a SEARCH returns at
 * most 500 time series, far above the 10 x 5 of a large estate).
 */
export class DriftAuditorDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: DriftAuditorDashboardProps) {
    super(scope, id);
    const run = props.expectedRunInterval;
    const day = Duration.days(1);
    const search = (metric: string, dimensions: readonly string[], statistic: string, period: Duration, filter = '') =>
      new SearchExpression({
        expression: `SEARCH('{${[props.metricsNamespace, 'service', ...dimensions].join(',')}} MetricName="${metric}" service="${props.serviceName}"${filter}', '${statistic}', ${period.toSeconds()})`,
        label: '',
        period,
      });
    const serviceMetric = (metricName: string, statistic: string, label: string) =>
      new Metric({ namespace: props.metricsNamespace, metricName, dimensionsMap: { service: props.serviceName }, statistic, period: day, label });
    const place = [DRIFT_DIMENSION.environment, DRIFT_DIMENSION.region];
    const bySeverity = [...place, DRIFT_DIMENSION.severity];

    // One number per severity, over every environment: the first thing to look at.
    const openNow = [...SEVERITIES].reverse().map(
      (severity) =>
        new MathExpression({
          expression: `SUM(${search(DRIFT_METRIC.openDrift, bySeverity, 'Maximum', run, ` ${DRIFT_DIMENSION.severity}="${severity}"`).expression})`,
          label: severity,
          period: run,
        }),
    );

    this.dashboard = new Dashboard(this, 'Dashboard', {
      ...(props.dashboardName === undefined ? {} : { dashboardName: props.dashboardName }),
      defaultInterval: Duration.days(14),
      widgets: [
        [
          new TextWidget({
            markdown:
              '## drift-audit\nOpen drift by environment, region and severity; how old the oldest is; how long a change takes to be detected and a drift to be resolved. Emitted by every run (EMF, `service`, `environment`, `region`, `severity` dimensions).',
            width: 24,
            height: 2,
          }),
        ],
        [
          new SingleValueWidget({ title: 'Open drift now, by severity', metrics: openNow, width: 12, height: 4 }),
          new AlarmStatusWidget({ title: 'Auditor health', alarms: [...props.alarms], width: 12, height: 4 }),
        ],
        [
          graph('Open drift per environment, region and severity', [search(DRIFT_METRIC.openDrift, bySeverity, 'Maximum', run)], 'findings', 12, 7, true),
          graph('Age of the oldest open drift (seconds)', [search(DRIFT_METRIC.oldestOpenDriftAge, place, 'Maximum', run)], 'seconds', 12, 7),
        ],
        [
          graph('Time from a change to its detection (seconds, p90 per day)', [search(DRIFT_METRIC.detectionLatency, place, 'p90', day)], 'seconds', 8, 6),
          graph('Time to resolve (seconds, average per day)', [search(DRIFT_METRIC.timeToResolve, place, 'Average', day)], 'seconds', 8, 6),
          graph(
            'Partial runs (per day)',
            [
              serviceMetric(DRIFT_METRIC.partialRuns, Stats.SUM, 'partial runs'),
              serviceMetric('FailedSources', Stats.MAXIMUM, 'most sources failed in one run'),
            ],
            'runs',
            8,
            6,
          ),
        ],
      ],
    });
  }
}
