import type { KnownBlock } from '@slack/types';

/**
 * Slack's limits on one message, and a measure of a message against them. Where each number comes from:
 * - 50 blocks a message, 3,000 characters of a section's text, 150 of a header's plain text, 10
 *   elements of a context block: the Block Kit reference (a message over them is refused with
 *   `invalid_blocks`, HTTP 400 on an incoming webhook).
 * - 40,000 characters of the top-level `text`: Slack truncates longer text (changelog
 *   2018-04 "truncating really long messages").
 * - About 12,000 characters of text over all blocks together: undocumented but enforced
 *   (`msg_blocks_too_long`), measured by others at 11,341-13,297 depending on the block mix
 *   (slackapi/bolt-js#2509, #2867). We budget 10,000 so a message of many small blocks is not refused.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  contextElements: 10,
  fallbackText: 40_000,
  blocksText: 10_000,
} as const;

/** What a message measures against {@link SLACK_LIMITS}. */
export interface SlackMessageMeasure {
  readonly blocks: number;
  /** Longest text of any one section (or context element). */
  readonly longestSectionText: number;
  readonly headerText: number;
  readonly mostContextElements: number;
  readonly fallbackText: number;
  /** Characters of text over all blocks: what `msg_blocks_too_long` counts. */
  readonly blocksText: number;
  /** UTF-8 bytes of the whole JSON payload posted to the webhook. */
  readonly payloadBytes: number;
}

/** The text characters one block carries (section text and fields, header, context elements). */
export function blockTextLength(block: KnownBlock): number {
  switch (block.type) {
    case 'section':
      return (block.text?.text.length ?? 0) + (block.fields ?? []).reduce((sum, field) => sum + field.text.length, 0);
    case 'header':
      return block.text.text.length;
    case 'context':
      return block.elements.reduce((sum, element) => sum + ('text' in element ? String(element.text).length : 0), 0);
    default:
      return 0;
  }
}

/** Measures a payload (`text` plus `blocks`) as Slack counts it. */
export function measureSlackMessage(message: { readonly text: string; readonly blocks: readonly KnownBlock[] }): SlackMessageMeasure {
  let longestSectionText = 0;
  let headerText = 0;
  let mostContextElements = 0;
  let blocksText = 0;
  for (const block of message.blocks) {
    blocksText += blockTextLength(block);
    if (block.type === 'section') longestSectionText = Math.max(longestSectionText, block.text?.text.length ?? 0);
    if (block.type === 'header') headerText = Math.max(headerText, block.text.text.length);
    if (block.type === 'context') {
      mostContextElements = Math.max(mostContextElements, block.elements.length);
      for (const element of block.elements) longestSectionText = Math.max(longestSectionText, 'text' in element ? String(element.text).length : 0);
    }
  }
  return {
    blocks: message.blocks.length,
    longestSectionText,
    headerText,
    mostContextElements,
    fallbackText: message.text.length,
    blocksText,
    payloadBytes: Buffer.byteLength(JSON.stringify(message)),
  };
}

/** Each limit a measured message breaks, as `name: measured > limit`; empty when it fits. */
export function slackLimitViolations(measure: SlackMessageMeasure): string[] {
  const checks: [string, number, number][] = [
    ['blocks', measure.blocks, SLACK_LIMITS.blocks],
    ['section text', measure.longestSectionText, SLACK_LIMITS.sectionText],
    ['header text', measure.headerText, SLACK_LIMITS.headerText],
    ['context elements', measure.mostContextElements, SLACK_LIMITS.contextElements],
    ['fallback text', measure.fallbackText, SLACK_LIMITS.fallbackText],
    ['text over all blocks', measure.blocksText, SLACK_LIMITS.blocksText],
  ];
  return checks.filter(([, measured, limit]) => measured > limit).map(([name, measured, limit]) => `${name}: ${measured} > ${limit}`);
}
