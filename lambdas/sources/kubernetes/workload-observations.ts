/**
 * The Kubernetes reader's driver: selects the declared workloads of a set of Kubernetes objects and
 * asks every registered workload view (`views/registry.ts`) what it observes of each.
 */
import { normaliseWorkloadRef } from './workload-ref.js';
import type { ImageObservation, Observation, Provenance, SourceLayer } from '../../engine/model.js';
import type { KubernetesObservationOptions } from './kubernetes-observation-options.js';
import { type FieldManagerChange, type FieldPathStep, findFieldManager } from './managed-fields.js';
import { asArray, asRecord, asString, getPath } from './unknown-shape.js';
import { WORKLOAD_VIEWS } from './views/registry.js';
import type { KubeRecord, SelectedContainer, SelectedWorkload, ViewScope, WorkloadView } from './views/workload-view.js';
import { WorkloadNotFoundError } from './workload-not-found-error.js';

export type { KubernetesObservationOptions } from './kubernetes-observation-options.js';

/** Observations, images and the problems met on the way, each sorted. */
export interface KubernetesObservations {
  readonly observations: Observation[];
  readonly images: ImageObservation[];
  readonly warnings: string[];
  /**
   * The input objects the audit used, as given (same identity): the observed workloads and the
   * objects their views read (ConfigMaps, autoscalers, disruption budgets), sorted by namespace, kind
   * and name. A live snapshot keeps these.
   */
  readonly used: readonly Readonly<Record<string, unknown>>[];
  /** Views' open payloads by view name (only views that gave one). */
  readonly payloads: Readonly<Record<string, readonly unknown[]>>;
}

/** Where each workload kind keeps its pod template, in the object and in `managedFields`. */
const TEMPLATE_PATHS: Readonly<Record<string, { readonly template: readonly string[]; readonly fields: readonly string[] }>> = {
  Deployment: { template: ['spec', 'template'], fields: ['f:spec', 'f:template'] },
  StatefulSet: { template: ['spec', 'template'], fields: ['f:spec', 'f:template'] },
  DaemonSet: { template: ['spec', 'template'], fields: ['f:spec', 'f:template'] },
  ReplicaSet: { template: ['spec', 'template'], fields: ['f:spec', 'f:template'] },
  Job: { template: ['spec', 'template'], fields: ['f:spec', 'f:template'] },
  CronJob: { template: ['spec', 'jobTemplate', 'spec', 'template'], fields: ['f:spec', 'f:jobTemplate', 'f:spec', 'f:template'] },
  // A Pod is its own template.
  Pod: { template: [], fields: [] },
};

/**
 * Turns Kubernetes API objects (as `kubectl get -o json` prints them) into observations and images.
 *
 * Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) are selected by the
 * namespace and workload filters; each selected one is given to every registered view (env, image,
 * ...). Every observation names its application (the container: see `applicationOf`), so two services
 * reading `PORT` are two keys. Each value is attributed to the `managedFields` manager that owns it;
 * deciding whether that manager is out of band is the engine's job. Objects owned by a controller
 * present in the input (a Pod of a listed ReplicaSet) are skipped so nothing is counted twice. Input
 * is validated as it is read: a malformed object becomes a warning, never an exception. An object
 * without a namespace (a plain manifest) is placed in the only selected namespace, or `default`.
 *
 * @throws WorkloadNotFoundError when a workload filter matches no workload of the selected
 *   namespaces: the source must fail (`workload-not-found`), or the workload's keys would read as
 *   missing and its open findings as resolved.
 */
export function kubernetesObjectsToObservations(
  objects: readonly unknown[],
  options: KubernetesObservationOptions,
  views: readonly WorkloadView[] = WORKLOAD_VIEWS,
): KubernetesObservations {
  const warnings = new Set<string>();
  const all = flattenObjects(objects, options, warnings);
  const namespaces = options.namespaces?.length ? new Set(options.namespaces) : undefined;
  const inScope = all.filter((object) => namespaces === undefined || namespaces.has(object.namespace));
  const scope: ViewScope = {
    options,
    objects: inScope,
    warn: (message) => warnings.add(message),
    provenance: (object, layer, location, fieldPath) => provenance(object, layer, location, options, fieldPath),
  };
  const runs = views.map((view) => ({ view, run: view.start(scope) }));
  const sharedNames = sharedWorkloadNames(inScope);

  const filters = normaliseWorkloadFilters(options.workloads ?? [], warnings);
  const present = new Set(inScope.map((object) => `${object.namespace}/${object.kind}/${object.name}`));
  const matched = new Set<string>();
  const observations: Observation[] = [];
  const images: ImageObservation[] = [];
  const used = new Map<Readonly<Record<string, unknown>>, KubeRecord>();
  const payloads: Record<string, unknown[]> = {};
  for (const object of inScope) {
    if (TEMPLATE_PATHS[object.kind] === undefined) continue;
    const ref = workloadRef(object);
    if (filters.size > 0 && !filters.has(ref)) continue;
    matched.add(ref);
    if (hasControllerIn(object, present)) continue;
    const workload = selectWorkload(object, options, sharedNames, warnings);
    if (workload === undefined) continue;
    used.set(object.raw, object);
    for (const { view, run } of runs) {
      const output = run.observe(workload);
      observations.push(...(output.observations ?? []));
      images.push(...(output.images ?? []));
      for (const related of output.related ?? []) used.set(related.raw, related);
      if (output.payload !== undefined && output.payload.length > 0) payloads[view.name] = [...(payloads[view.name] ?? []), ...output.payload];
    }
  }
  const unmatched = [...filters].filter((ref) => !matched.has(ref)).sort(compare);
  if (unmatched.length > 0) throw new WorkloadNotFoundError(unmatched, describeScope(options));

  observations.sort(compareObservations);
  images.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.workload, b.workload) || compare(a.container, b.container));
  const usedObjects = [...used.values()]
    .sort((a, b) => compare(a.namespace, b.namespace) || compare(a.kind, b.kind) || compare(a.name, b.name))
    .map((object) => object.raw);
  return { observations, images, warnings: [...warnings].sort(), used: usedObjects, payloads };
}

/** A workload with its containers named and labelled with their applications; undefined (warned) without a pod spec. */
function selectWorkload(
  object: KubeRecord,
  options: KubernetesObservationOptions,
  sharedNames: ReadonlySet<string>,
  warnings: Set<string>,
): SelectedWorkload | undefined {
  const paths = TEMPLATE_PATHS[object.kind];
  if (paths === undefined) return undefined;
  const ref = workloadRef(object);
  const specPath = [...paths.template, 'spec'];
  const podSpec = asRecord(getPath(object.raw, specPath));
  if (podSpec === undefined) {
    warnings.add(`${ref} in namespace ${object.namespace}: no pod spec at ${specPath.join('.')}; ignored`);
    return undefined;
  }
  const defaultContainer = defaultContainerOf(object, paths.template, podSpec);
  const applicationOf = (container: string): string => {
    const mapped = options.applications;
    const isDefault = container === defaultContainer;
    const declared = mapped?.[`${ref}/${container}`] ?? (isDefault ? mapped?.[ref] : undefined);
    if (declared !== undefined) return declared;
    // Two workloads of one name in different namespaces are two applications: name them by namespace.
    const name = sharedNames.has(object.name) ? `${object.namespace}/${object.name}` : object.name;
    return isDefault ? name : `${name}/${container}`;
  };
  const containers: SelectedContainer[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    for (const [index, item] of asArray(podSpec[list]).entries()) {
      const spec = asRecord(item);
      const name = asString(spec?.['name']);
      if (spec === undefined || name === undefined) {
        warnings.add(`${ref} in namespace ${object.namespace}: ${list}[${index}] has no name; ignored`);
        continue;
      }
      // A native sidecar (an init container with restartPolicy Always, Kubernetes 1.28+) runs beside the
      // app for the pod's life: a process of its own. Other init containers run to completion before
      // the app starts: they are the workload's own.
      const runs = list === 'containers' || spec['restartPolicy'] === 'Always';
      const fieldPath: FieldPathStep[] = [...paths.fields, 'f:spec', `f:${list}`, { name }];
      containers.push({ name, list, spec, fieldPath, runs, application: runs ? applicationOf(name) : applicationOf(defaultContainer ?? name) });
    }
  }
  return {
    object,
    ref,
    podSpec,
    templatePath: paths.template,
    templateFields: paths.fields,
    ...(defaultContainer === undefined ? {} : { defaultContainer }),
    // No container at all: the workload's own name, as its default container would have had.
    application: defaultContainer === undefined ? applicationOf('').replace(/\/$/, '') : applicationOf(defaultContainer),
    containers,
  };
}

function sharedWorkloadNames(objects: readonly KubeRecord[]): Set<string> {
  const namespacesByName = new Map<string, Set<string>>();
  for (const object of objects) {
    if (TEMPLATE_PATHS[object.kind] === undefined) continue;
    const namespaces = namespacesByName.get(object.name) ?? new Set<string>();
    namespaces.add(object.namespace);
    namespacesByName.set(object.name, namespaces);
  }
  return new Set([...namespacesByName].filter(([, namespaces]) => namespaces.size > 1).map(([name]) => name));
}

/** Expands `List` objects (`kubectl get -o json`) and typed lists (`DeploymentList` from the API). */
function flattenObjects(
  objects: readonly unknown[],
  options: KubernetesObservationOptions,
  warnings: Set<string>,
  inferredKind?: string,
  origin = 'object',
): KubeRecord[] {
  const out: KubeRecord[] = [];
  objects.forEach((value, index) => {
    const where = `${origin} #${index + 1}`;
    const raw = asRecord(value);
    if (raw === undefined) {
      if (value !== null && value !== undefined) warnings.add(`${where} is not a Kubernetes object; ignored`);
      return;
    }
    const kind = asString(raw['kind']) ?? inferredKind;
    if (kind?.endsWith('List') && Array.isArray(raw['items'])) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      out.push(...flattenObjects(raw['items'], options, warnings, itemKind, `${where} item`));
      return;
    }
    const metadata = asRecord(raw['metadata']);
    const name = asString(metadata?.['name']);
    if (kind === undefined || metadata === undefined || name === undefined) {
      warnings.add(`${where} has no kind or metadata.name; ignored`);
      return;
    }
    out.push({ kind, name, namespace: resolveNamespace(metadata, options), metadata, raw });
  });
  return out;
}

function resolveNamespace(metadata: Readonly<Record<string, unknown>>, options: KubernetesObservationOptions): string {
  const declared = asString(metadata['namespace']);
  if (declared) return declared;
  // A manifest without a namespace lands wherever it is applied: the one selected namespace if there is one.
  return options.namespaces?.length === 1 && options.namespaces[0] !== undefined ? options.namespaces[0] : 'default';
}

function normaliseWorkloadFilters(filters: readonly string[], warnings: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const filter of filters) {
    const ref = normaliseWorkloadRef(filter);
    if (ref === undefined) warnings.add(`workload filter "${filter}" is not of the form kind/name; ignored`);
    else out.add(ref);
  }
  return out;
}

function workloadRef(object: KubeRecord): string {
  return `${object.kind.toLowerCase()}/${object.name}`;
}

function hasControllerIn(object: KubeRecord, present: ReadonlySet<string>): boolean {
  return asArray(object.metadata['ownerReferences']).some((reference) => {
    const owner = asRecord(reference);
    return owner?.['controller'] === true && present.has(`${object.namespace}/${asString(owner['kind']) ?? ''}/${asString(owner['name']) ?? ''}`);
  });
}

/**
 * The container kubectl and people treat as the workload's own: the pod template's
 * `kubectl.kubernetes.io/default-container` annotation, else the first container.
 */
function defaultContainerOf(object: KubeRecord, templatePath: readonly string[], podSpec: Readonly<Record<string, unknown>>): string | undefined {
  const annotations = asRecord(getPath(object.raw, [...templatePath, 'metadata', 'annotations']));
  const annotated = asString(annotations?.['kubectl.kubernetes.io/default-container']);
  if (annotated) return annotated;
  return asString(asRecord(asArray(podSpec['containers'])[0])?.['name']);
}

function provenance(
  object: KubeRecord,
  layer: SourceLayer,
  location: string,
  options: KubernetesObservationOptions,
  fieldPath: readonly FieldPathStep[],
): Provenance {
  const { file, region, account, cluster } = options;
  const version = asString(object.metadata['resourceVersion']);
  const change: FieldManagerChange | undefined = findFieldManager(object.metadata['managedFields'], fieldPath);
  return {
    source: 'kubernetes',
    layer,
    location,
    ...(file === undefined ? {} : { file }),
    ...(version ? { version } : {}),
    ...(change?.time === undefined ? {} : { changedAt: change.time }),
    ...(change === undefined ? {} : { changedBy: change.manager }),
    ...(region === undefined ? {} : { region }),
    ...(account === undefined ? {} : { account }),
    ...(cluster === undefined ? {} : { cluster }),
  };
}

function describeScope(options: KubernetesObservationOptions): string {
  const namespaces = options.namespaces?.length ? ` in namespace ${options.namespaces.join(', ')}` : '';
  const cluster = options.cluster === undefined ? '' : ` of cluster ${options.cluster}`;
  const file = options.file === undefined ? '' : ` (${options.file})`;
  return `${namespaces}${cluster}${file}`;
}

function compareObservations(a: Observation, b: Observation): number {
  return (
    compare(a.key, b.key) ||
    compare(a.application ?? '', b.application ?? '') ||
    compare(a.provenance.layer, b.provenance.layer) ||
    compare(targetNamespace(a), targetNamespace(b)) ||
    compare(a.provenance.location, b.provenance.location)
  );
}

function targetNamespace(observation: Observation): string {
  const target = observation.provenance.target;
  return target !== undefined && 'namespace' in target ? target.namespace : '';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
