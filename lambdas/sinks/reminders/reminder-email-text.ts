import { severityRank } from '../../engine/analyse/severity.js';
import { clampText } from '../alerts/clamp-text.js';
import { EMAIL_TEXT_LIMIT_BYTES } from '../alerts/run-message.js';
import type { ReminderMessageBody, StaleDriftMessage } from './reminder-message.js';

/** Characters of one value (expected, actual, reason) in the e-mail; history has it whole. */
const EMAIL_VALUE_CHARS = 200;

/**
 * The plain-text e-mail of one reminder, what SNS sends `email` subscribers instead of the JSON body
 * (`MessageStructure: json`, as for run alerts): the summary first, then the expiring exceptions
 * (soonest first: each is a deadline), then the long-open drift worst severity first and, within a
 * severity, oldest first, so a truncated digest never hides the worst. What does not fit in
 * {@link EMAIL_TEXT_LIMIT_BYTES} is counted at the end. Values arrive redacted by the engine.
 */
export function buildReminderEmailText(subject: string, body: ReminderMessageBody): string {
  const head = summaryLines(subject, body);
  const exceptions = body.expiring.exceptions.map((exception) =>
    [
      `- ${exception.key} in ${exception.environment ?? exception.tier ?? exception.application ?? 'every environment'}: expires ${exception.expires}` +
        ` (${exception.daysLeft === 0 ? 'end of today' : `${exception.daysLeft} day${exception.daysLeft === 1 ? '' : 's'} left`})`,
      `  owner ${exception.owner}: ${clampText(exception.reason, EMAIL_VALUE_CHARS)}`,
    ].join('\n'),
  );
  const drift = [...(body.digest?.findings ?? [])].sort(worstThenOldest).map(driftLines);
  const listedDrift = body.digest?.count ?? 0;
  for (let shown = drift.length; ; shown -= 1) {
    const sections = [
      ...head,
      ...(exceptions.length === 0 ? [] : [`Exceptions expiring within ${body.expiring.withinDays} days:\n${exceptions.join('\n')}`]),
      ...(drift.length === 0 ? [] : [`Drift open ${body.digest?.olderThanDays ?? 0}+ days, worst first:\n${drift.slice(0, shown).join('\n')}`]),
      ...(listedDrift > shown ? [`...and ${listedDrift - shown} more: drift-audit history --open lists them all.`] : []),
    ];
    const text = sections.join('\n\n');
    if (shown === 0 || Buffer.byteLength(text) <= EMAIL_TEXT_LIMIT_BYTES) return text;
  }
}

function summaryLines(subject: string, body: ReminderMessageBody): string[] {
  const parts: string[] = [];
  if (body.digest !== undefined)
    parts.push(`${body.digest.count} drift${body.digest.count === 1 ? '' : 's'} open for ${body.digest.olderThanDays} days or more`);
  const expiring = body.expiring.exceptions.length;
  if (expiring > 0) parts.push(`${expiring} exception${expiring === 1 ? '' : 's'} expiring within ${body.expiring.withinDays} days`);
  return [`${subject}\n${parts.join('; ')}. Sent once for ${body.day} (run ${body.runId}).`];
}

function worstThenOldest(a: StaleDriftMessage, b: StaleDriftMessage): number {
  return severityRank(b.severity) - severityRank(a.severity) || b.openDays - a.openDays || a.findingId.localeCompare(b.findingId);
}

function driftLines(finding: StaleDriftMessage): string {
  const values =
    finding.expected === undefined && finding.actual === undefined
      ? ''
      : `\n  expected ${clampText(finding.expected ?? '(absent)', EMAIL_VALUE_CHARS)}, actual ${clampText(finding.actual ?? '(absent)', EMAIL_VALUE_CHARS)}`;
  return `- ${finding.severity.toUpperCase()} ${finding.type} ${finding.key} in ${finding.environment}: open ${finding.openDays} days (since ${finding.firstSeen})${values}`;
}
