import { describe, expect, it } from 'vitest';
import { changeBatchKey, isChangeBatch } from '../../../lambdas/audit/change-batch.js';
import { parseChangeBatch } from '../../../lambdas/events/change-messages.js';
import { kubernetesChangeMessage, parameterStoreEvent, sqsBatch } from '../../support/change-events.js';

describe('Function: parseChangeBatch', () => {
  it('reads a Parameter Store Change as the SQS target delivers it: account, region, name, operation, time', () => {
    const batch = sqsBatch([parameterStoreEvent('/production-eu/api/log/level', 'Delete', { time: '2026-11-23T10:05:00Z' })], ['m-1']);
    expect(parseChangeBatch(batch.Records)).toEqual({
      changes: [
        {
          messageId: 'm-1',
          change: {
            origin: 'parameter-store',
            account: '123456789012',
            region: 'eu-west-1',
            name: '/production-eu/api/log/level',
            operation: 'Delete',
            time: '2026-11-23T10:05:00Z',
          },
        },
      ],
      dropped: [],
    });
  });

  it('reads a Kubernetes write forwarded from the audit log', () => {
    const message = kubernetesChangeMessage({
      cluster: 'prod-eu',
      resource: 'deployments',
      namespace: 'api',
      name: 'api-server',
      verb: 'patch',
      user: 'kubectl-bob',
    });
    const { changes } = parseChangeBatch(sqsBatch([message], ['m-2']).Records);
    expect(changes[0]?.change).toEqual({
      origin: 'kubernetes-audit',
      cluster: 'prod-eu',
      resource: 'deployments',
      namespace: 'api',
      name: 'api-server',
      verb: 'patch',
      user: 'kubectl-bob',
      time: '2026-11-23T10:05:00Z',
    });
  });

  it('drops, with a reason, what is not JSON, not a change event, or a change event without its fields', () => {
    const withoutName = { ...parameterStoreEvent('/a/b'), detail: { operation: 'Update' } };
    const { changes, dropped } = parseChangeBatch(sqsBatch(['{', { source: 'aws.ec2' }, withoutName], ['a', 'b', 'c']).Records);
    expect(changes).toEqual([]);
    expect(dropped).toEqual([
      { messageId: 'a', reason: 'not-json' },
      { messageId: 'b', reason: 'unknown-event' },
      { messageId: 'c', reason: 'malformed-event' },
    ]);
  });
});

describe('Function: isChangeBatch / changeBatchKey', () => {
  it('tells an SQS batch from a scheduled event and a manual invocation', () => {
    expect(isChangeBatch(sqsBatch([parameterStoreEvent('/a/b')]))).toBe(true);
    expect(isChangeBatch({ source: 'drift-audit.schedule', scheduledTime: '2026-11-23T10:00:00Z' })).toBe(false);
    expect(isChangeBatch({})).toBe(false);
    expect(isChangeBatch({ Records: [] })).toBe(false);
  });

  it('keys a batch by its message ids, whatever their order', () => {
    const a = sqsBatch(['x', 'y'], ['m-1', 'm-2']);
    const b = sqsBatch(['y', 'x'], ['m-2', 'm-1']);
    const c = sqsBatch(['x'], ['m-1']);
    expect(changeBatchKey(a)).toBe(changeBatchKey(b));
    expect(changeBatchKey(a)).not.toBe(changeBatchKey(c));
    expect(changeBatchKey(a)).toMatch(/^changes#[0-9a-f]{32}$/);
  });
});
