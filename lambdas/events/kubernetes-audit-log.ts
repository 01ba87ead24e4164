import { gunzipSync } from 'node:zlib';
import { WATCHED_CONFIG_RESOURCES, WATCHED_WORKLOAD_RESOURCES } from '../sources/eks/eks-change-reader.js';
import { KUBERNETES_CHANGE_SCHEMA, type KubernetesChangeMessage } from './change-messages.js';

/** Verbs that write an object (`get`, `list`, `watch` read). */
export const WRITE_VERBS = ['create', 'update', 'patch', 'delete'] as const;

/** Resources whose writes the subscription forwards: the watched workloads and ConfigMaps. */
export const WATCHED_RESOURCES: readonly string[] = [...Object.keys(WATCHED_WORKLOAD_RESOURCES), ...WATCHED_CONFIG_RESOURCES];

/**
 * What CloudWatch Logs hands a subscription's Lambda destination once `awslogs.data` is base64-decoded
 * and gunzipped: the log group and stream, and the matching log events. A `CONTROL_MESSAGE` only
 * checks the destination is reachable and carries no event.
 */
export interface CloudWatchLogsData {
  readonly messageType: 'DATA_MESSAGE' | 'CONTROL_MESSAGE';
  readonly owner: string;
  readonly logGroup: string;
  readonly logStream: string;
  readonly logEvents: readonly { readonly id: string; readonly timestamp: number; readonly message: string }[];
}

/** The cluster of an EKS control-plane log group, which EKS names `/aws/eks/<cluster>/cluster`. */
export function clusterOfLogGroup(logGroup: string): string | undefined {
  return /^\/aws\/eks\/([^/]+)\/cluster$/.exec(logGroup)?.[1];
}

/** Decodes the `awslogs.data` of a subscription invocation (base64, gzip, JSON). */
export function decodeLogsPayload(data: string): CloudWatchLogsData {
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as CloudWatchLogsData;
}

/** What one payload gives: the writes to forward (one per object), and how many log events were skipped. */
export interface AuditLogChanges {
  readonly messages: readonly KubernetesChangeMessage[];
  readonly skipped: number;
}

/**
 * The writes of one payload's audit events (`audit.k8s.io/v1` `Event`s, one JSON per log event) that
 * can change what the auditor observes: stage `ResponseComplete` (each request is also logged at
 * `RequestReceived`), a write verb, a 2xx answer (a refused write changed nothing), a watched resource
 * with a namespace and a name (a `generateName` create has none: its workload is not one the baseline
 * declares by name), and not the `status` subresource (controllers write it all the time; `scale`
 * changes replicas and is kept). Several writes to one object in a payload are one message. Only the
 * object's coordinates and the writer's name travel: never the request or response objects the
 * audit policy may have logged.
 */
export function auditLogChanges(data: CloudWatchLogsData, context: { readonly region?: string } = {}): AuditLogChanges {
  const cluster = clusterOfLogGroup(data.logGroup);
  if (data.messageType !== 'DATA_MESSAGE' || cluster === undefined) return { messages: [], skipped: data.logEvents?.length ?? 0 };
  const byObject = new Map<string, KubernetesChangeMessage>();
  let skipped = 0;
  for (const event of data.logEvents) {
    const message = changeOf(event.message, cluster, data.owner, context.region);
    if (message === undefined) {
      skipped += 1;
      continue;
    }
    // The latest write of an object wins: its time and writer are the ones the run reports.
    byObject.set(`${message.resource}/${message.namespace}/${message.name}`, message);
  }
  return { messages: [...byObject.values()], skipped };
}

interface AuditEvent {
  readonly kind?: unknown;
  readonly stage?: unknown;
  readonly verb?: unknown;
  readonly user?: { readonly username?: unknown };
  readonly objectRef?: { readonly resource?: unknown; readonly namespace?: unknown; readonly name?: unknown; readonly subresource?: unknown };
  readonly responseStatus?: { readonly code?: unknown };
  readonly stageTimestamp?: unknown;
}

function changeOf(text: string, cluster: string, account: string, region: string | undefined): KubernetesChangeMessage | undefined {
  let event: AuditEvent;
  try {
    event = JSON.parse(text) as AuditEvent;
  } catch {
    return undefined;
  }
  const ref = event.objectRef;
  const code = event.responseStatus?.code;
  if (event.kind !== 'Event' || event.stage !== 'ResponseComplete') return undefined;
  if (typeof event.verb !== 'string' || !(WRITE_VERBS as readonly string[]).includes(event.verb)) return undefined;
  if (typeof code !== 'number' || code < 200 || code > 299) return undefined;
  if (typeof ref?.resource !== 'string' || !WATCHED_RESOURCES.includes(ref.resource) || ref.subresource === 'status') return undefined;
  if (typeof ref.namespace !== 'string' || ref.namespace === '' || typeof ref.name !== 'string' || ref.name === '') return undefined;
  const user = event.user?.username;
  return {
    schema: KUBERNETES_CHANGE_SCHEMA,
    cluster,
    resource: ref.resource,
    namespace: ref.namespace,
    name: ref.name,
    verb: event.verb,
    time: typeof event.stageTimestamp === 'string' ? event.stageTimestamp : '',
    ...(account === '' ? {} : { account }),
    ...(region === undefined ? {} : { region }),
    ...(typeof user === 'string' ? { user } : {}),
  };
}

/**
 * The CloudWatch Logs filter pattern of the subscription: the writes {@link auditLogChanges} keeps,
 * to the watched resources in `namespaces`, so CloudWatch Logs invokes the forwarder only for those.
 * JSON filter-pattern syntax (`{ $.verb = "patch" || ... }`); CloudWatch caps a pattern at 1,024
 * characters, which about 30 namespaces reach: past that, the namespace test is left to the
 * forwarder (and the auditor's own matching) and the pattern filters on verbs and resources only.
 */
export function auditLogFilterPattern(namespaces: readonly string[]): string {
  const anyOf = (field: string, values: readonly string[]) => `(${values.map((value) => `$.${field} = "${value}"`).join(' || ')})`;
  const base = [`$.stage = "ResponseComplete"`, anyOf('verb', WRITE_VERBS), anyOf('objectRef.resource', WATCHED_RESOURCES)];
  const full = `{ ${[...base, anyOf('objectRef.namespace', [...new Set(namespaces)].sort())].join(' && ')} }`;
  return full.length <= 1024 ? full : `{ ${base.join(' && ')} }`;
}
