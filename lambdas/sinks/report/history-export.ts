/**
 * Reading `drift-audit history --region R --json` exports back: the offline source of a report's
 * timeline (CI, the demo, an incident attachment made away from the account).
 */
import { z } from 'zod';
import { FINDING_TYPES, SEVERITIES, type ShownValue } from '../../engine/model.js';
import { HISTORY_JSON_SCHEMA } from '../history/history-cli.js';
import type { RegionTimelineEntry } from '../history/history-queries.js';
import { redactShownValue } from './shown-value.js';

/** The timeline form of `drift-audit history --json` (schema `drift-audit.history/1`). */
export interface HistoryExport {
  readonly schema: string;
  readonly region: string;
  readonly since: string;
  readonly until: string;
  readonly findings: readonly RegionTimelineEntry[];
}

/** A history export that is not JSON or not the timeline document `drift-audit history --json` writes. */
export class HistoryExportError extends Error {
  override readonly name = 'HistoryExportError';
  readonly code = 'INVALID_HISTORY_EXPORT';
}

const isoTime = z.iso.datetime({ offset: true });
const shown = z.object({ text: z.string(), secret: z.boolean() });
const severity = z.enum(SEVERITIES);
const event = z.object({
  kind: z.enum(['opened', 'changed', 'escalated', 'resolved']),
  at: isoTime,
  severity,
  expected: shown.optional(),
  actual: shown.optional(),
});
const entry = z.object({
  findingId: z.string().min(1),
  type: z.enum(FINDING_TYPES),
  environment: z.string().min(1),
  key: z.string(),
  region: z.string().optional(),
  severity,
  expected: shown.optional(),
  actual: shown.optional(),
  status: z.enum(['open', 'resolved']),
  openedAt: isoTime.optional(),
  changedAt: z.array(isoTime),
  resolvedAt: isoTime.optional(),
  events: z.array(event).min(1),
});
const exportSchema = z.object({
  schema: z.literal(HISTORY_JSON_SCHEMA),
  region: z.string().min(1),
  since: isoTime,
  until: isoTime,
  findings: z.array(entry),
});

/**
 * Parses one export. A secret is shown as `[secret]` however the file writes it: history never held
 * a secret's value, and a hand-edited file must not put one into a report either.
 *
 * @throws HistoryExportError naming `file`, the JSON path and what is expected there; an export of
 *   `--open` or `--reminders` is refused with the command that makes the right one.
 */
export function parseHistoryExport(text: string, file: string): HistoryExport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new HistoryExportError(`${file} is not JSON (${(error as Error).message}); expected the output of drift-audit history --region REGION --json`);
  }
  if (typeof json === 'object' && json !== null && !('findings' in json) && ('open' in json || 'reminders' in json)) {
    throw new HistoryExportError(
      `${file} is a history export of open drift or reminders; the timeline needs drift-audit history --region REGION --json (without --open or --reminders)`,
    );
  }
  const parsed = exportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new HistoryExportError(
      `${file} is not a drift-audit history timeline${where}: ${issue?.message ?? 'invalid'}; expected the output of drift-audit history --region REGION --json (schema ${HISTORY_JSON_SCHEMA})`,
    );
  }
  const masked = <T extends { expected?: ShownValue | undefined; actual?: ShownValue | undefined }>(item: T): T => ({
    ...item,
    ...(item.expected === undefined ? {} : { expected: redactShownValue(item.expected) }),
    ...(item.actual === undefined ? {} : { actual: redactShownValue(item.actual) }),
  });
  const findings = parsed.data.findings.map((e) => stripUndefined({ ...masked(e), events: e.events.map((ev) => stripUndefined(masked(ev))) }));
  return {
    schema: parsed.data.schema,
    region: parsed.data.region,
    since: parsed.data.since,
    until: parsed.data.until,
    findings: findings as RegionTimelineEntry[],
  };
}

/** zod leaves absent optional keys out already; this keeps `exactOptionalPropertyTypes` honest about it. */
function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
