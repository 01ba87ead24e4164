import type { KnownBlock } from '@slack/types';
import type { ReminderMessageBody } from '../sinks/reminders/reminder-message.js';
import { code as escapeCode, escapeMrkdwn, header, section, SLACK_MAX_BLOCKS, type SlackMessage } from './slack-blocks.js';

/** Inline code: Slack's backtick span around the escaped text. */
function code(text: string): string {
  return `\`${escapeCode(text)}\``;
}

/**
 * Renders a reminder (`drift-audit.reminder/1`) as Block Kit: the subject as header, one line per
 * long-open drift (severity, where, how long, expected vs actual), one per expiring exception (owner,
 * reason, days left), within Slack's 50 blocks by ending with a "+N more" line.
 */
export function buildReminderSlackMessage(subject: string, body: ReminderMessageBody): SlackMessage {
  const blocks: KnownBlock[] = [header(subject)];
  const lines: string[] = [];
  if (body.digest !== undefined) {
    lines.push(`*Drift open ${body.digest.olderThanDays} days or more* (${body.digest.count})`);
    for (const finding of body.digest.findings) {
      const values = `${code(finding.expected ?? '-')} → ${code(finding.actual ?? '(absent)')}`;
      lines.push(
        `• *${finding.severity.toUpperCase()}* ${escapeMrkdwn(finding.type)} ${code(finding.key)} in ${escapeMrkdwn(finding.environment)}, open ${finding.openDays} days: ${values}`,
      );
    }
  }
  if (body.expiring.exceptions.length > 0) {
    lines.push(`*Exceptions expiring within ${body.expiring.withinDays} days*`);
    for (const exception of body.expiring.exceptions) {
      const scope = exception.environment ?? exception.tier ?? 'every environment';
      const left = exception.daysLeft === 0 ? 'expires at the end of today' : `${exception.daysLeft} day${exception.daysLeft === 1 ? '' : 's'} left`;
      lines.push(
        `• ${code(exception.key)} in ${escapeMrkdwn(scope)} until ${exception.expires} (${left}), owner ${escapeMrkdwn(exception.owner)}: ${escapeMrkdwn(exception.reason)}`,
      );
    }
  }
  const room = SLACK_MAX_BLOCKS - blocks.length - 1;
  for (const line of lines.slice(0, room)) blocks.push(section(line));
  const listed = body.digest === undefined ? 0 : body.digest.count - body.digest.findings.length;
  const hidden = Math.max(0, lines.length - room) + listed;
  if (hidden > 0) blocks.push(section(`+${hidden} more: \`drift-audit history --open\` lists every open drift`));
  return { text: subject, blocks };
}
