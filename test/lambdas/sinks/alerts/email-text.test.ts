import { describe, expect, it } from 'vitest';
import { buildEmailText } from '../../../../lambdas/sinks/alerts/email-text.js';
import { buildRunMessage, EMAIL_TEXT_LIMIT_BYTES, type RunMessageBody } from '../../../../lambdas/sinks/alerts/run-message.js';
import { opened, openedMany, sampleFinding, sampleRun } from '../../../support/sample-findings.js';

function emailOf(...args: Parameters<typeof buildRunMessage>): string {
  const message = buildRunMessage(...args)!;
  return buildEmailText(message.subject, JSON.parse(message.body) as RunMessageBody);
}

describe('Function: buildEmailText', () => {
  it('opens with the subject and a summary tallied by severity, before any transition', () => {
    // Act
    const email = emailOf(sampleRun({ transitions: { opened: 2, changed: 0, escalated: 0, resolved: 0 } }), [
      opened(sampleFinding({ id: 'changed:production-us:A', key: 'A', severity: 'low' })),
      opened(sampleFinding({ id: 'changed:production-eu:B', key: 'B', environment: 'production-eu', region: 'eu-west-1', severity: 'critical' })),
    ]);

    // Assess
    const [head, first] = email.split('\n\n');
    expect(head?.split('\n').slice(0, 2)).toEqual([
      'CRITICAL: 2 new drifts in 2 environments',
      '2 new, 0 changed, 0 resolved (1 critical, 1 low); 3 environments audited.',
    ]);
    expect(first?.split('\n')[0]).toBe('1. CRITICAL opened changed B in production-eu (eu-west-1)');
  });

  it('says a run was partial, and which sources could not be read, right after the summary', () => {
    // Act
    const email = emailOf(
      sampleRun({
        status: 'partial',
        sources: [
          {
            id: 'ssm:eu-west-1:/production-eu/api/',
            kind: 'ssm',
            layers: ['ssm'],
            status: 'error',
            itemCount: 0,
            error: { code: 'AccessDenied', message: 'not allowed' },
          },
        ],
      }),
      [opened(sampleFinding())],
    );

    // Assess
    expect(email.split('\n\n')[1]).toBe(
      'PARTIAL RUN: these sources could not be read, so their keys are unknown (not reported as missing):\n  - ssm:eu-west-1:/production-eu/api/: AccessDenied: not allowed',
    );
  });

  it('lists at most 30 transitions within 24 KiB and counts the rest by severity', () => {
    // Act
    const email = emailOf(
      sampleRun(),
      openedMany(200, 5, (index) => ({ severity: index < 10 ? 'high' : 'medium', message: 'm'.repeat(1000) })),
    );

    // Assess
    expect(Buffer.byteLength(email)).toBeLessThanOrEqual(EMAIL_TEXT_LIMIT_BYTES);
    const listed = email.split('\n').filter((line) => /^\d+\. /.test(line)).length;
    expect(listed).toBeLessThanOrEqual(30);
    expect(email.split('\n').filter((line) => /^\d+\. HIGH /.test(line))).toHaveLength(10);
    expect(email.endsWith(`and ${200 - listed} more (by severity): ${200 - listed} medium. The full report lists every one.`)).toBe(true);
  });
});
