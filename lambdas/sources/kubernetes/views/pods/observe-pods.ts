/**
 * The running pods of the audited workloads, as `PodObservation`s: when each container last started,
 * whether the pod runs its workload's current template, and which ConfigMap keys and SSM parameters
 * its env was built from. Pure: input is what `kubectl get pods,rs,deploy,sts,ds,cm,externalsecrets,
 * secretstores,clustersecretstores,secretproviderclasses -o json` prints (or the API's typed lists).
 *
 * Only pods a workload controls are observed: a Deployment's (through its ReplicaSet), a
 * StatefulSet's, a DaemonSet's. Job pods (a CronJob's) run to completion with the template of their
 * Job and are skipped, as are bare pods, pods being deleted and pods not `Running`. What is kept is
 * plain data: never the Pod object, never an env value (a feed names its source, not its value).
 */
import type { PodEnvFeed, PodObservation, PodTemplateState } from '../../../../engine/model.js';
import { asArray, asRecord, asString } from '../../unknown-shape.js';
import { normaliseWorkloadRef } from '../../workload-ref.js';
import { podEnvFeeds, runningContainers } from './pod-env-feeds.js';
import { podTemplateState } from './pod-template-state.js';
import { indexSyncedSecrets, type SyncObject } from './synced-secrets.js';

type Raw = Readonly<Record<string, unknown>>;

/** What {@link observePods} selects and how it labels what it finds (as `KubernetesObservationOptions`). */
export interface PodObservationOptions {
  /** Only pods in these namespaces; all when absent or empty. */
  readonly namespaces?: readonly string[];
  /** `deployment/api-server` style filters (`deploy/`, `sts/`, `ds/` accepted); all workloads when absent or empty. */
  readonly workloads?: readonly string[];
  readonly region?: string;
  readonly account?: string;
  readonly file?: string;
  readonly cluster?: string;
  /** Declared applications by container, as `KubernetesObservationOptions.applications`. */
  readonly applications?: Readonly<Record<string, string>>;
}

/** Pods (sorted by namespace, workload, name) and the problems met, sorted. */
export interface PodObservations {
  readonly pods: PodObservation[];
  readonly warnings: string[];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Observes the pods of `objects`; never throws for malformed input (it is skipped). */
export function observePods(objects: readonly unknown[], options: PodObservationOptions): PodObservations {
  const warnings = new Set<string>();
  const namespaces = options.namespaces?.length ? new Set(options.namespaces) : undefined;
  const all = flatten(objects, options).filter((object) => namespaces === undefined || namespaces.has(object.namespace));
  const byId = new Map<string, SyncObject>();
  const configMaps = new Map<string, Map<string, Raw>>();
  for (const object of all) {
    byId.set(`${object.namespace}/${object.kind}/${object.name}`, object);
    if (object.kind === 'ConfigMap') {
      const map = configMaps.get(object.namespace) ?? new Map<string, Raw>();
      map.set(object.name, object.raw);
      configMaps.set(object.namespace, map);
    }
  }
  const synced = indexSyncedSecrets(all, warnings);
  const filters = normaliseFilters(options.workloads ?? []);
  const found: { pod: SyncObject; kind: string; workload: string }[] = [];
  for (const pod of all) {
    if (pod.kind !== 'Pod' || !isRunning(pod.raw)) continue;
    const owner = workloadOf(pod, byId);
    if (owner === undefined) continue;
    const ref = `${owner.kind.toLowerCase()}/${owner.name}`;
    if (filters.size > 0 && !filters.has(ref)) continue;
    found.push({ pod, kind: owner.kind, workload: owner.name });
  }
  const sharedNames = namesInSeveralNamespaces(found.map(({ pod, workload }) => ({ namespace: pod.namespace, name: workload })));
  const pods = found.map(({ pod, kind, workload }) => {
    const ref = `${kind.toLowerCase()}/${workload}`;
    const object = byId.get(`${pod.namespace}/${kind}/${workload}`);
    const template: PodTemplateState =
      object === undefined
        ? {}
        : podTemplateState(pod.raw, {
            workload: object.raw,
            kind: kind as 'Deployment' | 'StatefulSet' | 'DaemonSet',
            replicaSets: kind === 'Deployment' ? ownedReplicaSets(all, pod.namespace, workload) : [],
          });
    if (object === undefined)
      warnings.add(`pod ${pod.name} in namespace ${pod.namespace}: ${ref} is not in the input; whether it runs the current template is unknown`);
    const spec = asRecord(pod.raw['spec']) ?? {};
    const starts = containerStarts(pod.raw);
    const lookups = { namespace: pod.namespace, configMaps: configMaps.get(pod.namespace) ?? new Map<string, Raw>(), synced };
    const feeds: PodEnvFeed[] = runningContainers(spec).flatMap((container) =>
      podEnvFeeds(spec, container, starts.get(asString(container['name']) ?? '') ?? podStartTime(pod.raw), lookups),
    );
    feeds.sort((a, b) => compare(a.container, b.container) || compare(a.variable, b.variable));
    const startedAt = earliest([...starts.values()]) ?? podStartTime(pod.raw);
    const application = applicationOf(ref, pod, defaultContainer(pod.raw, spec), options, sharedNames.has(workload));
    const { region, account, file, cluster } = options;
    return {
      name: pod.name,
      namespace: pod.namespace,
      workload: ref,
      ...(application === undefined ? {} : { application }),
      ...(startedAt === undefined ? {} : { startedAt }),
      template,
      feeds,
      ...(cluster === undefined ? {} : { cluster }),
      ...(region === undefined ? {} : { region }),
      ...(account === undefined ? {} : { account }),
      ...(file === undefined ? {} : { file }),
    } satisfies PodObservation;
  });
  pods.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.workload, b.workload) || compare(a.name, b.name));
  return { pods, warnings: [...warnings].sort() };
}

function flatten(objects: readonly unknown[], options: PodObservationOptions, inferredKind?: string): SyncObject[] {
  const out: SyncObject[] = [];
  for (const value of objects) {
    const raw = asRecord(value);
    if (raw === undefined) continue;
    const kind = asString(raw['kind']) ?? inferredKind;
    if (kind?.endsWith('List') && Array.isArray(raw['items'])) {
      out.push(...flatten(raw['items'], options, kind === 'List' ? undefined : kind.slice(0, -'List'.length)));
      continue;
    }
    const metadata = asRecord(raw['metadata']);
    const name = asString(metadata?.['name']);
    if (kind === undefined || name === undefined) continue;
    const declared = asString(metadata?.['namespace']);
    const only = options.namespaces?.length === 1 ? options.namespaces[0] : undefined;
    out.push({ kind, name, namespace: declared || only || 'default', raw });
  }
  return out;
}

function isRunning(pod: Raw): boolean {
  const metadata = asRecord(pod['metadata']);
  return metadata?.['deletionTimestamp'] === undefined && asString(asRecord(pod['status'])?.['phase']) === 'Running';
}

function controllerOf(object: SyncObject): { kind: string; name: string } | undefined {
  for (const reference of asArray(asRecord(object.raw['metadata'])?.['ownerReferences'])) {
    const owner = asRecord(reference);
    const kind = asString(owner?.['kind']);
    const name = asString(owner?.['name']);
    if (owner?.['controller'] === true && kind !== undefined && name !== undefined) return { kind, name };
  }
  return undefined;
}

/** The workload a pod belongs to: its controller, or its ReplicaSet's Deployment. */
function workloadOf(pod: SyncObject, byId: ReadonlyMap<string, SyncObject>): { kind: string; name: string } | undefined {
  const owner = controllerOf(pod);
  if (owner === undefined) return undefined;
  if (WORKLOAD_KINDS.has(owner.kind)) return owner;
  if (owner.kind !== 'ReplicaSet') return undefined;
  const replicaSet = byId.get(`${pod.namespace}/ReplicaSet/${owner.name}`);
  const deployment = replicaSet === undefined ? undefined : controllerOf(replicaSet);
  if (deployment?.kind === 'Deployment') return deployment;
  // Without the ReplicaSet, its name still says whose it is: `<deployment>-<pod-template-hash>`.
  const hash = asString(asRecord(asRecord(pod.raw['metadata'])?.['labels'])?.['pod-template-hash']);
  if (replicaSet === undefined && hash !== undefined && owner.name.endsWith(`-${hash}`)) {
    return { kind: 'Deployment', name: owner.name.slice(0, -hash.length - 1) };
  }
  return undefined;
}

function ownedReplicaSets(all: readonly SyncObject[], namespace: string, deployment: string): Raw[] {
  return all
    .filter((object) => object.kind === 'ReplicaSet' && object.namespace === namespace)
    .filter((object) => {
      const owner = controllerOf(object);
      return owner?.kind === 'Deployment' && owner.name === deployment;
    })
    .map((object) => object.raw);
}

/** Each running container's last start (`state.running.startedAt`), sidecars' included. */
function containerStarts(pod: Raw): Map<string, string> {
  const status = asRecord(pod['status']);
  const starts = new Map<string, string>();
  for (const list of ['initContainerStatuses', 'containerStatuses']) {
    for (const item of asArray(status?.[list])) {
      const entry = asRecord(item);
      const name = asString(entry?.['name']);
      const startedAt = asString(asRecord(asRecord(entry?.['state'])?.['running'])?.['startedAt']);
      if (name !== undefined && startedAt !== undefined) starts.set(name, startedAt);
    }
  }
  return starts;
}

function podStartTime(pod: Raw): string | undefined {
  return asString(asRecord(pod['status'])?.['startTime']);
}

function earliest(times: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const time of times) if (best === undefined || Date.parse(time) < Date.parse(best)) best = time;
  return best;
}

function defaultContainer(pod: Raw, spec: Raw): string | undefined {
  const annotated = asString(asRecord(asRecord(pod['metadata'])?.['annotations'])?.['kubectl.kubernetes.io/default-container']);
  return annotated || asString(asRecord(asArray(spec['containers'])[0])?.['name']);
}

/** The application of the workload's default container, named exactly as the env observations name it. */
function applicationOf(ref: string, pod: SyncObject, container: string | undefined, options: PodObservationOptions, shared: boolean): string | undefined {
  const mapped = options.applications;
  const declared = (container === undefined ? undefined : mapped?.[`${ref}/${container}`]) ?? mapped?.[ref];
  if (declared !== undefined) return declared;
  const name = ref.slice(ref.indexOf('/') + 1);
  return shared ? `${pod.namespace}/${name}` : name;
}

function namesInSeveralNamespaces(workloads: readonly { namespace: string; name: string }[]): Set<string> {
  const seen = new Map<string, Set<string>>();
  for (const { namespace, name } of workloads) seen.set(name, (seen.get(name) ?? new Set()).add(namespace));
  return new Set([...seen].filter(([, spaces]) => spaces.size > 1).map(([name]) => name));
}

function normaliseFilters(filters: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const filter of filters) {
    const ref = normaliseWorkloadRef(filter);
    if (ref !== undefined) out.add(ref);
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
