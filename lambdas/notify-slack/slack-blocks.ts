import type { ContextBlock, DividerBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { RunMessageBody, TransitionMessage } from '../sinks/alerts/run-message.js';
import { SEVERITIES, type Severity } from '../engine/model.js';

/** Slack rejects messages with more than 50 blocks. */
export const SLACK_MAX_BLOCKS = 50;
/** Slack rejects a section whose text is longer than 3,000 characters. */
export const SLACK_MAX_TEXT = 3000;
/** Header blocks take at most 150 characters of plain text. */
const SLACK_MAX_HEADER = 150;

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
 * Renders one alert as Block Kit: a header with the subject, the run's context, then the transitions
 * grouped by environment and region, worst first. Stays within Slack's limits (50 blocks, 3,000
 * characters a text) by ending with a "+N more" line that links to the full report.
 */
export function buildSlackMessage(subject: string, body: RunMessageBody): SlackMessage {
  const blocks: KnownBlock[] = [header(subject), runContext(body)];
  const groups = groupByPlace(body.transitions);
  // Reserve room for the tail and a failed-sources note.
  const budget = SLACK_MAX_BLOCKS - 2;
  let shown = 0;
  if (body.run.sourcesFailed.length > 0) {
    blocks.push(section(failedSourcesText(body)));
  }
  outer: for (const [place, transitions] of groups) {
    if (blocks.length + 2 > budget) break;
    blocks.push(divider(), section(`*${escapeMrkdwn(place)}*`));
    for (const transition of transitions) {
      if (blocks.length + 1 > budget) break outer;
      blocks.push(section(transitionText(transition)));
      shown += 1;
    }
  }
  const hidden = body.transitionCount - shown;
  if (hidden > 0) blocks.push(moreTail(hidden, body));
  else if (body.report !== undefined) blocks.push(reportLink(body));
  return { text: subject, blocks };
}

/** A header block of `subject`, clamped to Slack's 150 characters. */
export function header(subject: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', text: clamp(subject, SLACK_MAX_HEADER), emoji: true } };
}

function runContext(body: RunMessageBody): ContextBlock {
  const { run } = body;
  const status = run.status === 'ok' ? 'complete' : run.status;
  const parts = [`run \`${escapeMrkdwn(run.runId)}\``, `status *${status}*`, `${run.sourcesRead} sources read`];
  if (run.baselineVersion !== undefined) parts.push(`baseline \`${escapeMrkdwn(run.baselineVersion.slice(0, 20))}\``);
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clamp(parts.join(' · '), SLACK_MAX_TEXT) }] };
}

function failedSourcesText(body: RunMessageBody): string {
  const lines = body.run.sourcesFailed.map((source) => `• \`${escapeMrkdwn(source.id)}\`: ${escapeMrkdwn(source.message)}`);
  return `:warning: *Partial run*: these sources could not be read, so their keys are unknown (not reported as missing):\n${lines.join('\n')}`;
}

function transitionText(transition: TransitionMessage): string {
  const lines = [
    `${SEVERITY_MARKER[transition.severity]} · ${KIND_LABEL[transition.kind]} · ${transition.type} · \`${code(transition.key)}\``,
    escapeMrkdwn(transition.message),
  ];
  if (transition.kind !== 'resolved' && (transition.expected !== undefined || transition.actual !== undefined)) {
    lines.push(`expected \`${code(transition.expected?.text ?? '(not declared)')}\` → actual \`${code(transition.actual?.text ?? '(absent)')}\``);
  }
  const winner = transition.provenance[0];
  if (winner !== undefined) {
    const who = winner.changedBy === undefined ? '' : ` · changed by ${escapeMrkdwn(winner.changedBy)}`;
    const when = winner.changedAt === undefined ? '' : ` on ${escapeMrkdwn(winner.changedAt.slice(0, 10))}`;
    const outside = winner.outOfBand === true ? ' *outside the pipeline*' : '';
    lines.push(`_${escapeMrkdwn(winner.layer)}_ \`${code(winner.location)}\`${who}${when}${outside}`);
  }
  if (transition.kind !== 'resolved') {
    const revert = transition.fixes.revert;
    if (revert !== undefined) lines.push(`Revert: ${revert.command === undefined ? escapeMrkdwn(revert.summary) : `\`${code(revert.command)}\``}`);
    const accept = transition.fixes.accept;
    if (accept !== undefined) {
      const edit = accept.baselineEdit === undefined ? escapeMrkdwn(accept.summary) : `\`drift-audit baseline accept ${code(transition.findingId)}\``;
      lines.push(`Accept: ${edit}`);
    }
  }
  return clamp(lines.join('\n'), SLACK_MAX_TEXT);
}

function moreTail(hidden: number, body: RunMessageBody): ContextBlock {
  const link = body.report?.consoleUrl === undefined ? '' : `: <${body.report.consoleUrl}|full report>`;
  return { type: 'context', elements: [{ type: 'mrkdwn', text: `+${hidden} more${link}` }] };
}

function reportLink(body: RunMessageBody): ContextBlock {
  const url = body.report?.consoleUrl;
  return { type: 'context', elements: [{ type: 'mrkdwn', text: url === undefined ? '' : `<${url}|Full report>` }] };
}

function groupByPlace(transitions: readonly TransitionMessage[]): Map<string, TransitionMessage[]> {
  const sorted = [...transitions].sort(
    (a, b) =>
      a.environment.localeCompare(b.environment) || SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) || a.findingId.localeCompare(b.findingId),
  );
  const groups = new Map<string, TransitionMessage[]>();
  for (const transition of sorted) {
    const place = transition.region === undefined ? transition.environment : `${transition.environment} (${transition.region})`;
    const group = groups.get(place) ?? [];
    group.push(transition);
    groups.set(place, group);
  }
  return groups;
}

/** A mrkdwn section, clamped to Slack's 3,000 characters. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clamp(text, SLACK_MAX_TEXT) } };
}

function divider(): DividerBlock {
  return { type: 'divider' };
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
