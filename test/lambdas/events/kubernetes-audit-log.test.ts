import { describe, expect, it } from 'vitest';
import { auditLogChanges, auditLogFilterPattern, clusterOfLogGroup, decodeLogsPayload } from '../../../lambdas/events/kubernetes-audit-log.js';
import { auditEvent, logsEvent } from '../../support/audit-log-payload.js';

const changesOf = (messages: readonly unknown[], logGroup?: string) =>
  auditLogChanges(decodeLogsPayload(logsEvent(messages, logGroup).awslogs.data), { region: 'eu-west-1' });

describe('Function: auditLogChanges', () => {
  it('turns a completed write to a declared kind of object into one change message: coordinates and writer only', () => {
    const { messages, skipped } = changesOf([auditEvent({ requestObject: { data: { TOKEN: 'do-not-forward' } } })]);
    expect(skipped).toBe(0);
    expect(messages).toEqual([
      {
        schema: 'drift-audit.kubernetes-change/1',
        cluster: 'prod-eu',
        account: '123456789012',
        region: 'eu-west-1',
        resource: 'deployments',
        namespace: 'api',
        name: 'api-server',
        verb: 'patch',
        user: 'arn:aws:sts::123456789012:assumed-role/oncall/bob',
        time: '2026-11-23T10:05:00.120000Z',
      },
    ]);
    expect(JSON.stringify(messages)).not.toContain('do-not-forward');
  });

  it('skips reads, the RequestReceived stage, refused writes, status subresources, other resources and nameless creates', () => {
    const { messages, skipped } = changesOf([
      auditEvent({ verb: 'get' }),
      auditEvent({ stage: 'RequestReceived' }),
      auditEvent({ responseStatus: { code: 403 } }),
      auditEvent({ objectRef: { resource: 'deployments', namespace: 'api', name: 'api-server', subresource: 'status' } }),
      auditEvent({ objectRef: { resource: 'secrets', namespace: 'api', name: 'tokens' } }),
      auditEvent({ verb: 'create', objectRef: { resource: 'configmaps', namespace: 'api' } }),
      'not json',
    ]);
    expect(messages).toEqual([]);
    expect(skipped).toBe(7);
  });

  it('keeps a scale write (replicas), and folds several writes to one object into one message, the latest', () => {
    const { messages } = changesOf([
      auditEvent({ objectRef: { resource: 'deployments', namespace: 'api', name: 'api-server', subresource: 'scale' }, stageTimestamp: 't1' }),
      auditEvent({ verb: 'update', stageTimestamp: 't2' }),
      auditEvent({ verb: 'delete', objectRef: { resource: 'configmaps', namespace: 'api', name: 'api-config' } }),
    ]);
    expect(messages.map((message) => `${message.verb} ${message.resource}/${message.name} ${message.time}`)).toEqual([
      'update deployments/api-server t2',
      'delete configmaps/api-config 2026-11-23T10:05:00.120000Z',
    ]);
  });

  it('reads nothing from a control message or a log group that is not an EKS cluster log group', () => {
    expect(auditLogChanges(decodeLogsPayload(logsEvent([], '/aws/eks/prod-eu/cluster', 'CONTROL_MESSAGE').awslogs.data)).messages).toEqual([]);
    expect(changesOf([auditEvent()], '/aws/lambda/something').messages).toEqual([]);
    expect(clusterOfLogGroup('/aws/eks/prod-eu/cluster')).toBe('prod-eu');
  });
});

describe('Function: auditLogFilterPattern', () => {
  it('matches completed writes to the watched resources in the declared namespaces, in CloudWatch JSON pattern syntax', () => {
    expect(auditLogFilterPattern(['payments', 'api', 'api'])).toBe(
      '{ $.stage = "ResponseComplete" && ($.verb = "create" || $.verb = "update" || $.verb = "patch" || $.verb = "delete") && ' +
        '($.objectRef.resource = "deployments" || $.objectRef.resource = "statefulsets" || $.objectRef.resource = "daemonsets" || ' +
        '$.objectRef.resource = "cronjobs" || $.objectRef.resource = "configmaps") && ($.objectRef.namespace = "api" || $.objectRef.namespace = "payments") }',
    );
  });

  it('stays within the 1,024 characters CloudWatch allows by leaving namespaces to the forwarder when there are many', () => {
    const many = Array.from({ length: 60 }, (_, i) => `team-namespace-${i}`);
    const pattern = auditLogFilterPattern(many);
    expect(pattern.length).toBeLessThanOrEqual(1024);
    expect(pattern).not.toContain('objectRef.namespace');
  });
});
