import { AUDIT_FUNCTION_ENV } from '../../runtime/function-environment.js';
import { DEFAULT_REMINDER_OPTIONS, type ReminderOptions } from './reminder-message.js';

/** A reminder variable the construct set holds a value the handler cannot use. */
export class ReminderConfigError extends Error {
  override readonly name = 'ReminderConfigError';
  readonly code = 'REMINDER_CONFIG_INVALID';
}

/** Largest number of days either knob accepts: a year and a month, the history's default retention. */
export const MAX_REMINDER_DAYS = 400;

/**
 * The reminder options the construct wrote into the function's environment: `false` when
 * `REMINDERS_ENABLED` is `false`, else the two day counts (defaults where unset). Throws a
 * `ReminderConfigError` naming the variable, its value and what is expected.
 */
export function remindersFromEnvironment(env: Readonly<Record<string, string | undefined>>): ReminderOptions | false {
  if (env[AUDIT_FUNCTION_ENV.remindersEnabled] === 'false') return false;
  return {
    staleAfterDays: days(env, AUDIT_FUNCTION_ENV.reminderStaleAfterDays, DEFAULT_REMINDER_OPTIONS.staleAfterDays, 1),
    exceptionWarningDays: days(env, AUDIT_FUNCTION_ENV.reminderExceptionWarningDays, DEFAULT_REMINDER_OPTIONS.exceptionWarningDays, 0),
  };
}

function days(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > MAX_REMINDER_DAYS) {
    throw new ReminderConfigError(`environment variable ${name} = "${raw}": expected whole days from ${min} to ${MAX_REMINDER_DAYS}`);
  }
  return value;
}
