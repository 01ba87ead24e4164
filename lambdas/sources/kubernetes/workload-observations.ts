import type { ImageObservation, Observation, ObservedValue, Provenance, SourceLayer } from '../../engine/model.js';
import { findFieldManager, type FieldManagerChange, type FieldPathStep } from './managed-fields.js';
import { parseImageReference } from './parse-image-reference.js';
import { asArray, asRecord, asString, getPath } from './unknown-shape.js';
import { REDACTED_VALUE } from '../ssm/ssm-observations.js';
import { WorkloadNotFoundError } from './workload-not-found-error.js';
import { expandEnvReferences } from './expand-env-references.js';
import { isSecretKey } from '../../engine/analyse/show-value.js';
import { detectSecret } from '../../engine/secrets/detect-secret.js';

/** What {@link kubernetesObjectsToObservations} selects and how it labels what it finds. */
export interface KubernetesObservationOptions {
  /** Only objects in these namespaces; all when absent or empty. */
  readonly namespaces?: readonly string[];
  /** `deployment/api-server` style filters (`deploy/`, `sts/`, `cj/`... accepted); all when absent or empty. */
  readonly workloads?: readonly string[];
  readonly region?: string;
  readonly account?: string;
  /** The snapshot file the objects came from, when offline. */
  readonly file?: string;
  readonly cluster?: string;
  /**
   * Declared applications by container: `deployment/api-server` (the default container) or
   * `deployment/api-server/app` -> application name. Unmapped containers are named after their workload.
   */
  readonly applications?: Readonly<Record<string, string>>;
  /**
   * Whether a key is secret under the baseline (a declared `secret: true` of an ordinary name, too):
   * such a variable is never expanded into another one's value. Secret-looking names when absent.
   */
  readonly secretKey?: (key: string) => boolean;
}

/** Observations, images and the problems met on the way, each sorted. */
export interface KubernetesObservations {
  readonly observations: Observation[];
  readonly images: ImageObservation[];
  readonly warnings: string[];
}

/** Where each workload kind keeps its pod spec, in the object and in `managedFields`. */
const POD_SPEC_PATHS: Readonly<Record<string, { readonly spec: readonly string[]; readonly fields: readonly string[] }>> = {
  Deployment: { spec: ['spec', 'template', 'spec'], fields: ['f:spec', 'f:template', 'f:spec'] },
  StatefulSet: { spec: ['spec', 'template', 'spec'], fields: ['f:spec', 'f:template', 'f:spec'] },
  DaemonSet: { spec: ['spec', 'template', 'spec'], fields: ['f:spec', 'f:template', 'f:spec'] },
  ReplicaSet: { spec: ['spec', 'template', 'spec'], fields: ['f:spec', 'f:template', 'f:spec'] },
  Job: { spec: ['spec', 'template', 'spec'], fields: ['f:spec', 'f:template', 'f:spec'] },
  CronJob: {
    spec: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
    fields: ['f:spec', 'f:jobTemplate', 'f:spec', 'f:template', 'f:spec'],
  },
  Pod: { spec: ['spec'], fields: ['f:spec'] },
};

/** kubectl's short names and plurals, so a baseline may say `deploy/api` as people type it. */
const KIND_ALIASES: Readonly<Record<string, string>> = {
  deploy: 'deployment',
  deployments: 'deployment',
  sts: 'statefulset',
  statefulsets: 'statefulset',
  ds: 'daemonset',
  daemonsets: 'daemonset',
  rs: 'replicaset',
  replicasets: 'replicaset',
  jobs: 'job',
  cj: 'cronjob',
  cronjobs: 'cronjob',
  po: 'pod',
  pods: 'pod',
};

interface KubeObject {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly raw: Readonly<Record<string, unknown>>;
}

interface ConfigMapData {
  readonly object: KubeObject;
  readonly data: ReadonlyMap<string, string>;
}

/** Shared state of one conversion. */
interface Context {
  readonly options: KubernetesObservationOptions;
  readonly configMaps: ReadonlyMap<string, ConfigMapData>;
  readonly envObservations: Observation[];
  /** Workload names found in more than one selected namespace. */
  readonly sharedNames: ReadonlySet<string>;
  readonly images: ImageObservation[];
  readonly warnings: Set<string>;
}

/**
 * Turns Kubernetes API objects (as `kubectl get -o json` prints them) into observations and images.
 *
 * Workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod) yield each
 * container's environment as the kubelet builds it (`env` layer, ConfigMap values projected by envFrom
 * and configMapKeyRef included; see `observeContainerEnv`), the keys of ConfigMaps the container
 * mounts (`configmap` layer: the application reads them itself) and their secretKeyRefs (`secret`
 * layer, by name and key only: Secrets are never read, and Secret objects in the input are ignored).
 * Every observation names its application (the container: see `applicationOf`), so two services
 * reading `PORT` are two keys. Only ConfigMaps a selected workload
 * references are observed, so cluster plumbing such as `kube-root-ca.crt` is never reported.
 * Each value is attributed to the `managedFields` manager that owns it; deciding whether that manager
 * is out of band is the engine's job. Objects owned by a controller present in the input (a Pod of a
 * listed ReplicaSet) are skipped so nothing is counted twice. Input is validated as it is read: a
 * malformed object becomes a warning, never an exception. An object without a namespace (a plain
 * manifest) is placed in the only selected namespace, or `default`.
 *
 * @throws WorkloadNotFoundError when a workload filter matches no workload of the selected
 *   namespaces: the source must fail (`workload-not-found`), or the workload's keys would read as
 *   missing and its open findings as resolved.
 */
export function kubernetesObjectsToObservations(objects: readonly unknown[], options: KubernetesObservationOptions): KubernetesObservations {
  const warnings = new Set<string>();
  const all = flattenObjects(objects, options, warnings);
  const namespaces = options.namespaces?.length ? new Set(options.namespaces) : undefined;
  const inScope = all.filter((object) => namespaces === undefined || namespaces.has(object.namespace));
  const context: Context = {
    options,
    configMaps: indexConfigMaps(inScope, warnings),
    envObservations: [],
    sharedNames: sharedWorkloadNames(inScope),
    images: [],
    warnings,
  };

  const filters = normaliseWorkloadFilters(options.workloads ?? [], warnings);
  const present = new Set(inScope.map((object) => `${object.namespace}/${object.kind}/${object.name}`));
  const matched = new Set<string>();
  for (const object of inScope) {
    if (POD_SPEC_PATHS[object.kind] === undefined) continue;
    const ref = workloadRef(object);
    if (filters.size > 0 && !filters.has(ref)) continue;
    matched.add(ref);
    if (hasControllerIn(object, present)) continue;
    observeWorkload(object, context);
  }
  const unmatched = [...filters].filter((ref) => !matched.has(ref)).sort(compare);
  if (unmatched.length > 0) throw new WorkloadNotFoundError(unmatched, describeScope(options));

  const observations = context.envObservations.sort(compareObservations);
  const images = context.images.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.workload, b.workload) || compare(a.container, b.container));
  return { observations, images, warnings: [...warnings].sort() };
}

function sharedWorkloadNames(objects: readonly KubeObject[]): Set<string> {
  const namespacesByName = new Map<string, Set<string>>();
  for (const object of objects) {
    if (POD_SPEC_PATHS[object.kind] === undefined) continue;
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
): KubeObject[] {
  const out: KubeObject[] = [];
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

function indexConfigMaps(objects: readonly KubeObject[], warnings: Set<string>): Map<string, ConfigMapData> {
  const index = new Map<string, ConfigMapData>();
  for (const object of objects) {
    if (object.kind !== 'ConfigMap') continue;
    const data = new Map<string, string>();
    for (const [key, value] of Object.entries(asRecord(object.raw['data']) ?? {})) {
      if (typeof value === 'string') data.set(key, value);
      else warnings.add(`configmap/${object.name} in namespace ${object.namespace}: data key ${key} is not a string; ignored`);
    }
    index.set(`${object.namespace}/${object.name}`, { object, data });
  }
  return index;
}

function normaliseWorkloadFilters(filters: readonly string[], warnings: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const filter of filters) {
    const slash = filter.indexOf('/');
    if (slash <= 0 || slash === filter.length - 1) {
      warnings.add(`workload filter "${filter}" is not of the form kind/name; ignored`);
      continue;
    }
    // `deployments.apps/api` names the group too; the kind is what identifies the workload here.
    const kind = filter.slice(0, slash).toLowerCase().split('.')[0] ?? '';
    out.add(`${KIND_ALIASES[kind] ?? kind}/${filter.slice(slash + 1)}`);
  }
  return out;
}

function workloadRef(object: KubeObject): string {
  return `${object.kind.toLowerCase()}/${object.name}`;
}

function hasControllerIn(object: KubeObject, present: ReadonlySet<string>): boolean {
  return asArray(object.metadata['ownerReferences']).some((reference) => {
    const owner = asRecord(reference);
    return owner?.['controller'] === true && present.has(`${object.namespace}/${asString(owner['kind']) ?? ''}/${asString(owner['name']) ?? ''}`);
  });
}

function observeWorkload(object: KubeObject, context: Context): void {
  const paths = POD_SPEC_PATHS[object.kind];
  if (paths === undefined) return;
  const ref = workloadRef(object);
  const podSpec = asRecord(getPath(object.raw, paths.spec));
  if (podSpec === undefined) {
    context.warnings.add(`${ref} in namespace ${object.namespace}: no pod spec at ${paths.spec.join('.')}; ignored`);
    return;
  }
  const defaultContainer = defaultContainerOf(object, paths.spec, podSpec);
  for (const list of ['initContainers', 'containers'] as const) {
    for (const [index, item] of asArray(podSpec[list]).entries()) {
      const container = asRecord(item);
      const name = asString(container?.['name']);
      if (container === undefined || name === undefined) {
        context.warnings.add(`${ref} in namespace ${object.namespace}: ${list}[${index}] has no name; ignored`);
        continue;
      }
      const fieldPath: FieldPathStep[] = [...paths.fields, `f:${list}`, { name }];
      // A native sidecar (an init container with restartPolicy Always, Kubernetes 1.28+) runs beside the
      // app for the pod's life: a process of its own. Other init containers run to completion before
      // the app starts: their env is not the app's configuration, and they are the workload's own.
      const runs = list === 'containers' || container['restartPolicy'] === 'Always';
      const application = runs
        ? applicationOf(object, name, defaultContainer, context)
        : applicationOf(object, defaultContainer ?? name, defaultContainer, context);
      observeImage(object, container, name, application, fieldPath, context);
      if (runs) {
        observeContainerEnv(object, container, name, application, fieldPath, context);
        observeMountedConfigMaps(object, podSpec, container, application, context);
      }
    }
  }
}

/**
 * The container kubectl and people treat as the workload's own: the pod template's
 * `kubectl.kubernetes.io/default-container` annotation, else the first container.
 */
function defaultContainerOf(object: KubeObject, specPath: readonly string[], podSpec: Readonly<Record<string, unknown>>): string | undefined {
  const templatePath = specPath.slice(0, -1);
  const annotations = asRecord(getPath(object.raw, [...templatePath, 'metadata', 'annotations']));
  const annotated = asString(annotations?.['kubectl.kubernetes.io/default-container']);
  if (annotated) return annotated;
  return asString(asRecord(asArray(podSpec['containers'])[0])?.['name']);
}

/**
 * The application a container is: the one the baseline maps it to (`deployment/api-server/app`, or
 * `deployment/api-server` for the default container), else the workload's name for its default
 * container and `workload/container` for the others (a sidecar is a process of its own).
 */
function applicationOf(object: KubeObject, container: string, defaultContainer: string | undefined, context: Context): string {
  const ref = workloadRef(object);
  const mapped = context.options.applications;
  const isDefault = container === defaultContainer;
  const declared = mapped?.[`${ref}/${container}`] ?? (isDefault ? mapped?.[ref] : undefined);
  if (declared !== undefined) return declared;
  // Two workloads of one name in different namespaces are two applications: name them by namespace.
  const name = context.sharedNames.has(object.name) ? `${object.namespace}/${object.name}` : object.name;
  return isDefault ? name : `${name}/${container}`;
}

function observeImage(
  object: KubeObject,
  container: Readonly<Record<string, unknown>>,
  name: string,
  application: string,
  fieldPath: readonly FieldPathStep[],
  context: Context,
): void {
  const image = asString(container['image']);
  if (image === undefined) return;
  const { repository, tag, digest } = parseImageReference(image);
  context.images.push({
    workload: workloadRef(object),
    namespace: object.namespace,
    container: name,
    application,
    image,
    repository,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
    // Images are part of the pod template, as env values are: the closest layer the model has.
    provenance: provenance(object, 'env', `${workloadRef(object)} container ${name}`, context, [...fieldPath, 'f:image']),
  });
}

/** One variable of a container's environment as the kubelet builds it: the value the process gets, and what it beat. */
interface EnvEntry {
  observation: Observation;
  readonly overridden: Observation[];
}

/**
 * A container's environment, built in the kubelet's order (pkg/kubelet makeEnvironmentVariables and
 * the Container API: "When a key exists in multiple sources, the value associated with the last source
 * will take precedence. Values defined by an Env with a duplicate key will take precedence."):
 * 1. every `envFrom` source in order, a later one replacing an earlier one's variable;
 * 2. every `env` entry in order, replacing whatever came before, its `value` expanded against the
 *    variables defined so far (see {@link expandEnvReferences}).
 * The process gets exactly one value per name: that one is observed as the container's, and the values
 * it replaced are observed with `overriddenBy` naming the rule, so the engine can show them but never
 * lets a baseline precedence pick them. ConfigMap values projected into env (envFrom,
 * configMapKeyRef) are part of the container's environment: layer `env`, revert target the ConfigMap key.
 */
function observeContainerEnv(
  object: KubeObject,
  container: Readonly<Record<string, unknown>>,
  containerName: string,
  application: string,
  fieldPath: readonly FieldPathStep[],
  context: Context,
): void {
  const ref = workloadRef(object);
  const where = `${ref} container ${containerName} in namespace ${object.namespace}`;
  const location = `${ref} container ${containerName}`;
  const env = new Map<string, EnvEntry>();
  const define = (name: string, observation: Observation, rule: string): void => {
    const labelled = { ...observation, application };
    const seen = env.get(name);
    if (seen === undefined) {
      env.set(name, { observation: labelled, overridden: [] });
      return;
    }
    seen.overridden.unshift({ ...seen.observation, overriddenBy: rule });
    seen.observation = labelled;
  };

  for (const [index, item] of asArray(container['envFrom']).entries()) {
    const entry = asRecord(item);
    const prefix = asString(entry?.['prefix']) ?? '';
    const secretRef = asRecord(entry?.['secretRef']);
    if (secretRef !== undefined) {
      context.warnings.add(
        `${where}: envFrom secret/${asString(secretRef['name']) ?? '?'} is not observed (its keys cannot be known without reading the Secret)`,
      );
      continue;
    }
    const configMapRef = asRecord(entry?.['configMapRef']);
    const configMapName = asString(configMapRef?.['name']);
    if (configMapRef === undefined || !configMapName) {
      context.warnings.add(`${where}: envFrom[${index}] has neither a configMapRef nor a secretRef with a name; ignored`);
      continue;
    }
    const configMap = context.configMaps.get(`${object.namespace}/${configMapName}`);
    if (configMap === undefined) {
      if (configMapRef['optional'] !== true) {
        context.warnings.add(`${where}: envFrom configmap/${configMapName} is not in the input; not observed`);
      }
      continue;
    }
    for (const [dataKey, value] of configMap.data) {
      const name = `${prefix}${dataKey}`;
      define(
        name,
        configMapObservation(configMap, dataKey, name, value, 'env', `configmap/${configMapName} via envFrom of ${location}`, context),
        `a later envFrom source (configmap/${configMapName}) of ${location} sets ${name}`,
      );
    }
  }

  for (const [index, item] of asArray(container['env']).entries()) {
    const entry = asRecord(item);
    const variable = asString(entry?.['name']);
    if (entry === undefined || !variable) {
      context.warnings.add(`${where}: env[${index}] has no name; ignored`);
      continue;
    }
    const beats = env.has(variable) ? overrideRule(env.get(variable) as EnvEntry, variable, location) : '';
    const envPath: FieldPathStep[] = [...fieldPath, 'f:env', { name: variable }];
    const target = { kind: 'workload-env', namespace: object.namespace, workload: ref, container: containerName, variable } as const;
    const valueFrom = asRecord(entry['valueFrom']);
    if (valueFrom === undefined) {
      // `{ name: X }` without value sets X to the empty string in the container.
      const written = asString(entry['value']) ?? '';
      // A reference to a secret (a secretKeyRef, a secret-looking name, a secret-shaped value) is left
      // as written: the process gets the secret there, and what is compared and shown is the template
      // around it, `postgres://app:$(DB_PASSWORD)@db/app`, never the secret itself.
      const expanded = expandEnvReferences(written, (name) => {
        const defined = env.get(name)?.observation.value;
        const secretName = context.options.secretKey ?? isSecretKey;
        if (defined?.kind !== 'plain' || secretName(name) || detectSecret(defined.value) !== undefined) return undefined;
        return defined.value;
      });
      define(
        variable,
        {
          key: variable,
          value: observedLiteral(expanded.value),
          provenance: { ...provenance(object, 'env', location, context, envPath), target },
        },
        beats,
      );
      continue;
    }
    const secretRef = asRecord(valueFrom['secretKeyRef']);
    if (secretRef !== undefined) {
      const secretName = asString(secretRef['name']);
      const secretKey = asString(secretRef['key']);
      if (!secretName || !secretKey) {
        context.warnings.add(`${where}: ${variable} has a secretKeyRef without name or key; ignored`);
        continue;
      }
      define(
        variable,
        {
          key: variable,
          value: { kind: 'secret', ref: `secret/${secretName}#${secretKey}` },
          provenance: { ...provenance(object, 'secret', location, context, envPath), target },
        },
        beats,
      );
      continue;
    }
    const configMapRef = asRecord(valueFrom['configMapKeyRef']);
    if (configMapRef !== undefined) {
      const observation = configMapKeyRefObservation(object, configMapRef, variable, where, location, context);
      if (observation !== undefined) define(variable, observation, beats);
      continue;
    }
    if (valueFrom['fieldRef'] === undefined && valueFrom['resourceFieldRef'] === undefined) {
      context.warnings.add(`${where}: ${variable} has an unsupported valueFrom; ignored`);
      continue;
    }
    // fieldRef / resourceFieldRef are filled in at runtime (pod name, limits): not configuration, and
    // whatever envFrom set for the name never reaches the process.
    env.delete(variable);
  }

  for (const entry of env.values()) context.envObservations.push(entry.observation, ...entry.overridden);
}

function overrideRule(previous: EnvEntry, variable: string, location: string): string {
  return previous.observation.provenance.layer === 'env' && previous.observation.provenance.target?.kind === 'workload-env'
    ? `a later env entry of ${location} sets ${variable} again`
    : `an env entry of ${location} beats envFrom for ${variable}`;
}

function configMapKeyRefObservation(
  object: KubeObject,
  reference: Readonly<Record<string, unknown>>,
  variable: string,
  where: string,
  location: string,
  context: Context,
): Observation | undefined {
  const configMapName = asString(reference['name']);
  const dataKey = asString(reference['key']);
  const optional = reference['optional'] === true;
  if (!configMapName || !dataKey) {
    context.warnings.add(`${where}: ${variable} has a configMapKeyRef without name or key; ignored`);
    return undefined;
  }
  const configMap = context.configMaps.get(`${object.namespace}/${configMapName}`);
  if (configMap === undefined) {
    if (!optional) {
      context.warnings.add(`${where}: ${variable} reads configmap/${configMapName}, which is not in the input; not observed`);
    }
    return undefined;
  }
  const value = configMap.data.get(dataKey);
  if (value === undefined) {
    if (!optional) {
      context.warnings.add(`${where}: ${variable} reads key ${dataKey} of configmap/${configMapName}, which has no such key; not observed`);
    }
    return undefined;
  }
  return configMapObservation(configMap, dataKey, variable, value, 'env', `configmap/${configMapName} via ${location}`, context);
}

/**
 * ConfigMaps the container mounts (a `configMap` volume, or a `projected` one's configMap sources):
 * the application reads them itself, so each data key (or each listed item) is a `configmap` layer
 * observation of the container's application, ranked by the declared precedence like its SSM tree or
 * config file.
 */
function observeMountedConfigMaps(
  object: KubeObject,
  podSpec: Readonly<Record<string, unknown>>,
  container: Readonly<Record<string, unknown>>,
  application: string,
  context: Context,
): void {
  const mounted = new Set(
    asArray(container['volumeMounts'])
      .map((mount) => asString(asRecord(mount)?.['name']))
      .filter((name): name is string => name !== undefined),
  );
  if (mounted.size === 0) return;
  const seen = new Set<string>();
  for (const item of asArray(podSpec['volumes'])) {
    const volume = asRecord(item);
    const volumeName = asString(volume?.['name']);
    if (volume === undefined || volumeName === undefined || !mounted.has(volumeName)) continue;
    const sources = [
      asRecord(volume['configMap']),
      ...asArray(asRecord(volume['projected'])?.['sources']).map((source) => asRecord(asRecord(source)?.['configMap'])),
    ];
    for (const source of sources) {
      const configMapName = asString(source?.['name']);
      if (source === undefined || !configMapName) continue;
      const configMap = context.configMaps.get(`${object.namespace}/${configMapName}`);
      if (configMap === undefined) {
        if (source['optional'] !== true) {
          context.warnings.add(
            `${workloadRef(object)} in namespace ${object.namespace}: volume ${volumeName} mounts configmap/${configMapName}, which is not in the input; not observed`,
          );
        }
        continue;
      }
      const items = asArray(source['items'])
        .map((entry) => asString(asRecord(entry)?.['key']))
        .filter((key): key is string => key !== undefined);
      const keys = items.length > 0 ? items : [...configMap.data.keys()];
      for (const dataKey of keys) {
        const value = configMap.data.get(dataKey);
        if (value === undefined || seen.has(`${configMapName}\u0000${dataKey}`)) continue;
        seen.add(`${configMapName}\u0000${dataKey}`);
        const observation = configMapObservation(configMap, dataKey, dataKey, value, 'configmap', `configmap/${configMapName}`, context);
        context.envObservations.push({ ...observation, application });
      }
    }
  }
}

function configMapObservation(
  configMap: ConfigMapData,
  dataKey: string,
  key: string,
  value: string,
  layer: SourceLayer,
  location: string,
  context: Context,
): Observation {
  const { object } = configMap;
  return {
    key,
    value: observedLiteral(value),
    provenance: {
      ...provenance(object, layer, location, context, ['f:data', `f:${dataKey}`]),
      target: { kind: 'configmap-key', namespace: object.namespace, configMap: object.name, dataKey },
    },
  };
}

function provenance(object: KubeObject, layer: SourceLayer, location: string, context: Context, fieldPath: readonly FieldPathStep[]): Provenance {
  const { file, region, account, cluster } = context.options;
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

/**
 * A literal value as observed. The marker `drift-audit snapshot` writes in place of a secret value
 * reads back as a present secret, never as the marker text, so an old snapshot cannot compare it.
 */
function observedLiteral(value: string): ObservedValue {
  return value === REDACTED_VALUE ? { kind: 'secret' } : { kind: 'plain', value };
}
