import { workloadTargetKind } from '../workload-revert.js';
import { hpaRevert } from './hpa-revert.js';
import type { Observation } from '../../../../engine/model.js';
import type { FieldPathStep } from '../../managed-fields.js';
import { asArray, asRecord, asString } from '../../unknown-shape.js';
import type { KubeRecord, KubeResourceType, SelectedWorkload, ViewScope, WorkloadView } from '../workload-view.js';
import { findAutoscaler, SCALABLE_KINDS } from './find-autoscaler.js';

const HPAS: KubeResourceType = {
  plural: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  apiVersion: 'autoscaling/v2',
  base: '/apis/autoscaling/v2',
  operation: 'ListHorizontalPodAutoscalers',
};

/** A metric target's fields (autoscaling/v2 MetricTarget): the one its `type` names is the one set. */
const TARGET_FIELDS = ['averageUtilization', 'averageValue', 'value'] as const;

/**
 * The HorizontalPodAutoscaler (autoscaling/v2) targeting each Deployment and StatefulSet:
 * `k8s:hpa` (`present`/`absent`), `k8s:hpa.minReplicas` (1 when unset, the API default),
 * `k8s:hpa.maxReplicas`, `k8s:hpa.metrics.<resource-or-metric-name>.<averageUtilization|averageValue|value>`
 * and `k8s:hpa.behavior.<scaleUp|scaleDown>.<stabilizationWindowSeconds|selectPolicy|policies>`, all
 * in the `workload` layer, of the workload's default container's application.
 */
export const autoscalerView: WorkloadView = {
  name: 'autoscaler',
  resources: [HPAS],
  revertTargets: [workloadTargetKind('hpa', hpaRevert)],
  keys: [
    { pattern: /^k8s:hpa$/, examples: ['k8s:hpa'] },
    { pattern: /^k8s:hpa\.(minReplicas|maxReplicas)$/, examples: ['k8s:hpa.minReplicas', 'k8s:hpa.maxReplicas'] },
    {
      pattern: /^k8s:hpa\.metrics\.[^.]+\.(averageUtilization|averageValue|value)$/,
      examples: ['cpu', 'memory'].flatMap((name) => TARGET_FIELDS.map((field) => `k8s:hpa.metrics.${name}.${field}`)),
    },
    {
      pattern: /^k8s:hpa\.behavior\.(scaleUp|scaleDown)\.(stabilizationWindowSeconds|selectPolicy|policies)$/,
      examples: ['scaleUp', 'scaleDown'].flatMap((direction) =>
        ['stabilizationWindowSeconds', 'selectPolicy', 'policies'].map((field) => `k8s:hpa.behavior.${direction}.${field}`),
      ),
    },
  ],
  start(scope) {
    return {
      observe(workload) {
        if (!SCALABLE_KINDS.has(workload.object.kind)) return {};
        const hpa = findAutoscaler(scope, workload);
        return { observations: autoscalerObservations(scope, workload, hpa), related: hpa === undefined ? [] : [hpa] };
      },
    };
  },
};

function autoscalerObservations(scope: ViewScope, workload: SelectedWorkload, hpa: KubeRecord | undefined): Observation[] {
  const { object, ref, application } = workload;
  const base = { kind: 'hpa', namespace: object.namespace, workload: ref } as const;
  if (hpa === undefined) {
    const provenance = scope.provenance(object, 'workload', `${ref} (no horizontalpodautoscaler targets it)`, []);
    // No managedFields entry owns an absence: drop the workload's own attribution.
    const { changedAt: _at, changedBy: _by, ...unattributed } = provenance;
    return [{ key: 'k8s:hpa', application, value: { kind: 'plain', value: 'absent' }, provenance: { ...unattributed, target: { ...base, field: 'present' } } }];
  }
  const location = `horizontalpodautoscaler/${hpa.name}`;
  const target = { ...base, hpa: hpa.name };
  const spec = asRecord(hpa.raw['spec']) ?? {};
  const out: Observation[] = [];
  const add = (key: string, value: string, fields: readonly FieldPathStep[], field: string, quantity = false): void => {
    out.push({
      key,
      application,
      ...(quantity ? { comparison: 'quantity' as const } : {}),
      value: { kind: 'plain', value },
      provenance: { ...scope.provenance(hpa, 'workload', location, ['f:spec', ...fields]), target: { ...target, field } },
    });
  };
  add('k8s:hpa', 'present', ['f:scaleTargetRef'], 'present');
  add('k8s:hpa.minReplicas', scalar(spec['minReplicas']) ?? '1', ['f:minReplicas'], 'minReplicas');
  const max = scalar(spec['maxReplicas']);
  if (max !== undefined) add('k8s:hpa.maxReplicas', max, ['f:maxReplicas'], 'maxReplicas');
  for (const item of asArray(spec['metrics'])) {
    const metric = asRecord(item);
    const type = asString(metric?.['type']);
    if (metric === undefined || type === undefined) continue;
    // Resource and ContainerResource name a resource (cpu); Pods, Object and External name a metric.
    const source = asRecord(metric[type.charAt(0).toLowerCase() + type.slice(1)]);
    const name = asString(source?.['name']) ?? asString(asRecord(source?.['metric'])?.['name']);
    const goal = asRecord(source?.['target']);
    if (name === undefined || goal === undefined) {
      scope.warn(`${location} in namespace ${hpa.namespace}: a ${type} metric without a name or target; ignored`);
      continue;
    }
    for (const field of TARGET_FIELDS) {
      const value = scalar(goal[field]);
      // `metrics` is an atomic list in managedFields: its owner owns every entry.
      if (value !== undefined) add(`k8s:hpa.metrics.${name}.${field}`, value, ['f:metrics'], `metrics.${name}.${field}`, field !== 'averageUtilization');
    }
  }
  const behavior = asRecord(spec['behavior']);
  for (const direction of ['scaleUp', 'scaleDown'] as const) {
    const rules = asRecord(behavior?.[direction]);
    if (rules === undefined) continue;
    const fields = ['f:behavior', `f:${direction}`];
    const window = scalar(rules['stabilizationWindowSeconds']);
    if (window !== undefined)
      add(
        `k8s:hpa.behavior.${direction}.stabilizationWindowSeconds`,
        window,
        [...fields, 'f:stabilizationWindowSeconds'],
        `behavior.${direction}.stabilizationWindowSeconds`,
      );
    const select = scalar(rules['selectPolicy']);
    if (select !== undefined) add(`k8s:hpa.behavior.${direction}.selectPolicy`, select, [...fields, 'f:selectPolicy'], `behavior.${direction}.selectPolicy`);
    const policies = asArray(rules['policies'])
      .map((entry) => asRecord(entry))
      .map((entry) => `${asString(entry?.['type']) ?? '?'} ${scalar(entry?.['value']) ?? '?'} per ${scalar(entry?.['periodSeconds']) ?? '?'}s`)
      .sort();
    // Sorted: the HPA applies the policy `selectPolicy` picks among all of them, whatever their order.
    if (policies.length > 0) add(`k8s:hpa.behavior.${direction}.policies`, policies.join(', '), [...fields, 'f:policies'], `behavior.${direction}.policies`);
  }
  return out;
}

/** A scalar field as text (`50`, `70`, `Max`); undefined for anything else. */
export function scalar(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
