/**
 * The reminder a run may send besides its alert: the daily digest of drift that stayed open too long,
 * and the exceptions about to expire. Pure: what to say, decided from the run's finding states, its
 * baseline and what was already announced; the sink decides when and where it goes.
 */
import type { FindingState } from '../../engine/lifecycle/finding-state.js';
import { SEVERITIES, type ExceptionSpec, type Severity } from '../../engine/model.js';
import { previewText } from '../history/bounded-text.js';

/** Version tag of the reminder's SNS body; bump on any incompatible change. */
export const REMINDER_MESSAGE_SCHEMA = 'drift-audit.reminder/1';

/** Drift listed in one digest; the rest are counted (the report and `history --open` list them all). */
export const DIGEST_MAX_FINDINGS = 50;
/** Characters of UTF-8 a value takes in a reminder: enough to recognise it; history has it in full. */
const REMINDER_VALUE_BYTES = 256;
const DAY_MS = 86_400_000;

/** The knobs of reminders. */
export interface ReminderOptions {
  /** Open drift at least this many days old is listed in the daily digest. @default 7 */
  readonly staleAfterDays: number;
  /** An exception expiring within this many days (0: today) is announced, once. @default 7 */
  readonly exceptionWarningDays: number;
}

/** The defaults of {@link ReminderOptions}. */
export const DEFAULT_REMINDER_OPTIONS: ReminderOptions = { staleAfterDays: 7, exceptionWarningDays: 7 };

/** One long-open drift as the digest lists it (values already redacted by the engine). */
export interface StaleDriftMessage {
  readonly findingId: string;
  readonly type: string;
  readonly severity: Severity;
  readonly environment: string;
  readonly key: string;
  readonly firstSeen: string;
  /** Whole days the drift has been open at the run's start. */
  readonly openDays: number;
  readonly expected?: string;
  readonly actual?: string;
}

/** One exception about to expire. */
export interface ExpiringExceptionMessage {
  /** Identifies the exception across runs: key, scope and expiry (a new expiry is a new announcement). */
  readonly exceptionId: string;
  readonly key: string;
  readonly environment?: string;
  readonly tier?: string;
  readonly application?: string;
  readonly owner: string;
  readonly reason: string;
  /** `YYYY-MM-DD`; the exception holds through the end of that day (UTC). */
  readonly expires: string;
  /** Whole days left after today: 0 when it expires at the end of today. */
  readonly daysLeft: number;
}

/** The documented body of a reminder (`schema: drift-audit.reminder/1`). */
export interface ReminderMessageBody {
  readonly schema: typeof REMINDER_MESSAGE_SCHEMA;
  /** The UTC day (`YYYY-MM-DD`) of the run that sent it: at most one digest per day. */
  readonly day: string;
  readonly runId: string;
  /** Present on the day's digest: every open drift at least `olderThanDays` old, oldest first. */
  readonly digest?: { readonly olderThanDays: number; readonly count: number; readonly findings: readonly StaleDriftMessage[] };
  /** Exceptions expiring within `withinDays` not announced before, soonest first. */
  readonly expiring: { readonly withinDays: number; readonly exceptions: readonly ExpiringExceptionMessage[] };
}

/** What was already announced, from the reminder log and the reminders still waiting in the outbox. */
export interface Announced {
  /** The days a digest was sent (or is waiting to be). */
  readonly digestDays: ReadonlySet<string>;
  /** Exception ids already announced (or waiting to be). */
  readonly exceptions: ReadonlySet<string>;
}

/** What the reminder of one run is decided from. */
export interface ReminderInput {
  readonly runId: string;
  /** The run's start (ISO 8601): the reminder's clock. */
  readonly now: string;
  readonly states: readonly FindingState[];
  readonly exceptions: readonly ExceptionSpec[];
  readonly options: ReminderOptions;
  readonly announced: Announced;
}

/** The UTC day of an ISO time. */
export function dayOf(iso: string): string {
  return new Date(iso).toISOString().slice(0, 10);
}

/** The stable id of an exception: what it covers and until when, so an extended exception is announced again. */
export function exceptionIdOf(exception: ExceptionSpec): string {
  return [exception.key, exception.environment ?? exception.tier ?? '*', exception.application ?? '*', exception.expires].join('|');
}

/**
 * The reminder a run sends, or undefined: the digest when today has none yet and some drift is old
 * enough, plus every exception inside its warning window not announced before. Expired exceptions are
 * left to the `exception-expired` finding.
 */
export function buildReminder(input: ReminderInput): ReminderMessageBody | undefined {
  const day = dayOf(input.now);
  const now = Date.parse(input.now);
  const stale = input.announced.digestDays.has(day)
    ? []
    : input.states
        .filter((state) => state.status === 'open' && now - Date.parse(state.firstSeen) >= input.options.staleAfterDays * DAY_MS)
        .sort((a, b) => a.firstSeen.localeCompare(b.firstSeen) || SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.id.localeCompare(b.id));
  const expiring = input.exceptions
    .map((exception) => ({ exception, exceptionId: exceptionIdOf(exception), daysLeft: daysBetween(day, exception.expires) }))
    .filter((entry) => entry.daysLeft >= 0 && entry.daysLeft <= input.options.exceptionWarningDays && !input.announced.exceptions.has(entry.exceptionId))
    .sort((a, b) => a.daysLeft - b.daysLeft || a.exceptionId.localeCompare(b.exceptionId));
  if (stale.length === 0 && expiring.length === 0) return undefined;
  return {
    schema: REMINDER_MESSAGE_SCHEMA,
    day,
    runId: input.runId,
    ...(stale.length === 0
      ? {}
      : {
          digest: {
            olderThanDays: input.options.staleAfterDays,
            count: stale.length,
            findings: stale.slice(0, DIGEST_MAX_FINDINGS).map((state) => staleDrift(state, now)),
          },
        }),
    expiring: {
      withinDays: input.options.exceptionWarningDays,
      exceptions: [...new Map(expiring.map((entry) => [entry.exceptionId, expiringException(entry.exception, entry.exceptionId, entry.daysLeft)])).values()],
    },
  };
}

/** "Reminder 2026-11-30: 3 drifts open 7+ days, 1 exception expiring" (at most 100 ASCII characters, as SNS requires). */
export function reminderSubject(body: ReminderMessageBody): string {
  const parts: string[] = [];
  if (body.digest !== undefined) parts.push(`${body.digest.count} drift${body.digest.count === 1 ? '' : 's'} open ${body.digest.olderThanDays}+ days`);
  const expiring = body.expiring.exceptions.length;
  if (expiring > 0) parts.push(`${expiring} exception${expiring === 1 ? '' : 's'} expiring`);
  return `drift-audit reminder ${body.day}: ${parts.join(', ')}`.slice(0, 100);
}

/** SNS filter attributes of a reminder: subscribers can take or leave reminders by `schema`. */
export function reminderAttributes(body: ReminderMessageBody): Record<string, string | readonly string[]> {
  const findings = body.digest?.findings ?? [];
  return {
    schema: REMINDER_MESSAGE_SCHEMA,
    reminderKinds: [...(body.digest === undefined ? [] : ['digest']), ...(body.expiring.exceptions.length === 0 ? [] : ['exception-expiring'])],
    severities: [...new Set(findings.map((finding) => finding.severity))].sort(),
    environments: [
      ...new Set([
        ...findings.map((finding) => finding.environment),
        ...body.expiring.exceptions.flatMap((e) => (e.environment === undefined ? [] : [e.environment])),
      ]),
    ].sort(),
  };
}

/** Whole days from `fromDay` to `toDay` (both `YYYY-MM-DD`). */
function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / DAY_MS);
}

function staleDrift(state: FindingState, now: number): StaleDriftMessage {
  const { finding } = state;
  return {
    findingId: state.id,
    type: finding.type,
    severity: state.severity,
    environment: finding.environment,
    key: finding.key,
    firstSeen: state.firstSeen,
    openDays: Math.floor((now - Date.parse(state.firstSeen)) / DAY_MS),
    ...(finding.expected === undefined ? {} : { expected: previewText(finding.expected.text, REMINDER_VALUE_BYTES) }),
    ...(finding.actual === undefined ? {} : { actual: previewText(finding.actual.text, REMINDER_VALUE_BYTES) }),
  };
}

function expiringException(exception: ExceptionSpec, exceptionId: string, daysLeft: number): ExpiringExceptionMessage {
  return {
    exceptionId,
    key: exception.key,
    ...(exception.environment === undefined ? {} : { environment: exception.environment }),
    ...(exception.tier === undefined ? {} : { tier: exception.tier }),
    ...(exception.application === undefined ? {} : { application: exception.application }),
    owner: exception.owner,
    reason: exception.reason,
    expires: exception.expires,
    daysLeft,
  };
}
