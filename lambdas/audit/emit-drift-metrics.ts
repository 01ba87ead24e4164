import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { DriftMetricSet } from '../sinks/metrics/drift-metrics.js';

/** A Powertools `Metrics` whose documents carry `dimensions` (beside `service`): one per dimension set. */
export type DimensionedMetrics = (dimensions: Readonly<Record<string, string>>) => Metrics;

/** The production factory: the function's namespace and service, and the set's dimensions as defaults. */
export function dimensionedMetrics(namespace: string, serviceName: string): DimensionedMetrics {
  return (dimensions) => new Metrics({ namespace, serviceName, defaultDimensions: { ...dimensions } });
}

/**
 * Prints each set as its own EMF document. One document per dimension set because EMF applies a
 * document's dimensions to every metric in it, and these differ per place and severity; Powertools
 * splits a metric with more than 100 values into further documents.
 */
export function emitDriftMetrics(sets: readonly DriftMetricSet[], metricsFor: DimensionedMetrics): void {
  for (const set of sets) {
    const metrics = metricsFor(set.dimensions);
    for (const metric of set.metrics) {
      const unit = metric.unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count;
      for (const value of metric.values) metrics.addMetric(metric.name, unit, value);
    }
    metrics.publishStoredMetrics();
  }
}
