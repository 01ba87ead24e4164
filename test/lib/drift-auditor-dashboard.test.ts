import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DriftAuditor, type DriftAuditorProps } from '../../lib/drift-auditor.js';
import { FIXTURE_BASELINE_DIR, FIXTURE_ENTRY, newStack, PINNED_ENV, sampleScope } from './cdk-test-support.js';

function synth(props: Partial<DriftAuditorProps> = {}): { template: Template; auditor: DriftAuditor; annotations: Annotations } {
  const stack = newStack(PINNED_ENV);
  const auditor = new DriftAuditor(stack, 'Auditor', {
    scope: sampleScope(),
    baselineDirectory: FIXTURE_BASELINE_DIR,
    auditHandlerEntry: FIXTURE_ENTRY,
    notifierHandlerEntry: FIXTURE_ENTRY,
    ...props,
  });
  return { template: Template.fromStack(stack), auditor, annotations: Annotations.fromStack(stack) };
}

/** The dashboard body with its CloudFormation tokens written out (`{"Ref":...}`), to read its widgets. */
function dashboardBody(template: Template): string {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as { Properties: { DashboardBody: unknown } }[];
  const body = dashboard?.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  return typeof body === 'string' ? body : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

describe('Construct: DriftAuditor dashboard', () => {
  it('graphs open drift per environment, region and severity with SEARCH over the dimensions the function emits', () => {
    // Act
    const { template } = synth();

    // Assess
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = dashboardBody(template);
    expect(body).toContain(`SEARCH('{DriftAudit,service,environment,region,severity} MetricName=\\"OpenDrift\\" service=\\"drift-audit\\"', 'Maximum', 3600)`);
    // One total per severity, worst first.
    expect(body).toContain(
      `SUM(SEARCH('{DriftAudit,service,environment,region,severity} MetricName=\\"OpenDrift\\" service=\\"drift-audit\\" severity=\\"critical\\"', 'Maximum', 3600))`,
    );
    expect(body.indexOf('"label":"critical"')).toBeLessThan(body.indexOf('"label":"info"'));
    for (const metric of ['OldestOpenDriftAge', 'DetectionLatency', 'TimeToResolve']) {
      expect(body).toContain(`SEARCH('{DriftAudit,service,environment,region} MetricName=\\"${metric}\\" service=\\"drift-audit\\"'`);
    }
    expect(body).toContain(`'p90', 86400`);
    expect(body).toContain('"PartialRuns","service","drift-audit"');
  });

  it('shows the health alarms it keeps, the dead-man switch first', () => {
    // Act
    const { template, auditor } = synth();

    // Assess: the alarms are still there, and in the status widget.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    const body = dashboardBody(template);
    expect(body).toContain('"type":"alarm"');
    const ids = [...body.matchAll(/"Fn::GetAtt":\["(AuditorAlarms[A-Za-z0-9]+)","Arn"\]/g)].map((match) => match[1]);
    expect(ids).toHaveLength(4);
    expect(ids[0]).toBe(Stack.of(auditor).getLogicalId(auditor.alarms.deadMansSwitch.node.defaultChild as CfnElement));
  });

  it('follows the metrics namespace, service name and run interval the auditor is given', () => {
    // Act
    const { template } = synth({ metricsNamespace: 'Platform/Drift', serviceName: 'estate-audit', schedule: 'rate(30 minutes)' });

    // Assess
    expect(dashboardBody(template)).toContain(
      `SEARCH('{Platform/Drift,service,environment,region,severity} MetricName=\\"OpenDrift\\" service=\\"estate-audit\\"', 'Maximum', 1800)`,
    );
  });

  it('is left out with dashboard: false, the alarms kept', () => {
    // Act
    const { template, auditor } = synth({ dashboard: false });

    // Assess
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    expect(auditor.dashboard).toBeUndefined();
  });

  it('synthesises without warnings from its math and search expressions', () => {
    // Act
    const { annotations } = synth();

    // Assess
    const warnings = annotations.findWarning('*', Match.anyValue()).filter((warning) => warning.id.includes('/Dashboard'));
    expect(warnings.map((warning) => warning.entry.data)).toEqual([]);
  });
});
