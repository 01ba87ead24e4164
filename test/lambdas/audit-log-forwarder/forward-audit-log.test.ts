import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { forwardAuditLog } from '../../../lambdas/audit-log-forwarder/handler.js';
import { parseChangeBatch } from '../../../lambdas/events/change-messages.js';
import { auditEvent, logsEvent } from '../../support/audit-log-payload.js';

const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/drift-audit-changes';

describe('Function: forwardAuditLog', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('sends each write to the change queue in batches of ten, as messages the audit function reads', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const writes = Array.from({ length: 12 }, (_, i) => auditEvent({ objectRef: { resource: 'configmaps', namespace: 'api', name: `config-${i}` } }));

    const result = await forwardAuditLog(logsEvent(writes), new SQSClient({ region: 'eu-west-1' }), QUEUE, 'eu-west-1');

    expect(result).toEqual({ forwarded: 12, skipped: 0 });
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Entries?.length)).toEqual([10, 2]);
    expect(calls.every((input) => input.QueueUrl === QUEUE)).toBe(true);
    const bodies = calls.flatMap((input) => input.Entries ?? []).map((entry, i) => ({ messageId: `m-${i}`, body: entry.MessageBody ?? '' }));
    const parsed = parseChangeBatch(bodies);
    expect(parsed.dropped).toEqual([]);
    expect(parsed.changes.map((message) => message.change.origin)).toEqual(Array(12).fill('kubernetes-audit'));
  });

  it('fails the invocation when SQS refuses an entry, so Lambda delivers the payload again', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'KMS.ThrottlingException', SenderFault: false }] });
    await expect(forwardAuditLog(logsEvent([auditEvent()]), new SQSClient({ region: 'eu-west-1' }), QUEUE)).rejects.toThrow(/SQS refused 1 of 1/);
  });

  it('sends nothing for a delivery without writes', async () => {
    const result = await forwardAuditLog(logsEvent([auditEvent({ verb: 'list' })]), new SQSClient({ region: 'eu-west-1' }), QUEUE);
    expect(result).toEqual({ forwarded: 0, skipped: 1 });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toEqual([]);
  });
});
