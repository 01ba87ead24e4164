import { describe, expect, it } from 'vitest';
import { EMAIL_TEXT_LIMIT_BYTES } from '../../../../lambdas/sinks/alerts/run-message.js';
import { buildReminderEmailText } from '../../../../lambdas/sinks/reminders/reminder-email-text.js';
import type { ReminderMessageBody, StaleDriftMessage } from '../../../../lambdas/sinks/reminders/reminder-message.js';

function drift(index: number, overrides: Partial<StaleDriftMessage> = {}): StaleDriftMessage {
  return {
    findingId: `changed:production-eu:api:KEY_${index}`,
    type: 'changed',
    severity: 'medium',
    environment: 'production-eu',
    key: `KEY_${index}`,
    firstSeen: '2026-11-01T10:00:00Z',
    openDays: 30 + index,
    expected: 'x'.repeat(256),
    actual: 'y'.repeat(256),
    ...overrides,
  };
}

function digestOf(findings: readonly StaleDriftMessage[], count = findings.length): ReminderMessageBody {
  return {
    schema: 'drift-audit.reminder/1',
    day: '2026-12-01',
    runId: 'run-1',
    digest: { olderThanDays: 7, count, findings },
    expiring: { withinDays: 7, exceptions: [] },
  };
}

/** The reminder e-mail is read by people: the worst first, within SNS e-mail's room, nothing hidden without a count. */
describe('Reminder e-mail text', () => {
  it('lists the worst severity first, whatever its age, then the oldest', () => {
    // Arrange: the critical drift is the youngest of the digest.
    const body = digestOf([drift(1), drift(2), drift(3, { severity: 'critical', openDays: 8 })]);

    // Act
    const text = buildReminderEmailText('subject', body);

    // Assess
    const order = [...text.matchAll(/^- (\w+) changed (KEY_\d)/gm)].map((match) => `${match[1]} ${match[2]}`);
    expect(order).toEqual(['CRITICAL KEY_3', 'MEDIUM KEY_2', 'MEDIUM KEY_1']);
  });

  it('stays within the e-mail limit and counts what it leaves out, pointing at history --open', () => {
    // Arrange: 50 listed (the digest's cap) of 80 open, each with long values.
    const body = digestOf(
      Array.from({ length: 50 }, (_, index) => drift(index)),
      80,
    );

    // Act
    const text = buildReminderEmailText('subject', body);

    // Assess
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(EMAIL_TEXT_LIMIT_BYTES);
    const shown = [...text.matchAll(/^- MEDIUM/gm)].length;
    expect(shown).toBeGreaterThan(0);
    expect(text).toContain(`...and ${80 - shown} more: drift-audit history --open lists them all.`);
  });
});
