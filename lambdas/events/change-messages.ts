import type { KubernetesAuditChange, ParameterStoreChange, SourceChange } from '../sources/source-change.js';

/** `detail-type` and `source` of the event SSM sends to EventBridge on every parameter write. */
export const PARAMETER_STORE_CHANGE_DETAIL_TYPE = 'Parameter Store Change';
export const PARAMETER_STORE_EVENT_SOURCE = 'aws.ssm';
/** Operations a `Parameter Store Change` carries (the SSM user guide's sample events). */
export const PARAMETER_STORE_OPERATIONS = ['Create', 'Update', 'Delete', 'LabelParameterVersion'] as const;

/** Schema tag of the messages the audit-log forwarder puts on the change queue. */
export const KUBERNETES_CHANGE_SCHEMA = 'drift-audit.kubernetes-change/1';

/** The body the audit-log forwarder sends: one Kubernetes write, no object content. */
export interface KubernetesChangeMessage extends Omit<KubernetesAuditChange, 'origin'> {
  readonly schema: typeof KUBERNETES_CHANGE_SCHEMA;
}

/** The fields of an SQS record the handler reads (aws-lambda's `SQSRecord`). */
export interface ChangeQueueRecord {
  readonly messageId: string;
  readonly body: string;
}

/** One queue message, understood. */
export interface ChangeMessage {
  readonly messageId: string;
  readonly change: SourceChange;
}

/** Why a message was dropped without an audit: counted per reason in the handler's log line. */
export type DropReason = 'not-json' | 'unknown-event' | 'malformed-event';

/** What a batch of queue messages says. */
export interface ParsedChangeBatch {
  readonly changes: readonly ChangeMessage[];
  readonly dropped: readonly { readonly messageId: string; readonly reason: DropReason }[];
}

/**
 * Reads an SQS batch of change messages: EventBridge `Parameter Store Change` events as the SQS
 * target delivers them (the whole event as the body: `source`, `detail-type`, `account`, `region`,
 * `time`, `detail.{operation,name,type,description}`), and the forwarder's Kubernetes writes. Anything
 * else is dropped with its reason: retrying a message that cannot be read would never succeed.
 */
export function parseChangeBatch(records: readonly ChangeQueueRecord[]): ParsedChangeBatch {
  const changes: ChangeMessage[] = [];
  const dropped: { messageId: string; reason: DropReason }[] = [];
  for (const record of records) {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      dropped.push({ messageId: record.messageId, reason: 'not-json' });
      continue;
    }
    const parsed = parseChange(body);
    if (typeof parsed === 'string') dropped.push({ messageId: record.messageId, reason: parsed });
    else changes.push({ messageId: record.messageId, change: parsed });
  }
  return { changes, dropped };
}

function parseChange(body: unknown): SourceChange | DropReason {
  if (!isObject(body)) return 'unknown-event';
  if (body['source'] === PARAMETER_STORE_EVENT_SOURCE && body['detail-type'] === PARAMETER_STORE_CHANGE_DETAIL_TYPE) return parameterStoreChange(body);
  if (body['schema'] === KUBERNETES_CHANGE_SCHEMA) return kubernetesChange(body);
  return 'unknown-event';
}

function parameterStoreChange(event: Readonly<Record<string, unknown>>): ParameterStoreChange | DropReason {
  const detail = event['detail'];
  if (!isObject(detail)) return 'malformed-event';
  const { account, region, time } = event;
  const { name, operation } = detail;
  if (!isText(account) || !isText(region) || !isText(name) || !isText(operation)) return 'malformed-event';
  // A name in an event is absolute (`/a/b`); a top-level name (`db-url`) lives under no declared tree
  // prefix, which always starts with `/`, so it is kept and simply matches nothing.
  return { origin: 'parameter-store', account, region, name, operation, time: isText(time) ? time : '' };
}

function kubernetesChange(message: Readonly<Record<string, unknown>>): KubernetesAuditChange | DropReason {
  const { cluster, resource, namespace, name, verb, time, region, account, user } = message;
  if (!isText(cluster) || !isText(resource) || !isText(namespace) || !isText(name) || !isText(verb)) return 'malformed-event';
  return {
    origin: 'kubernetes-audit',
    cluster,
    resource,
    namespace,
    name,
    verb,
    time: isText(time) ? time : '',
    ...(isText(region) ? { region } : {}),
    ...(isText(account) ? { account } : {}),
    ...(isText(user) ? { user } : {}),
  };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
