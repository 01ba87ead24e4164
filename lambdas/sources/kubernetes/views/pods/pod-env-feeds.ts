/**
 * What feeds a pod's containers at container start, as the kubelet builds their environment: `envFrom`
 * sources in order, then `env` entries (a later definition of a name replaces an earlier one; a
 * literal or a fieldRef replaces whatever fed the name before). ConfigMap keys and Secret keys synced
 * from SSM are what can go stale; a literal cannot. Other `secretKeyRef`s are recorded too (kind
 * `secret`): a baseline `fed_from` may say which parameter fills them. A ConfigMap mounted as a volume is refreshed by the
 * kubelet and feeds nothing here, but a `subPath` mount of it is a copy taken when the container
 * starts and never updated, so it is a feed too (its `variable` is the mount path).
 */
import type { PodEnvFeed } from '../../../../engine/model.js';
import { dataKeysOwnedAlone, findFieldManager, findFieldManagerEntry } from '../../managed-fields.js';
import { asArray, asRecord, asString } from '../../unknown-shape.js';
import type { SyncedSecrets } from './synced-secrets.js';

type Raw = Readonly<Record<string, unknown>>;

/** What {@link podEnvFeeds} looks things up in. */
export interface FeedLookups {
  readonly namespace: string;
  /** ConfigMaps of the namespace by name (the raw objects: their managedFields say when a key changed). */
  readonly configMaps: ReadonlyMap<string, Raw>;
  readonly synced: SyncedSecrets;
}

/** The running containers of a pod spec: app containers and native sidecars (init containers with restartPolicy Always). */
export function runningContainers(podSpec: Raw): Raw[] {
  const init = asArray(podSpec['initContainers'])
    .map((item) => asRecord(item))
    .filter((container): container is Raw => container !== undefined && container['restartPolicy'] === 'Always');
  const main = asArray(podSpec['containers'])
    .map((item) => asRecord(item))
    .filter((container): container is Raw => container !== undefined);
  return [...init, ...main];
}

/** Every feed of one container, sorted by variable. */
export function podEnvFeeds(podSpec: Raw, container: Raw, startedAt: string | undefined, lookups: FeedLookups): PodEnvFeed[] {
  const name = asString(container['name']) ?? '?';
  const feeds = new Map<string, PodEnvFeed>();
  const started = startedAt === undefined ? {} : { startedAt };
  for (const item of asArray(container['envFrom'])) {
    const entry = asRecord(item);
    const prefix = asString(entry?.['prefix']) ?? '';
    const configMapName = asString(asRecord(entry?.['configMapRef'])?.['name']);
    const configMap = configMapName === undefined ? undefined : lookups.configMaps.get(configMapName);
    if (configMapName !== undefined && configMap !== undefined) {
      for (const dataKey of Object.keys(asRecord(configMap['data']) ?? {})) {
        feeds.set(`${prefix}${dataKey}`, configMapFeed(name, `${prefix}${dataKey}`, configMapName, dataKey, configMap, started));
      }
    }
    const secretName = asString(asRecord(entry?.['secretRef'])?.['name']);
    for (const [secretKey, synced] of lookups.synced.get(`${lookups.namespace}/${secretName ?? ''}`) ?? []) {
      const variable = `${prefix}${secretKey}`;
      feeds.set(variable, {
        kind: 'ssm',
        container: name,
        variable,
        parameter: synced.parameter,
        secret: `secret/${secretName}#${secretKey}`,
        via: synced.via,
        ...started,
      });
    }
  }
  for (const item of asArray(container['env'])) {
    const entry = asRecord(item);
    const variable = asString(entry?.['name']);
    if (variable === undefined) continue;
    feeds.delete(variable);
    const valueFrom = asRecord(entry?.['valueFrom']);
    const cmRef = asRecord(valueFrom?.['configMapKeyRef']);
    const cmName = asString(cmRef?.['name']);
    const cmKey = asString(cmRef?.['key']);
    const configMap = cmName === undefined ? undefined : lookups.configMaps.get(cmName);
    if (cmName !== undefined && cmKey !== undefined && configMap !== undefined && asRecord(configMap['data'])?.[cmKey] !== undefined) {
      feeds.set(variable, configMapFeed(name, variable, cmName, cmKey, configMap, started));
      continue;
    }
    const secretRef = asRecord(valueFrom?.['secretKeyRef']);
    const secretName = asString(secretRef?.['name']);
    const secretKey = asString(secretRef?.['key']);
    const synced = secretKey === undefined ? undefined : lookups.synced.get(`${lookups.namespace}/${secretName ?? ''}`)?.get(secretKey);
    if (synced !== undefined) {
      feeds.set(variable, {
        kind: 'ssm',
        container: name,
        variable,
        parameter: synced.parameter,
        secret: `secret/${secretName}#${secretKey}`,
        via: synced.via,
        ...started,
      });
    } else if (secretName !== undefined && secretKey !== undefined) {
      // Read at container start like any env; what fills the Secret is unknown here unless the
      // baseline declares the variable fed_from an SSM parameter (the stale rule decides).
      feeds.set(variable, { kind: 'secret', container: name, variable, secret: `secret/${secretName}#${secretKey}`, ...started });
    }
  }
  for (const feed of subPathFeeds(podSpec, container, name, lookups, started)) feeds.set(feed.variable, feed);
  return [...feeds.values()].map((feed) => withKnownChange(feed, feeds, lookups)).sort((a, b) => compare(a.variable, b.variable));
}

/**
 * A ConfigMap feed keeps its change time only when that time can only mean a key this container
 * reads changed: the manager owning the key owns nothing but data keys the container reads from that
 * ConfigMap (a `kubectl patch`/`edit` of the key, or a ConfigMap read whole through `envFrom`). A
 * manager that also owns labels or other keys (a chart's apply) moves its time for changes the pod
 * never reads, so nothing can be said of the pod from it; the feed is kept without a time.
 */
function withKnownChange(feed: PodEnvFeed, feeds: ReadonlyMap<string, PodEnvFeed>, lookups: FeedLookups): PodEnvFeed {
  if (feed.kind !== 'configmap' || feed.changedAt === undefined) return feed;
  const object = lookups.configMaps.get(feed.configMap);
  const change = findFieldManagerEntry(asRecord(object?.['metadata'])?.['managedFields'], ['f:data', `f:${feed.dataKey}`]);
  const owned = change === undefined ? undefined : dataKeysOwnedAlone(change);
  const read = new Set([...feeds.values()].flatMap((other) => (other.kind === 'configmap' && other.configMap === feed.configMap ? [other.dataKey] : [])));
  if (owned !== undefined && [...owned].every((key) => read.has(key))) return feed;
  const { changedAt: _unknowable, ...rest } = feed;
  return rest;
}

/** ConfigMap keys a container mounts with `subPath`: copied at start, never refreshed. */
function subPathFeeds(podSpec: Raw, container: Raw, name: string, lookups: FeedLookups, started: { startedAt?: string }): PodEnvFeed[] {
  const volumes = new Map<string, Raw>();
  for (const item of asArray(podSpec['volumes'])) {
    const volume = asRecord(item);
    const volumeName = asString(volume?.['name']);
    if (volume !== undefined && volumeName !== undefined) volumes.set(volumeName, volume);
  }
  const out: PodEnvFeed[] = [];
  for (const item of asArray(container['volumeMounts'])) {
    const mount = asRecord(item);
    const subPath = asString(mount?.['subPath']);
    const mountPath = asString(mount?.['mountPath']);
    const volume = volumes.get(asString(mount?.['name']) ?? '');
    const source = asRecord(volume?.['configMap']);
    const configMapName = asString(source?.['name']);
    if (!subPath || mountPath === undefined || configMapName === undefined) continue;
    const configMap = lookups.configMaps.get(configMapName);
    if (configMap === undefined) continue;
    // With `items`, files are placed at each item's `path`; without, each key is a file of its name.
    const items = asArray(source?.['items']).map((entry) => asRecord(entry));
    const dataKey = items.length > 0 ? asString(items.find((entry) => asString(entry?.['path']) === subPath)?.['key']) : subPath.split('/')[0];
    if (dataKey === undefined || asRecord(configMap['data'])?.[dataKey] === undefined) continue;
    out.push(configMapFeed(name, mountPath, configMapName, dataKey, configMap, started));
  }
  return out;
}

function configMapFeed(container: string, variable: string, configMap: string, dataKey: string, object: Raw, started: { startedAt?: string }): PodEnvFeed {
  const change = findFieldManager(asRecord(object['metadata'])?.['managedFields'], ['f:data', `f:${dataKey}`]);
  return {
    kind: 'configmap',
    container,
    variable,
    configMap,
    dataKey,
    ...started,
    ...(change?.time === undefined ? {} : { changedAt: change.time }),
    ...(change === undefined ? {} : { changedBy: change.manager }),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
