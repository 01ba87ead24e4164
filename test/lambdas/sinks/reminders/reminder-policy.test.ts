import { describe, expect, it } from 'vitest';
import type { FindingState } from '../../../../lambdas/engine/lifecycle/finding-state.js';
import type { ExceptionSpec } from '../../../../lambdas/engine/model.js';
import { remindersFromEnvironment } from '../../../../lambdas/sinks/reminders/reminder-config.js';
import { buildReminder, DEFAULT_REMINDER_OPTIONS, DIGEST_MAX_FINDINGS, type Announced } from '../../../../lambdas/sinks/reminders/reminder-message.js';

const NOTHING: Announced = { digestDays: new Set(), exceptions: new Set() };

/** An open drift first seen at `firstSeen`, its values as history keeps them (a secret already `[secret]`). */
function openDrift(key: string, firstSeen: string, actual = '45'): FindingState {
  return {
    id: `changed:production-eu:${key}`,
    status: 'open',
    firstSeen,
    lastSeen: firstSeen,
    fingerprint: 'f',
    severity: 'high',
    finding: {
      id: `changed:production-eu:${key}`,
      type: 'changed',
      environment: 'production-eu',
      key,
      severity: 'high',
      expected: { text: '30' },
      actual: { text: actual },
    },
  } as unknown as FindingState;
}

const exception = (expires: string): ExceptionSpec => ({ key: 'LOG_LEVEL', environment: 'production-eu', owner: 'alice', reason: 'INC-1', expires });

describe('Function: buildReminder', () => {
  it('lists drift open at least the configured age, oldest first, and leaves younger drift out', () => {
    // Act
    const body = buildReminder({
      runId: 'r',
      now: '2026-11-30T10:00:00.000Z',
      states: [openDrift('B', '2026-11-23T10:00:00.000Z'), openDrift('A', '2026-11-20T08:00:00.000Z'), openDrift('C', '2026-11-23T10:00:01.000Z')],
      exceptions: [],
      options: DEFAULT_REMINDER_OPTIONS,
      announced: NOTHING,
    });

    // Assess: C is one second short of seven days.
    expect(body?.digest?.findings.map((finding) => `${finding.key} ${finding.openDays}`)).toEqual(['A 10', 'B 7']);
  });

  it('sends no digest on a day that had one, and never an exception announced before', () => {
    // Act
    const body = buildReminder({
      runId: 'r',
      now: '2026-11-30T23:00:00.000Z',
      states: [openDrift('A', '2026-11-01T00:00:00.000Z')],
      exceptions: [exception('2026-12-02')],
      options: DEFAULT_REMINDER_OPTIONS,
      announced: { digestDays: new Set(['2026-11-30']), exceptions: new Set(['LOG_LEVEL|production-eu|*|2026-12-02']) },
    });

    // Assess
    expect(body).toBeUndefined();
  });

  it('announces an exception on its last day and from the first day of its window, not before, and not once expired', () => {
    // Act
    const days = (expires: string) =>
      buildReminder({
        runId: 'r',
        now: '2026-11-30T10:00:00.000Z',
        states: [],
        exceptions: [exception(expires)],
        options: { staleAfterDays: 7, exceptionWarningDays: 3 },
        announced: NOTHING,
      })?.expiring.exceptions.map((e) => e.daysLeft) ?? [];

    // Assess
    expect([days('2026-11-30'), days('2026-12-03'), days('2026-12-04'), days('2026-11-29')]).toEqual([[0], [3], [], []]);
  });

  it('counts every stale drift but lists at most the digest limit, each value cut to a preview', () => {
    // Act
    const states = Array.from({ length: DIGEST_MAX_FINDINGS + 5 }, (_, index) => openDrift(`K${index}`, '2026-11-01T00:00:00.000Z', 'x'.repeat(10_000)));
    const body = buildReminder({ runId: 'r', now: '2026-11-30T10:00:00.000Z', states, exceptions: [], options: DEFAULT_REMINDER_OPTIONS, announced: NOTHING });

    // Assess
    expect(body?.digest?.count).toBe(DIGEST_MAX_FINDINGS + 5);
    expect(body?.digest?.findings).toHaveLength(DIGEST_MAX_FINDINGS);
    expect(Buffer.byteLength(body?.digest?.findings[0]?.actual ?? '')).toBeLessThanOrEqual(256);
  });
});

describe('Function: remindersFromEnvironment', () => {
  it('reads the knobs the construct sets, the defaults when unset, and the off switch', () => {
    expect(remindersFromEnvironment({})).toEqual({ staleAfterDays: 7, exceptionWarningDays: 7 });
    expect(remindersFromEnvironment({ REMINDER_STALE_AFTER_DAYS: '3', REMINDER_EXCEPTION_WARNING_DAYS: '0' })).toEqual({
      staleAfterDays: 3,
      exceptionWarningDays: 0,
    });
    expect(remindersFromEnvironment({ REMINDERS_ENABLED: 'false', REMINDER_STALE_AFTER_DAYS: '3' })).toBe(false);
  });

  it('refuses a value it cannot use, naming the variable and what it expects', () => {
    expect(() => remindersFromEnvironment({ REMINDER_STALE_AFTER_DAYS: 'weekly' })).toThrow(
      expect.objectContaining({
        name: 'ReminderConfigError',
        message: 'environment variable REMINDER_STALE_AFTER_DAYS = "weekly": expected whole days from 1 to 400',
      }),
    );
  });
});
