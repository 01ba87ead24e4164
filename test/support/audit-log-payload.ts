import { gzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';

/**
 * A Kubernetes API server audit event (`audit.k8s.io/v1`), as EKS writes it to the cluster's
 * `kube-apiserver-audit-*` stream, overridable per test.
 */
export function auditEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'c0ffee00-0000-4000-8000-000000000001',
    stage: 'ResponseComplete',
    requestURI: '/apis/apps/v1/namespaces/api/deployments/api-server?fieldManager=kubectl-set',
    verb: 'patch',
    user: { username: 'arn:aws:sts::123456789012:assumed-role/oncall/bob', groups: ['system:authenticated'] },
    objectRef: { resource: 'deployments', namespace: 'api', name: 'api-server', apiGroup: 'apps', apiVersion: 'v1' },
    responseStatus: { metadata: {}, code: 200 },
    requestReceivedTimestamp: '2026-11-23T10:05:00.000000Z',
    stageTimestamp: '2026-11-23T10:05:00.120000Z',
    ...overrides,
  };
}

/** What CloudWatch Logs invokes a subscription's Lambda with: the log events gzipped and base64-encoded. */
export function logsEvent(messages: readonly unknown[], logGroup = '/aws/eks/prod-eu/cluster', messageType = 'DATA_MESSAGE'): CloudWatchLogsEvent {
  const data = {
    messageType,
    owner: '123456789012',
    logGroup,
    logStream: 'kube-apiserver-audit-0123456789abcdef',
    subscriptionFilters: ['drift-audit-writes'],
    logEvents: messages.map((message, index) => ({
      id: String(index),
      timestamp: 1_795_000_000_000 + index,
      message: typeof message === 'string' ? message : JSON.stringify(message),
    })),
  };
  return { awslogs: { data: gzipSync(Buffer.from(JSON.stringify(data))).toString('base64') } };
}
