import { formatTally, hiddenTally, orderForAlert, severityTally } from './alert-order.js';
import { clampText as clamp } from './clamp-text.js';
import { EMAIL_TEXT_LIMIT_BYTES, type RunMessageBody, type TransitionMessage } from './run-message.js';

/** Transitions an e-mail lists in full; the rest are counted by severity and left to the report. */
const EMAIL_MAX_TRANSITIONS = 30;
/** Characters of one value (expected, actual) or message line in the e-mail; the report has it whole. */
const EMAIL_VALUE_CHARS = 300;
/** Characters of a fix command; a command that embeds a big value is cut. */
const EMAIL_COMMAND_CHARS = 800;

/**
 * The plain-text e-mail of one run alert, what SNS sends `email` subscribers instead of the JSON body
 * (`MessageStructure: json`): the summary first (what happened, tallied by severity, the report link),
 * then the transitions worst first across every environment, each with its values, who changed it and
 * the revert and accept commands; what does not fit in {@link EMAIL_MAX_TRANSITIONS} transitions or
 * {@link EMAIL_TEXT_LIMIT_BYTES} is counted by severity at the end. Plain text, because SNS e-mail is
 * `text/plain`: no markup survives.
 */
export function buildEmailText(subject: string, body: RunMessageBody): string {
  const ordered = orderForAlert(body.transitions);
  const head = summaryLines(subject, body);
  const items = ordered.slice(0, EMAIL_MAX_TRANSITIONS).map((transition, index) => transitionLines(transition, index + 1).join('\n'));
  // Largest first, then give up transitions from the end until the text fits.
  for (let shown = items.length; ; shown -= 1) {
    const text = [...head, ...items.slice(0, shown), ...tailLines(ordered.slice(0, shown), body)].join('\n\n');
    if (shown === 0 || Buffer.byteLength(text) <= EMAIL_TEXT_LIMIT_BYTES) return clampBytes(text, EMAIL_TEXT_LIMIT_BYTES);
  }
}

function summaryLines(subject: string, body: RunMessageBody): string[] {
  const { run } = body;
  const status = run.status === 'ok' ? 'complete' : run.status;
  const kinds = run.transitions;
  const tally = body.transitionSeverities === undefined ? severityTally(body.transitions) : formatTally(body.transitionSeverities);
  const lines = [
    subject,
    [
      `${kinds.opened} new, ${kinds.changed + kinds.escalated} changed, ${kinds.resolved} resolved`,
      tally === '' ? '' : ` (${tally})`,
      `; ${run.environments.length} environment${run.environments.length === 1 ? '' : 's'} audited.`,
    ].join(''),
    `Run ${run.runId}: ${status}, ${run.sourcesRead} source${run.sourcesRead === 1 ? '' : 's'} read${run.baselineVersion === undefined ? '' : `, baseline ${run.baselineVersion}`}.`,
  ];
  if (run.error !== undefined) lines.push(`Error ${run.error.code}: ${clamp(run.error.message, EMAIL_VALUE_CHARS * 3)}`);
  if (body.report !== undefined) lines.push(`Full report: ${body.report.consoleUrl ?? body.report.s3Uri}`);
  const out = [lines.join('\n')];
  if (run.sourcesFailed.length > 0) {
    out.push(
      [
        'PARTIAL RUN: these sources could not be read, so their keys are unknown (not reported as missing):',
        ...run.sourcesFailed.map((source) => `  - ${source.id}: ${source.code}: ${clamp(source.message, EMAIL_VALUE_CHARS)}`),
      ].join('\n'),
    );
  }
  return out;
}

function transitionLines(transition: TransitionMessage, number: number): string[] {
  const where = transition.region === undefined ? transition.environment : `${transition.environment} (${transition.region})`;
  const lines = [
    `${number}. ${transition.severity.toUpperCase()} ${transition.kind} ${transition.type} ${transition.key} in ${where}`,
    `   ${clamp(transition.message, EMAIL_VALUE_CHARS)}`,
  ];
  if (transition.kind !== 'resolved' && (transition.expected !== undefined || transition.actual !== undefined)) {
    lines.push(
      `   expected: ${clamp(transition.expected?.text ?? '(not declared)', EMAIL_VALUE_CHARS)}`,
      `   actual:   ${clamp(transition.actual?.text ?? '(absent)', EMAIL_VALUE_CHARS)}`,
    );
  }
  const winner = transition.provenance[0];
  if (winner?.changedBy !== undefined || winner?.changedAt !== undefined) {
    const outside = winner.outOfBand === true ? ', outside the pipeline' : '';
    lines.push(
      `   changed${winner.changedBy === undefined ? '' : ` by ${winner.changedBy}`}${winner.changedAt === undefined ? '' : ` at ${winner.changedAt}`}${outside}`,
    );
  }
  if (transition.kind !== 'resolved') {
    const revert = transition.fixes.revert;
    if (revert !== undefined) lines.push(`   revert: ${clamp(revert.command ?? revert.summary, EMAIL_COMMAND_CHARS)}`);
    const accept = transition.fixes.accept;
    if (accept !== undefined) {
      lines.push(
        `   accept: ${accept.baselineEdit === undefined ? clamp(accept.summary, EMAIL_VALUE_CHARS) : `drift-audit baseline accept ${transition.findingId}`}`,
      );
    }
  }
  return lines;
}

function tailLines(shown: readonly TransitionMessage[], body: RunMessageBody): string[] {
  if (shown.length >= body.transitionCount) return [];
  const { count, tally, uncounted } = hiddenTally(body, shown);
  const parts: string[] = [];
  if (count > 0) parts.push(`and ${count} more (by severity): ${tally}`);
  if (uncounted > 0) parts.push(`and ${uncounted} more not carried by this alert`);
  return [`${parts.join('; ')}. The full report lists every one.`];
}

/** Last resort for a head alone over the limit (thousands of failed sources): cut on a character boundary. */
function clampBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let characters = [...text];
  while (Buffer.byteLength(`${characters.join('')}…`) > maxBytes) characters = characters.slice(0, Math.floor(characters.length * 0.9));
  return `${characters.join('')}…`;
}
