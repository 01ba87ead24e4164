/**
 * Validation of EventBridge Scheduler expressions at synth time.
 *
 * Scheduler rejects a bad expression only at deploy time, minutes into a CloudFormation update;
 * checking here turns that into an immediate, located error. The rate's interval also sizes the
 * dead-man's switch alarm.
 */

/** A checked schedule expression. */
export type ParsedSchedule =
  | { readonly kind: 'rate'; readonly expression: string; readonly intervalSeconds: number }
  | { readonly kind: 'cron'; readonly expression: string };

/** The outcome of checking a schedule expression. */
export type ScheduleParseResult = { readonly ok: true; readonly schedule: ParsedSchedule } | { readonly ok: false; readonly reason: string };

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\(([^()]+)\)$/;
const UNIT_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86_400 };

/**
 * Checks a recurring schedule expression: `rate(N unit)` (singular unit for 1, plural otherwise, as
 * Scheduler requires) or `cron(min hour day-of-month month day-of-week year)`. One-time `at()`
 * schedules are refused: an auditor that runs once is not an auditor.
 */
export function parseScheduleExpression(expression: string): ScheduleParseResult {
  const rate = RATE.exec(expression);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] ?? '';
    const singular = unit.replace(/s$/, '');
    if (value < 1) return { ok: false, reason: 'the rate must be at least 1' };
    if (value === 1 && unit.endsWith('s')) return { ok: false, reason: `write rate(1 ${singular}), singular` };
    if (value > 1 && !unit.endsWith('s')) return { ok: false, reason: `write rate(${value} ${singular}s), plural` };
    return { ok: true, schedule: { kind: 'rate', expression, intervalSeconds: value * (UNIT_SECONDS[singular] ?? 0) } };
  }
  const cron = CRON.exec(expression);
  if (cron) {
    const fields = (cron[1] ?? '').trim().split(/\s+/);
    if (fields.length !== 6) {
      return { ok: false, reason: `a cron expression has 6 fields (minute hour day-of-month month day-of-week year), got ${fields.length}` };
    }
    return { ok: true, schedule: { kind: 'cron', expression } };
  }
  return { ok: false, reason: 'expected rate(N minutes|hours|days) or cron(min hour day-of-month month day-of-week year)' };
}
