import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { Severity } from '../engine/model.js';
import { formatTally, hiddenTally, orderForAlert, severityTally } from '../sinks/alerts/alert-order.js';
import type { RunMessageBody, TransitionMessage } from '../sinks/alerts/run-message.js';
import { measureSlackMessage, SLACK_LIMITS, slackLimitViolations, blockTextLength } from './slack-limits.js';

/** Slack rejects messages with more than 50 blocks. */
export const SLACK_MAX_BLOCKS = SLACK_LIMITS.blocks;
/** Slack rejects a section whose text is longer than 3,000 characters. */
export const SLACK_MAX_TEXT = SLACK_LIMITS.sectionText;

/** Characters of one value (expected, actual) or location shown inline; the report has it whole. */
const VALUE_CHARS = 200;
/** Characters of a finding's message line. */
const MESSAGE_CHARS = 400;
/** Characters of a fix command; a command that embeds a big value is cut. */
const COMMAND_CHARS = 600;

/** A webhook payload: blocks plus the plain `text` Slack shows in notifications. */
export interface SlackMessage {
  readonly text: string;
  readonly blocks: KnownBlock[];
}

const SEVERITY_MARKER: Record<Severity, string> = {
  critical: ':red_circle: CRITICAL',
  high: ':large_orange_circle: HIGH',
  medium: ':large_yellow_circle: MEDIUM',
  low: ':large_blue_circle: LOW',
  info: ':white_circle: INFO',
};

const KIND_LABEL: Record<TransitionMessage['kind'], string> = {
  opened: 'new',
  changed: 'changed',
  escalated: 'escalated',
  resolved: 'resolved',
};

/**
 * Renders one alert as Block Kit: a header with the subject (which names the worst severity), the
 * run's context with a tally by severity, then every transition worst first across all environments
 * (`orderForAlert`), grouped by severity and place. What does not fit is cut from the end, so a
 * critical is never hidden behind lower severities, and a final "and N more (by severity): ..." block
 * counts what was cut. The whole payload is measured against Slack's limits (`slack-limits.ts`:
 * blocks, per-block text, text over all blocks) rather than estimated.
 */
export function buildSlackMessage(subject: string, body: RunMessageBody): SlackMessage {
  const fixed: KnownBlock[] = [header(subject), runContext(body)];
  if (body.run.sourcesFailed.length > 0) fixed.push(section(failedSourcesText(body)));
  const ordered = orderForAlert(body.transitions);
  const rendered = ordered.map((transition) => ({ transition, group: groupOf(transition), block: section(transitionText(transition)) }));

  // Fill in order while the blocks and text left, minus the largest tail we could need, allow.
  const tailReserve = blockTextLength(tailBlock([], body));
  let blocks = fixed.length + 1;
  let text = fixed.reduce((sum, block) => sum + blockTextLength(block), 0) + tailReserve;
  let shown = 0;
  let group: string | undefined;
  for (const item of rendered) {
    const heading = item.group === group ? [] : [groupHeading(item.transition)];
    const addedText = heading.reduce((sum, block) => sum + blockTextLength(block), blockTextLength(item.block));
    if (blocks + heading.length + 1 > SLACK_LIMITS.blocks || text + addedText > SLACK_LIMITS.blocksText) break;
    blocks += heading.length + 1;
    text += addedText;
    group = item.group;
    shown += 1;
  }
  // Checked, not trusted: measure the payload and give up room from the end until Slack would take it.
  for (;;) {
    const message = assemble(subject, fixed, rendered.slice(0, shown), body);
    if (shown === 0 || slackLimitViolations(measureSlackMessage(message)).length === 0) return message;
    shown -= 1;
  }
}

function assemble(
  subject: string,
  fixed: readonly KnownBlock[],
  shown: readonly { readonly transition: TransitionMessage; readonly group: string; readonly block: SectionBlock }[],
  body: RunMessageBody,
): SlackMessage {
  const blocks: KnownBlock[] = [...fixed];
  let group: string | undefined;
  for (const item of shown) {
    if (item.group !== group) blocks.push(groupHeading(item.transition));
    group = item.group;
    blocks.push(item.block);
  }
  if (shown.length < body.transitionCount)
    blocks.push(
      tailBlock(
        shown.map((item) => item.transition),
        body,
      ),
    );
  else if (body.report?.consoleUrl !== undefined) blocks.push(context(`<${body.report.consoleUrl}|Full report>`));
  return { text: clamp(subject, SLACK_LIMITS.fallbackText), blocks };
}

/** A header block of `subject`, clamped to Slack's 150 characters. */
export function header(subject: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: clamp(subject, SLACK_LIMITS.headerText), emoji: true } };
}

function runContext(body: RunMessageBody): ContextBlock {
  const { run } = body;
  const status = run.status === 'ok' ? 'complete' : run.status;
  const parts = [`run \`${escapeMrkdwn(run.runId)}\``, `status *${status}*`, `${run.sourcesRead} sources read`];
  if (run.baselineVersion !== undefined) parts.push(`baseline \`${escapeMrkdwn(run.baselineVersion.slice(0, 20))}\``);
  const elements = [parts.join(' · ')];
  const tally = body.transitionSeverities === undefined ? severityTally(body.transitions) : formatTally(body.transitionSeverities);
  if (tally !== '') elements.push(`${body.transitionCount} transition${body.transitionCount === 1 ? '' : 's'}: ${tally}`);
  return { type: 'context', elements: elements.map((text) => ({ type: 'mrkdwn', text: clamp(text, SLACK_MAX_TEXT) })) };
}

function failedSourcesText(body: RunMessageBody): string {
  const lines = body.run.sourcesFailed.map((source) => `• \`${code(clamp(source.id, VALUE_CHARS))}\`: ${escapeMrkdwn(clamp(source.message, VALUE_CHARS))}`);
  return `:warning: *Partial run*: these sources could not be read, so their keys are unknown (not reported as missing):\n${lines.join('\n')}`;
}

function placeOf(transition: TransitionMessage): string {
  return transition.region === undefined ? transition.environment : `${transition.environment} (${transition.region})`;
}

/** The group a transition is listed under: its severity band (resolutions apart) and its place. */
function groupOf(transition: TransitionMessage): string {
  return `${transition.kind === 'resolved' ? 'resolved' : transition.severity}\n${placeOf(transition)}`;
}

function groupHeading(transition: TransitionMessage): SectionBlock {
  const band = transition.kind === 'resolved' ? ':white_check_mark: resolved' : SEVERITY_MARKER[transition.severity];
  return section(`*${escapeMrkdwn(placeOf(transition))}* · ${band}`);
}

function transitionText(transition: TransitionMessage): string {
  const lines = [
    `${SEVERITY_MARKER[transition.severity]} · ${KIND_LABEL[transition.kind]} · ${transition.type} · \`${code(clamp(transition.key, VALUE_CHARS))}\``,
    escapeMrkdwn(clamp(transition.message, MESSAGE_CHARS)),
  ];
  if (transition.kind !== 'resolved' && (transition.expected !== undefined || transition.actual !== undefined)) {
    const expected = clamp(transition.expected?.text ?? '(not declared)', VALUE_CHARS);
    const actual = clamp(transition.actual?.text ?? '(absent)', VALUE_CHARS);
    lines.push(`expected \`${code(expected)}\` → actual \`${code(actual)}\``);
  }
  const winner = transition.provenance[0];
  if (winner !== undefined) {
    const who = winner.changedBy === undefined ? '' : ` · changed by ${escapeMrkdwn(clamp(winner.changedBy, VALUE_CHARS))}`;
    const when = winner.changedAt === undefined ? '' : ` on ${escapeMrkdwn(winner.changedAt.slice(0, 10))}`;
    const outside = winner.outOfBand === true ? ' *outside the pipeline*' : '';
    lines.push(`_${escapeMrkdwn(winner.layer)}_ \`${code(clamp(winner.location, VALUE_CHARS))}\`${who}${when}${outside}`);
  }
  if (transition.kind !== 'resolved') {
    const revert = transition.fixes.revert;
    if (revert !== undefined) {
      lines.push(
        `Revert: ${revert.command === undefined ? escapeMrkdwn(clamp(revert.summary, MESSAGE_CHARS)) : `\`${code(clamp(revert.command, COMMAND_CHARS))}\``}`,
      );
    }
    const accept = transition.fixes.accept;
    if (accept !== undefined) {
      const edit =
        accept.baselineEdit === undefined
          ? escapeMrkdwn(clamp(accept.summary, MESSAGE_CHARS))
          : `\`drift-audit baseline accept ${code(transition.findingId)}\``;
      lines.push(`Accept: ${edit}`);
    }
  }
  return clamp(lines.join('\n'), SLACK_MAX_TEXT);
}

/** The last block when something was cut: how many, by severity (`hiddenTally`), and where the rest is. */
function tailBlock(shown: readonly TransitionMessage[], body: RunMessageBody): ContextBlock {
  const { count, tally, uncounted } = hiddenTally(body, shown);
  const parts: string[] = [];
  if (count > 0) parts.push(`and ${count} more (by severity): ${tally}`);
  if (uncounted > 0) parts.push(`and ${uncounted} more not carried by this alert`);
  const link = body.report?.consoleUrl === undefined ? '' : ` · <${body.report.consoleUrl}|full report>`;
  return context(`${parts.join('; ')}${link}`);
}

function context(text: string): ContextBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clamp(text, SLACK_MAX_TEXT) }] };
}

/** A mrkdwn section, clamped to Slack's 3,000 characters. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clamp(text, SLACK_MAX_TEXT) } };
}

/** Slack mrkdwn needs only &, < and > escaped; everything else is literal. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code cannot contain a backtick; swap it for a look-alike so the span stays closed. */
export function code(text: string): string {
  return escapeMrkdwn(text).replace(/`/g, 'ˋ');
}

function clamp(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
