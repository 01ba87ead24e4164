import { hiddenTally, orderForAlert } from './alert-order.js';
import { clampText as clamp } from './clamp-text.js';
import type { RunMessageBody } from './run-message.js';

/** Chatbot renders a description of at most this many characters; we keep a margin. */
const CHATBOT_DESCRIPTION_LIMIT = 3500;
/** Transitions listed in the chat message; the rest are counted. */
const CHATBOT_MAX_LINES = 15;
/** Characters of a value shown inline in a chat line: enough to recognise it; the report has it all. */
const CHAT_VALUE_CHARS = 120;
/** Characters of a fix command in the next steps; a command that embeds a big value is cut. */
const CHAT_COMMAND_CHARS = 400;

/**
 * AWS Chatbot (Amazon Q Developer in chat applications) only displays messages in its
 * custom-notification format (`version: "1.0"`, `source: "custom"`), not arbitrary JSON; this turns one
 * run alert into that format: the subject as the title, the worst transitions as Markdown lines, the
 * fix commands as next steps.
 */
export function buildChatbotMessage(subject: string, body: RunMessageBody): string {
  const ordered = orderForAlert(body.transitions);
  const lines = ordered.slice(0, CHATBOT_MAX_LINES).map((transition) => {
    const values =
      transition.kind === 'resolved'
        ? ''
        : ` (\`${clamp(transition.expected?.text ?? '-', CHAT_VALUE_CHARS)}\` → \`${clamp(transition.actual?.text ?? '(absent)', CHAT_VALUE_CHARS)}\`)`;
    return `• *${transition.severity.toUpperCase()}* ${transition.kind} ${transition.type} \`${transition.key}\` in ${transition.environment}${values}`;
  });
  if (lines.length < body.transitionCount) {
    const { count, tally, uncounted } = hiddenTally(body, ordered.slice(0, lines.length));
    lines.push([count > 0 ? `and ${count} more (by severity): ${tally}` : '', uncounted > 0 ? `and ${uncounted} more` : ''].filter(Boolean).join('; '));
  }
  if (body.run.sourcesFailed.length > 0) lines.push(`Partial run: ${body.run.sourcesFailed.length} source(s) could not be read.`);
  let description = lines.join('\n');
  if (description.length > CHATBOT_DESCRIPTION_LIMIT) description = `${description.slice(0, CHATBOT_DESCRIPTION_LIMIT - 1)}…`;
  const nextSteps = ordered
    .filter((transition) => transition.kind !== 'resolved' && transition.fixes.revert?.command !== undefined)
    .slice(0, 3)
    .map((transition) => `Revert ${transition.key} in ${transition.environment}: \`${clamp(transition.fixes.revert?.command ?? '', CHAT_COMMAND_CHARS)}\``);
  if (body.report?.consoleUrl !== undefined) nextSteps.push(`Full report: ${body.report.consoleUrl}`);
  return JSON.stringify({
    version: '1.0',
    source: 'custom',
    id: body.run.runId,
    content: {
      textType: 'client-markdown',
      title: subject,
      description,
      nextSteps,
      keywords: [...new Set(ordered.map((transition) => transition.environment))].sort(),
    },
    metadata: { threadId: 'drift-audit', summary: subject, eventType: 'drift-audit.run' },
  });
}
