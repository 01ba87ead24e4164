import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ALERT_VALUE_PREVIEW_BYTES, buildRunMessage, SNS_BODY_LIMIT_BYTES, type RunMessageBody } from '../../../../lambdas/sinks/alerts/run-message.js';
import { opened, sampleFinding, sampleRun } from '../../../support/sample-findings.js';

describe('Function: buildRunMessage', () => {
  it('sends nothing for a run without transitions: alerts are for changes, not for every run', () => {
    // Act
    const message = buildRunMessage(sampleRun(), []);

    // Assess
    expect(message).toBeUndefined();
  });

  it('names what happened and where in the subject', () => {
    // Prepare
    const eu = sampleFinding({ id: 'changed:production-eu:A', environment: 'production-eu', region: 'eu-west-1' });
    const eu2 = sampleFinding({ id: 'changed:production-eu:B', environment: 'production-eu', region: 'eu-west-1' });
    const resolved = { ...opened(sampleFinding({ id: 'changed:production-eu:C', environment: 'production-eu' })), kind: 'resolved' as const };

    // Act
    const message = buildRunMessage(sampleRun(), [opened(eu), opened(eu2), resolved]);

    // Assess
    expect(message?.subject).toBe('HIGH: 2 new drifts in production-eu, 1 resolved');
  });

  it('leads the subject with the worst severity still open, across every environment', () => {
    // Prepare: many mediums in one environment, one critical in another, a resolved critical elsewhere.
    const mediums = Array.from({ length: 60 }, (_, index) =>
      opened(sampleFinding({ id: `changed:production-eu:M${index}`, environment: 'production-eu', key: `M${index}`, severity: 'medium' })),
    );
    const critical = opened(sampleFinding({ id: 'changed:production-us:C', key: 'C', severity: 'critical' }));

    // Act
    const message = buildRunMessage(sampleRun(), [...mediums, critical]);
    const onlyResolved = buildRunMessage(sampleRun(), [{ ...critical, kind: 'resolved' as const }]);

    // Assess: a resolution is good news, and names no severity.
    expect(message?.subject).toBe('CRITICAL: 61 new drifts in 2 environments');
    expect(onlyResolved?.subject).toBe('1 resolved in production-us');
  });

  it('carries a versioned body with the run and each transition, and filterable attributes', () => {
    // Prepare
    const finding = sampleFinding();

    // Act
    const message = buildRunMessage(sampleRun(), [opened(finding)], { bucket: 'audit-bucket', key: 'reports/run.html', region: 'us-east-1' });

    // Assess
    const body = JSON.parse(message!.body) as RunMessageBody;
    expect(body.schema).toBe('drift-audit.run/1');
    expect(body.run.runId).toBe('run-2026-11-23T12:00:00Z');
    expect(body.transitions[0]).toMatchObject({ kind: 'opened', findingId: finding.id, expected: { text: '10s' }, actual: { text: '60s' } });
    expect(body.report?.s3Uri).toBe('s3://audit-bucket/reports/run.html');
    expect(message!.attributes).toMatchObject({
      severities: ['high'],
      environments: ['production-us'],
      regions: ['us-east-1'],
      types: ['changed'],
      maxSeverity: 'high',
    });
  });

  it('shrinks a body over the SNS limit to the most urgent transitions and links the full report', () => {
    // Prepare: 3,000 findings with long messages are far over 256 KiB.
    const transitions = Array.from({ length: 3000 }, (_, index) =>
      opened(
        sampleFinding({
          id: `changed:production-us:KEY_${String(index).padStart(4, '0')}`,
          key: `KEY_${index}`,
          severity: index === 2999 ? 'critical' : 'medium',
          message: 'x'.repeat(200),
        }),
      ),
    );

    // Act
    const message = buildRunMessage(sampleRun(), transitions, { bucket: 'b', key: 'reports/r.json' });

    // Assess
    expect(Buffer.byteLength(message!.body)).toBeLessThanOrEqual(SNS_BODY_LIMIT_BYTES);
    const body = JSON.parse(message!.body) as RunMessageBody;
    expect(message!.truncated).toBe(true);
    expect(body.truncated).toBe(true);
    expect(body.transitionCount).toBe(3000);
    expect(body.transitions.length).toBeGreaterThan(0);
    expect(body.transitions.length).toBeLessThan(3000);
    expect(body.transitions[0]?.severity).toBe('critical');
    expect(body.report?.s3Uri).toBe('s3://b/reports/r.json');
  });

  it('bounds each value it carries, so one 1 MiB value neither pushes the other transitions out nor floods Slack', () => {
    // Prepare: a ConfigMap value at the 1 MiB limit reaches the actual value, the message and the revert command.
    const big = 'route /api/v1/orders -> orders:8080\n'.repeat(30_000);
    const huge = sampleFinding({
      id: 'changed:production-us:ROUTING_RULES',
      key: 'ROUTING_RULES',
      actual: { text: big, secret: false },
      message: `ROUTING_RULES is ${big}`,
      fixes: { revert: { summary: 'put it back', command: `kubectl -n api set env deployment/api-server -c app 'ROUTING_RULES=${big}'` } },
    });

    // Act
    const message = buildRunMessage(sampleRun(), [opened(huge), opened(sampleFinding())])!;

    // Assess: nothing is truncated away; the big value travels as a preview naming its length and hash.
    const body = JSON.parse(message.body) as RunMessageBody;
    expect(message.truncated).toBe(false);
    expect(body.transitions.map((transition) => transition.key).sort()).toEqual(['DB_TIMEOUT', 'ROUTING_RULES']);
    const routing = body.transitions.find((transition) => transition.key === 'ROUTING_RULES')!;
    const shown: [string, string][] = [
      [routing.actual!.text, big],
      [routing.message, huge.message],
      [routing.fixes.revert!.command!, huge.fixes.revert!.command!],
    ];
    for (const [text, original] of shown) {
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(ALERT_VALUE_PREVIEW_BYTES);
      expect(text).toContain(`[truncated: ${Buffer.byteLength(original)} bytes, sha256 ${createHash('sha256').update(original).digest('hex')}]`);
    }
    expect(Buffer.byteLength(message.body)).toBeLessThan(16 * 1024);
  });

  it('alerts on a failed run even without transitions', () => {
    // Act
    const message = buildRunMessage(sampleRun({ status: 'failed', error: { code: 'baseline-invalid', message: 'settings.yaml:3:5 ...' } }), []);

    // Assess
    expect(message?.subject).toBe('drift-audit run failed: baseline-invalid');
  });
});

describe('Function: buildChatbotMessage', () => {
  it('speaks the Chatbot custom-notification format with the worst drift first and its revert command', async () => {
    // Prepare
    const { buildChatbotMessage } = await import('../../../../lambdas/sinks/alerts/chatbot-message.js');
    const low = sampleFinding({ id: 'unmanaged:production-us:FLAG', type: 'unmanaged', key: 'FLAG', severity: 'low' });
    const message = buildRunMessage(sampleRun(), [opened(low), opened(sampleFinding())])!;

    // Act
    const chat = JSON.parse(buildChatbotMessage(message.subject, JSON.parse(message.body) as RunMessageBody)) as {
      version: string;
      source: string;
      content: { textType: string; title: string; description: string; nextSteps: string[] };
    };

    // Assess
    expect(chat).toMatchObject({ version: '1.0', source: 'custom', content: { textType: 'client-markdown', title: 'HIGH: 2 new drifts in production-us' } });
    expect(chat.content.description.split('\n')[0]).toContain('*HIGH* opened changed `DB_TIMEOUT` in production-us (`10s` → `60s`)');
    expect(chat.content.nextSteps[0]).toContain("kubectl -n api set env deployment/api-server -c app 'DB_TIMEOUT=10s'");
  });

  it('shows a value and a fix command in a chat line only as far as a chat line can carry them', async () => {
    // Prepare: a body as an older or foreign producer may send it, values unbounded.
    const { buildChatbotMessage } = await import('../../../../lambdas/sinks/alerts/chatbot-message.js');
    const message = buildRunMessage(sampleRun(), [opened(sampleFinding())])!;
    const body = JSON.parse(message.body) as RunMessageBody;
    const big = 'v'.repeat(50_000);
    const wide = {
      ...body,
      transitions: body.transitions.map((t) => ({ ...t, actual: { text: big, secret: false }, fixes: { revert: { summary: 's', command: `set ${big}` } } })),
    };

    // Act
    const chat = JSON.parse(buildChatbotMessage(message.subject, wide)) as { content: { description: string; nextSteps: string[] } };

    // Assess
    expect(chat.content.description.length).toBeLessThan(400);
    expect(chat.content.description).toContain('…');
    expect(chat.content.nextSteps[0]!.length).toBeLessThan(500);
  });
});
