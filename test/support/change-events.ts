import { randomUUID } from 'node:crypto';
import type { ChangeBatchEvent } from '../../lambdas/audit/change-batch.js';
import { KUBERNETES_CHANGE_SCHEMA, type KubernetesChangeMessage } from '../../lambdas/events/change-messages.js';

/**
 * A `Parameter Store Change` event as EventBridge delivers it to an SQS target: the whole event is
 * the message body (shape from the SSM user guide's sample events: `detail.operation`, `name`,
 * `type`, `description`; the envelope's account, region, time and parameter ARN in `resources`).
 */
export function parameterStoreEvent(
  name: string,
  operation: 'Create' | 'Update' | 'Delete' | 'LabelParameterVersion' = 'Update',
  options: { readonly region?: string; readonly account?: string; readonly time?: string; readonly type?: string } = {},
): Record<string, unknown> {
  const region = options.region ?? 'eu-west-1';
  const account = options.account ?? '123456789012';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Parameter Store Change',
    source: 'aws.ssm',
    account,
    time: options.time ?? '2026-11-23T10:05:00Z',
    region,
    resources: [`arn:aws:ssm:${region}:${account}:parameter${name}`],
    detail: { operation, name, type: options.type ?? 'String', description: '' },
  };
}

/** What the audit-log forwarder puts on the queue for one Kubernetes write. */
export function kubernetesChangeMessage(change: Omit<KubernetesChangeMessage, 'schema' | 'time'> & { readonly time?: string }): KubernetesChangeMessage {
  return { schema: KUBERNETES_CHANGE_SCHEMA, time: '2026-11-23T10:05:00Z', ...change };
}

/** An SQS batch as the event source mapping delivers it, one record per body (strings are sent as they are). */
export function sqsBatch(bodies: readonly unknown[], ids?: readonly string[]): ChangeBatchEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: ids?.[index] ?? randomUUID(),
      body: typeof body === 'string' ? body : JSON.stringify(body),
      eventSource: 'aws:sqs' as const,
    })),
  };
}
