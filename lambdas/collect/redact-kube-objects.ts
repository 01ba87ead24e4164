import type { KubeObject } from '../sources/eks/kube-client.js';
import { reducePodObject } from '../sources/kubernetes/views/pods/reduce-pod-object.js';
import { REDACTED_VALUE } from '../sources/ssm/ssm-observations.js';

/** Where `kubectl apply` keeps the whole manifest it applied, literal values included. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

interface EnvVar {
  name?: unknown;
  value?: unknown;
  valueFrom?: { configMapKeyRef?: { name?: unknown; key?: unknown } };
}

interface ContainerLike {
  env?: EnvVar[];
  envFrom?: { prefix?: unknown; configMapRef?: { name?: unknown } }[];
}

/**
 * Deep copies of `objects` with nothing secret left in them, for a snapshot written to disk. The shape,
 * managedFields and every non-secret value stay, so the offline reader observes what the live read did.
 *
 * - the `kubectl.kubernetes.io/last-applied-configuration` annotation is removed (it repeats the
 *   applied manifest, literal values of secret settings included);
 * - a literal env value is replaced by {@link REDACTED_VALUE} when its variable is a secret key;
 * - a ConfigMap data value is replaced when its data key is a secret key, or when any workload of the
 *   namespace reads it under a secret key (`configMapKeyRef` as a secret variable, or `envFrom` with
 *   a prefix that makes a secret key of it); `binaryData` is dropped (never observed);
 * - any other literal env or ConfigMap value is replaced by what `withheldValue` returns for it (the
 *   redaction marker of a secret-shaped value), when it returns something;
 * - Secret objects are dropped (never read live, but a list from elsewhere could hold one);
 * - Pods and ReplicaSets are reduced to what the pods view reads (`reducePodObject`): never whole.
 *
 * @param secretKey whether a logical key is secret (the baseline's `secret`, else a secret-looking name)
 * @param withheldValue the text to write instead of a value found under `key`, or undefined to keep it
 */
export function redactKubeObjects(
  objects: readonly KubeObject[],
  secretKey: (key: string) => boolean,
  withheldValue: (key: string, value: string) => string | undefined = () => undefined,
): KubeObject[] {
  const secretData = secretConfigMapKeys(objects, secretKey);
  return objects
    .filter((object) => object.kind !== 'Secret')
    .map((object) => {
      const copy = structuredClone(reducePodObject(object)) as KubeObject & { data?: Record<string, unknown>; binaryData?: unknown };
      const annotations = copy.metadata.annotations as Record<string, unknown> | undefined;
      if (annotations !== undefined && typeof annotations === 'object' && annotations !== null) delete annotations[LAST_APPLIED_ANNOTATION];
      if (copy.kind === 'ConfigMap') {
        delete copy.binaryData;
        const isSecret = secretData(copy.metadata.namespace ?? '', copy.metadata.name);
        if (copy.data !== undefined && typeof copy.data === 'object' && copy.data !== null) {
          for (const [key, value] of Object.entries(copy.data)) {
            if (isSecret(key)) copy.data[key] = REDACTED_VALUE;
            else if (typeof value === 'string') copy.data[key] = withheldValue(key, value) ?? value;
          }
        }
      }
      visitContainers(copy, (container) => {
        for (const variable of arrayOf<EnvVar>(container.env)) {
          if (typeof variable.value !== 'string' || typeof variable.name !== 'string') continue;
          variable.value = secretKey(variable.name) ? REDACTED_VALUE : (withheldValue(variable.name, variable.value) ?? variable.value);
        }
      });
      return copy;
    });
}

/**
 * For each ConfigMap (by namespace and name), which of its data keys hold a secret: the data key
 * itself is secret, or a workload reads it under a secret key.
 */
function secretConfigMapKeys(
  objects: readonly KubeObject[],
  secretKey: (key: string) => boolean,
): (namespace: string, name: string) => (dataKey: string) => boolean {
  const keyRefs = new Map<string, Map<string, string[]>>();
  const prefixes = new Map<string, Set<string>>();
  for (const object of objects) {
    const namespace = object.metadata.namespace ?? '';
    visitContainers(object, (container) => {
      for (const variable of arrayOf<EnvVar>(container.env)) {
        const ref = variable.valueFrom?.configMapKeyRef;
        if (typeof ref?.name !== 'string' || typeof ref.key !== 'string' || typeof variable.name !== 'string') continue;
        const id = `${namespace}/${ref.name}`;
        const byKey = keyRefs.get(id) ?? new Map<string, string[]>();
        keyRefs.set(id, byKey);
        byKey.set(ref.key, [...(byKey.get(ref.key) ?? []), variable.name]);
      }
      for (const entry of arrayOf<NonNullable<ContainerLike['envFrom']>[number]>(container.envFrom)) {
        const name = entry.configMapRef?.name;
        if (typeof name !== 'string') continue;
        const id = `${namespace}/${name}`;
        const known = prefixes.get(id) ?? new Set<string>();
        prefixes.set(id, known);
        known.add(typeof entry.prefix === 'string' ? entry.prefix : '');
      }
    });
  }
  return (namespace, name) => {
    const id = `${namespace}/${name}`;
    const variables = keyRefs.get(id);
    const envFromPrefixes = [...(prefixes.get(id) ?? [])];
    return (dataKey) =>
      secretKey(dataKey) || (variables?.get(dataKey) ?? []).some(secretKey) || envFromPrefixes.some((prefix) => secretKey(`${prefix}${dataKey}`));
  };
}

/** Calls `visit` on every container and init container of a workload's (or a Pod's) pod spec. */
function visitContainers(object: unknown, visit: (container: ContainerLike) => void): void {
  // Pod templates sit at spec.template (workloads) or spec.jobTemplate.spec.template (CronJobs); a Pod's spec is its own.
  const spec = recordOf((object as { spec?: unknown }).spec);
  const podSpecs = [
    recordOf(recordOf(spec?.['template'])?.['spec']),
    recordOf(recordOf(recordOf(recordOf(recordOf(spec?.['jobTemplate'])?.['spec'])?.['template']))?.['spec']),
    (object as { kind?: unknown }).kind === 'Pod' ? spec : undefined,
  ];
  for (const pod of podSpecs) {
    for (const container of [...arrayOf<unknown>(pod?.['containers']), ...arrayOf<unknown>(pod?.['initContainers'])]) {
      const record = recordOf(container);
      if (record !== undefined) visit(record as ContainerLike);
    }
  }
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

// Elements are narrowed by their use sites (typeof checks), so a malformed object never throws here.
function arrayOf<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value.filter((item) => recordOf(item) !== undefined) as T[]) : [];
}
