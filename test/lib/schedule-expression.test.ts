import { describe, expect, it } from 'vitest';
import { parseScheduleExpression } from '../../lib/schedule-expression.js';

describe('Function: parseScheduleExpression', () => {
  it.each([
    ['rate(1 hour)', 3_600],
    ['rate(5 minutes)', 300],
    ['rate(1 minute)', 60],
    ['rate(2 days)', 172_800],
  ])('reads %s as every %i seconds', (expression, seconds) => {
    expect(parseScheduleExpression(expression)).toEqual({ ok: true, schedule: { kind: 'rate', expression, intervalSeconds: seconds } });
  });

  it('accepts a six-field cron expression without an interval', () => {
    expect(parseScheduleExpression('cron(0 6 * * ? *)')).toEqual({ ok: true, schedule: { kind: 'cron', expression: 'cron(0 6 * * ? *)' } });
  });

  it.each([
    ['rate(1 hours)', /singular/],
    ['rate(2 hour)', /plural/],
    ['rate(0 minutes)', /at least 1/],
    ['cron(0 6 * * ?)', /6 fields.*got 5/],
    ['at(2026-01-01T00:00:00)', /expected rate/],
    ['hourly', /expected rate/],
  ])('refuses %s with a reason', (expression, reason) => {
    const result = parseScheduleExpression(expression);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toMatch(reason);
  });
});
