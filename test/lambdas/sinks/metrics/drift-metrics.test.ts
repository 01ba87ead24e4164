import { describe, expect, it } from 'vitest';
import type { FindingState } from '../../../../lambdas/engine/lifecycle/finding-state.js';
import type { Finding, Transition } from '../../../../lambdas/engine/model.js';
import { DRIFT_METRIC, NO_REGION } from '../../../../lambdas/runtime/drift-metric-names.js';
import { driftMetricSets, type DriftMetricSet } from '../../../../lambdas/sinks/metrics/drift-metrics.js';
import { opened, sampleFinding } from '../../../support/sample-findings.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const ENVIRONMENTS = [{ name: 'production-eu', region: 'eu-west-1' }, { name: 'production-us', region: 'us-east-1' }, { name: 'local' }];

function openState(finding: Finding, firstSeen: string): FindingState {
  return { id: finding.id, status: 'open', finding, firstSeen, lastSeen: NOW.toISOString(), fingerprint: 'f', severity: finding.severity };
}

function valuesOf(sets: readonly DriftMetricSet[], name: string, dimensions: Record<string, string>): number[] | undefined {
  const set = sets.find(
    (candidate) =>
      Object.keys(candidate.dimensions).length === Object.keys(dimensions).length &&
      Object.entries(dimensions).every(([key, value]) => candidate.dimensions[key] === value) &&
      candidate.metrics.some((metric) => metric.name === name),
  );
  return set?.metrics.find((metric) => metric.name === name)?.values.slice();
}

describe('Function: driftMetricSets', () => {
  it('counts open drift per environment, region and severity, with zeros for every place and severity the baseline declares', () => {
    // Prepare
    const critical = sampleFinding({ id: 'changed:production-us:A', key: 'A', severity: 'critical' });
    const { region: _none, ...withoutRegion } = sampleFinding({ id: 'changed:production-eu:B', key: 'B', environment: 'production-eu', severity: 'medium' });
    const medium: Finding = withoutRegion;

    // Act
    const sets = driftMetricSets({
      status: 'ok',
      open: [openState(critical, '2026-11-20T12:00:00.000Z'), openState(medium, '2026-11-23T11:00:00.000Z')],
      transitions: [],
      environments: ENVIRONMENTS,
      now: NOW,
    });

    // Assess: a finding without a region takes its environment's.
    expect(valuesOf(sets, DRIFT_METRIC.openDrift, { environment: 'production-us', region: 'us-east-1', severity: 'critical' })).toEqual([1]);
    expect(valuesOf(sets, DRIFT_METRIC.openDrift, { environment: 'production-eu', region: 'eu-west-1', severity: 'medium' })).toEqual([1]);
    expect(valuesOf(sets, DRIFT_METRIC.openDrift, { environment: 'production-eu', region: 'eu-west-1', severity: 'critical' })).toEqual([0]);
    expect(valuesOf(sets, DRIFT_METRIC.openDrift, { environment: 'local', region: NO_REGION, severity: 'info' })).toEqual([0]);
    // Oldest open: 3 days in production-us, 1 hour in production-eu, 0 where nothing is open.
    expect(valuesOf(sets, DRIFT_METRIC.oldestOpenDriftAge, { environment: 'production-us', region: 'us-east-1' })).toEqual([3 * 86_400]);
    expect(valuesOf(sets, DRIFT_METRIC.oldestOpenDriftAge, { environment: 'production-eu', region: 'eu-west-1' })).toEqual([3_600]);
    expect(valuesOf(sets, DRIFT_METRIC.oldestOpenDriftAge, { environment: 'local', region: NO_REGION })).toEqual([0]);
    expect(valuesOf(sets, DRIFT_METRIC.partialRuns, {})).toEqual([0]);
  });

  it('keeps cardinality to places x severities, whatever the number of findings: 3 places give 3 x (1 + 5) + 1 sets', () => {
    // Prepare: 500 findings over the same three places.
    const open = Array.from({ length: 500 }, (_, index) =>
      openState(
        sampleFinding({ id: `changed:production-us:K${index}`, key: `K${index}`, severity: index % 2 === 0 ? 'high' : 'low' }),
        '2026-11-23T00:00:00.000Z',
      ),
    );

    // Act
    const sets = driftMetricSets({ status: 'partial', open, transitions: [], environments: ENVIRONMENTS, now: NOW });

    // Assess
    expect(sets).toHaveLength(3 * (1 + 5) + 1);
    expect(valuesOf(sets, DRIFT_METRIC.openDrift, { environment: 'production-us', region: 'us-east-1', severity: 'high' })).toEqual([250]);
    expect(valuesOf(sets, DRIFT_METRIC.partialRuns, {})).toEqual([1]);
  });

  it('measures detection latency from the last change to the run that opened the finding, and time to resolve', () => {
    // Prepare: changed 2026-08-14T02:07:31Z (sample provenance), opened at 02:37:31; one without a known change time; one resolved after 2 days.
    const known = opened(sampleFinding(), '2026-08-14T02:37:31.000Z');
    const unknown = opened(sampleFinding({ id: 'changed:production-us:C', provenance: [] }), '2026-08-14T02:37:31.000Z');
    const resolved: Transition = {
      kind: 'resolved',
      finding: sampleFinding({ id: 'changed:production-us:D' }),
      firstSeen: '2026-11-21T12:00:00.000Z',
      at: NOW.toISOString(),
    };

    // Act
    const sets = driftMetricSets({ status: 'ok', open: [], transitions: [known, unknown, resolved], environments: ENVIRONMENTS, now: NOW });

    // Assess
    expect(valuesOf(sets, DRIFT_METRIC.detectionLatency, { environment: 'production-us', region: 'us-east-1' })).toEqual([1_800]);
    expect(valuesOf(sets, DRIFT_METRIC.timeToResolve, { environment: 'production-us', region: 'us-east-1' })).toEqual([2 * 86_400]);
    expect(valuesOf(sets, DRIFT_METRIC.detectionLatency, { environment: 'production-eu', region: 'eu-west-1' })).toBeUndefined();
  });
});
