import { SEVERITIES, type RunSummary, type Transition } from '../../engine/model.js';
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import { DRIFT_DIMENSION, DRIFT_METRIC, NO_REGION } from '../../runtime/drift-metric-names.js';

/** One metric of a set: its values (several for latencies, one datapoint per transition). */
export interface DriftMetric {
  readonly name: (typeof DRIFT_METRIC)[keyof typeof DRIFT_METRIC];
  readonly unit: 'Count' | 'Seconds';
  readonly values: readonly number[];
}

/** Metrics that share one set of dimensions: one EMF document. */
export interface DriftMetricSet {
  readonly dimensions: Readonly<Record<string, string>>;
  readonly metrics: readonly DriftMetric[];
}

/** What {@link driftMetricSets} reads of a recorded run. */
export interface DriftMetricsInput {
  readonly status: RunSummary['status'];
  /** The states the run leaves open. */
  readonly open: readonly FindingState[];
  readonly transitions: readonly Transition[];
  /** The audited environments with their region, so a place with no drift reports 0 rather than nothing. */
  readonly environments: readonly { readonly name: string; readonly region?: string }[];
  readonly now: Date;
}

/**
 * The drift dashboard's datapoints for one run, pure. Cardinality is bounded by the estate, never by
 * the findings: places are (environment, region) pairs of the baseline (plus any region a finding names),
 * `OpenDrift` adds the five severities, nothing is keyed by key or finding id. Every place reports its
 * open count and oldest age on every run, zeros included, so a resolved drift drops the graph to 0
 * instead of leaving the last value hanging.
 */
export function driftMetricSets(input: DriftMetricsInput): DriftMetricSet[] {
  const regionOf = new Map(input.environments.map((environment) => [environment.name, environment.region ?? NO_REGION]));
  const placeOf = (finding: { readonly environment: string; readonly region?: string }) =>
    placeKey(finding.environment, finding.region ?? regionOf.get(finding.environment) ?? NO_REGION);
  const places = new Map<string, { open: FindingState[]; detection: number[]; resolution: number[] }>();
  const at = (key: string) => {
    const place = places.get(key) ?? { open: [], detection: [], resolution: [] };
    places.set(key, place);
    return place;
  };
  for (const environment of input.environments) at(placeKey(environment.name, environment.region ?? NO_REGION));
  for (const state of input.open) at(placeOf(state.finding)).open.push(state);
  for (const transition of input.transitions) {
    const place = at(placeOf(transition.finding));
    if (transition.kind === 'opened') {
      const latency = secondsBetween(transition.finding.provenance[0]?.changedAt, transition.at);
      if (latency !== undefined) place.detection.push(latency);
    }
    if (transition.kind === 'resolved') {
      const open = secondsBetween(transition.firstSeen, transition.at);
      if (open !== undefined) place.resolution.push(open);
    }
  }

  const sets: DriftMetricSet[] = [];
  for (const [key, place] of [...places].sort(([a], [b]) => a.localeCompare(b))) {
    const [environment = '', region = NO_REGION] = key.split('\n');
    const dimensions = { [DRIFT_DIMENSION.environment]: environment, [DRIFT_DIMENSION.region]: region };
    const oldest = place.open.reduce((max, state) => Math.max(max, secondsBetween(state.firstSeen, input.now.toISOString()) ?? 0), 0);
    const metrics: DriftMetric[] = [{ name: DRIFT_METRIC.oldestOpenDriftAge, unit: 'Seconds', values: [oldest] }];
    if (place.detection.length > 0) metrics.push({ name: DRIFT_METRIC.detectionLatency, unit: 'Seconds', values: place.detection });
    if (place.resolution.length > 0) metrics.push({ name: DRIFT_METRIC.timeToResolve, unit: 'Seconds', values: place.resolution });
    sets.push({ dimensions, metrics });
    for (const severity of SEVERITIES) {
      const count = place.open.filter((state) => state.severity === severity).length;
      sets.push({
        dimensions: { ...dimensions, [DRIFT_DIMENSION.severity]: severity },
        metrics: [{ name: DRIFT_METRIC.openDrift, unit: 'Count', values: [count] }],
      });
    }
  }
  sets.push({ dimensions: {}, metrics: [{ name: DRIFT_METRIC.partialRuns, unit: 'Count', values: [input.status === 'partial' ? 1 : 0] }] });
  return sets;
}

function placeKey(environment: string, region: string): string {
  return `${environment}\n${region}`;
}

/** Whole seconds from `from` to `to` (ISO 8601), undefined when either is unknown or `from` is later. */
function secondsBetween(from: string | undefined, to: string): number | undefined {
  if (from === undefined) return undefined;
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return undefined;
  return Math.round((end - start) / 1000);
}
