import { workloadTargetKind } from '../workload-revert.js';
import { probeRevert, replicasRevert, resourcesRevert } from './shape-revert.js';
import type { Observation } from '../../../../engine/model.js';
import { asArray, asRecord } from '../../unknown-shape.js';
import { scalar } from '../autoscaler/autoscaler-view.js';
import { findAutoscaler, SCALABLE_KINDS } from '../autoscaler/find-autoscaler.js';
import type { SelectedContainer, SelectedWorkload, ViewScope, WorkloadView } from '../workload-view.js';

const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;
const PROBES = { liveness: 'livenessProbe', readiness: 'readinessProbe', startup: 'startupProbe' } as const;
/** The API server's defaults for a probe's numbers (core/v1 SetDefaults_Probe), so a manifest that omits them reads as the live object does. */
const PROBE_DEFAULTS: Readonly<Record<string, string>> = {
  timeoutSeconds: '1',
  periodSeconds: '10',
  successThreshold: '1',
  failureThreshold: '3',
  initialDelaySeconds: '0',
};
/**
 * The API server's default of a handler field (core/v1 SetDefaults_HTTPGetAction: an httpGet with no
 * path probes `/`; its scheme, HTTP, is no key), applied when the handler is there at all.
 */
const HANDLER_DEFAULTS: Readonly<Record<string, string>> = { 'httpGet.path': '/' };
const PROBE_FIELDS = ['initialDelaySeconds', 'periodSeconds', 'timeoutSeconds', 'failureThreshold', 'successThreshold'] as const;
const HANDLER_FIELDS: readonly (readonly [string, string])[] = [
  ['httpGet', 'path'],
  ['httpGet', 'port'],
  ['tcpSocket', 'port'],
  ['grpc', 'port'],
];

/**
 * The workload's shape, in the `workload` layer: `k8s:replicas` (Deployment, StatefulSet; 1 when
 * unset, the API default; not observed while an HPA targets the workload: the HPA owns it), and per
 * running container `k8s:resources.<requests|limits>.<cpu|memory|ephemeral-storage>` (compared as
 * quantities) and `k8s:probe.<liveness|readiness|startup>.<field>`. Workload-level keys belong to the
 * default container's application, container-level ones to the container's.
 */
export const shapeView: WorkloadView = {
  name: 'shape',
  resources: [],
  revertTargets: [
    workloadTargetKind('workload-replicas', replicasRevert),
    workloadTargetKind('container-resources', resourcesRevert),
    workloadTargetKind('container-probe', probeRevert),
  ],
  keys: [
    { pattern: /^k8s:replicas$/, examples: ['k8s:replicas'] },
    {
      pattern: /^k8s:resources\.(requests|limits)\.(cpu|memory|ephemeral-storage)$/,
      examples: ['requests', 'limits'].flatMap((bound) => RESOURCES.map((resource) => `k8s:resources.${bound}.${resource}`)),
    },
    {
      pattern:
        /^k8s:probe\.(liveness|readiness|startup)(\.(periodSeconds|timeoutSeconds|failureThreshold|successThreshold|initialDelaySeconds|httpGet\.path|httpGet\.port|tcpSocket\.port|exec\.command|grpc\.port))?$/,
      examples: Object.keys(PROBES).flatMap((probe) => [
        `k8s:probe.${probe}`,
        ...[...PROBE_FIELDS, ...HANDLER_FIELDS.map(([handler, field]) => `${handler}.${field}`), 'exec.command'].map((field) => `k8s:probe.${probe}.${field}`),
      ]),
    },
  ],
  start(scope) {
    return {
      observe(workload) {
        const observations = [...replicas(scope, workload)];
        for (const container of workload.containers) {
          if (!container.runs) continue;
          observations.push(...resources(scope, workload, container), ...probes(scope, workload, container));
        }
        return { observations };
      },
    };
  },
};

function replicas(scope: ViewScope, workload: SelectedWorkload): Observation[] {
  const { object, ref } = workload;
  if (!SCALABLE_KINDS.has(object.kind) || findAutoscaler(scope, workload) !== undefined) return [];
  const value = scalar(asRecord(object.raw['spec'])?.['replicas']) ?? '1';
  return [
    {
      key: 'k8s:replicas',
      application: workload.application,
      value: { kind: 'plain', value },
      provenance: {
        ...scope.provenance(object, 'workload', ref, ['f:spec', 'f:replicas']),
        target: { kind: 'workload-replicas', namespace: object.namespace, workload: ref },
      },
    },
  ];
}

function resources(scope: ViewScope, workload: SelectedWorkload, container: SelectedContainer): Observation[] {
  const { object, ref } = workload;
  const out: Observation[] = [];
  const declared = asRecord(container.spec['resources']);
  for (const bound of ['requests', 'limits'] as const) {
    const values = asRecord(declared?.[bound]);
    for (const resource of RESOURCES) {
      const value = scalar(values?.[resource]);
      if (value === undefined) continue;
      out.push({
        key: `k8s:resources.${bound}.${resource}`,
        application: container.application,
        comparison: 'quantity',
        value: { kind: 'plain', value },
        provenance: {
          ...scope.provenance(object, 'workload', `${ref} container ${container.name}`, [...container.fieldPath, 'f:resources', `f:${bound}`, `f:${resource}`]),
          target: { kind: 'container-resources', namespace: object.namespace, workload: ref, container: container.name, bound, resource },
        },
      });
    }
  }
  return out;
}

/** Workloads whose containers serve for the pod's life, where a probe missing somewhere matters: not Jobs' run-to-completion pods. */
const SERVING_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/**
 * `k8s:probe.<kind>` (Deployments, StatefulSets, DaemonSets): `present` or `absent`, so a probe removed in one environment is one difference,
 * not one per field (its fields' absence is judged by this key). An absence has no managedFields owner.
 */
function probePresence(
  scope: ViewScope,
  workload: SelectedWorkload,
  container: SelectedContainer,
  short: keyof typeof PROBES,
  probe: (typeof PROBES)[keyof typeof PROBES],
  present: boolean,
): Observation {
  const { object, ref } = workload;
  const location = `${ref} container ${container.name} ${probe}`;
  const provenance = scope.provenance(object, 'workload', location, present ? [...container.fieldPath, `f:${probe}`] : []);
  const { changedAt: _at, changedBy: _by, ...unattributed } = provenance;
  return {
    key: `k8s:probe.${short}`,
    application: container.application,
    value: { kind: 'plain', value: present ? 'present' : 'absent' },
    provenance: {
      ...(present ? provenance : unattributed),
      target: { kind: 'container-probe', namespace: object.namespace, workload: ref, container: container.name, list: container.list, probe, field: 'present' },
    },
  };
}

function probes(scope: ViewScope, workload: SelectedWorkload, container: SelectedContainer): Observation[] {
  const { object, ref } = workload;
  const out: Observation[] = [];
  for (const [short, probe] of Object.entries(PROBES) as [keyof typeof PROBES, (typeof PROBES)[keyof typeof PROBES]][]) {
    const spec = asRecord(container.spec[probe]);
    if (SERVING_KINDS.has(object.kind)) out.push(probePresence(scope, workload, container, short, probe, spec !== undefined));
    if (spec === undefined) continue;
    const add = (field: string, value: string, fieldPath: readonly string[]): void => {
      out.push({
        key: `k8s:probe.${short}.${field}`,
        application: container.application,
        value: { kind: 'plain', value },
        provenance: {
          ...scope.provenance(object, 'workload', `${ref} container ${container.name} ${probe}`, [
            ...container.fieldPath,
            `f:${probe}`,
            ...fieldPath.map((step) => `f:${step}`),
          ]),
          target: { kind: 'container-probe', namespace: object.namespace, workload: ref, container: container.name, list: container.list, probe, field },
        },
      });
    };
    for (const field of PROBE_FIELDS) add(field, scalar(spec[field]) ?? (PROBE_DEFAULTS[field] as string), [field]);
    for (const [handler, field] of HANDLER_FIELDS) {
      const action = asRecord(spec[handler]);
      const value = scalar(action?.[field]) ?? (action === undefined ? undefined : HANDLER_DEFAULTS[`${handler}.${field}`]);
      if (value !== undefined) add(`${handler}.${field}`, value, [handler, field]);
    }
    const command = asArray(asRecord(spec['exec'])?.['command']).filter((part): part is string => typeof part === 'string');
    if (command.length > 0) add('exec.command', command.join(' '), ['exec', 'command']);
  }
  return out;
}
