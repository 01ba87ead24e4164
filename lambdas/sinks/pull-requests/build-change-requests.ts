import { describeChange } from '../../engine/analyse/attribution.js';
import type { Finding, Transition } from '../../engine/model.js';
import { reportReference, type ReportLocation } from '../alerts/run-message.js';
import { formatBaselineEdit } from '../report/format-baseline-edit.js';
import { shownText } from '../report/shown-value.js';
import type { ChangeRequestAction, UpsertChangeRequest } from './change-request-provider.js';

/** Transitions that (re)write a finding's change request: new drift, and drift that moved since. */
const UPSERTING = new Set<Transition['kind']>(['opened', 'changed', 'escalated']);

/**
 * True for drift made outside the pipeline that the baseline can accept: its winning observation is
 * out of band and its accept fix carries a baseline edit. Other drift is reverted or decided by
 * people, not proposed as a baseline change.
 */
export function proposesChange(finding: Finding): boolean {
  return finding.provenance[0]?.outOfBand === true && finding.fixes.accept?.baselineEdit !== undefined;
}

/** A value for a Markdown table cell: secrets masked, pipes and newlines kept from breaking the table. */
function cell(value: Finding['expected']): string {
  if (value === undefined) return '_(none)_';
  return `\`${shownText(value).replaceAll('`', "'").replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ')}\``;
}

/** The pull request body of `transition`: what a reviewer needs to merge, or to revert instead. */
function bodyOf(transition: Transition, report: ReportLocation | undefined): string {
  const { finding } = transition;
  const origin = finding.provenance[0];
  const change = origin === undefined ? undefined : describeChange(origin);
  const edit = finding.fixes.accept?.baselineEdit;
  const revert = finding.fixes.revert?.command;
  const link = report === undefined ? undefined : reportReference(report);
  return [
    `drift-audit found **${finding.key}** in **${finding.environment}** changed outside the pipeline (${finding.severity}).`,
    '',
    `> ${finding.message}`,
    '',
    '| | value |',
    '|---|---|',
    `| expected (baseline) | ${cell(finding.expected)} |`,
    `| actual (live) | ${cell(finding.actual)} |`,
    '',
    `**Who and when:** ${change ?? 'unknown'}${origin === undefined ? '' : ` (${origin.location})`}; first seen ${transition.firstSeen}.`,
    '',
    `**This pull request** accepts the live value into the baseline: \`${edit === undefined ? '' : formatBaselineEdit(edit)}\`.`,
    '',
    revert === undefined
      ? '**To revert instead:** no revert command is known for this value; close this pull request and restore it by hand.'
      : `**To revert instead** (then close this pull request; the next audit closes it too once the value is back):\n\n\`\`\`sh\n${revert}\n\`\`\``,
    '',
    link === undefined ? '**Report:** not written for this run.' : `**Report:** [${link.s3Uri}](${link.consoleUrl ?? link.s3Uri})`,
    '',
    `<sub>drift-audit finding \`${finding.id}\`: one pull request per finding, updated by later runs and closed when the drift resolves.</sub>`,
  ].join('\n');
}

/** The upsert request of an out-of-band drift. */
function upsertOf(transition: Transition, report: ReportLocation | undefined): UpsertChangeRequest {
  const { finding } = transition;
  const edit = finding.fixes.accept?.baselineEdit;
  if (edit === undefined) throw new TypeError(`finding ${finding.id} has no accept edit`);
  const actual = finding.actual === undefined ? 'removed' : shownText(finding.actual);
  return {
    kind: 'upsert',
    findingId: finding.id,
    title: `drift-audit: accept ${finding.key} = ${actual} in ${finding.environment}`,
    body: bodyOf(transition, report),
    labels: ['drift-audit', `severity:${finding.severity}`, `environment:${finding.environment}`],
    edit,
    commitMessage: `drift-audit: accept ${finding.key} in ${finding.environment} (${finding.id})`,
  };
}

/**
 * The change requests a run asks for: one upsert per opened, changed or escalated out-of-band drift
 * the baseline can accept, one close per such drift that resolved live. Secrets are masked as in every
 * report ({@link shownText}); at most one action per finding (the lifecycle gives one transition each).
 */
export function buildChangeRequests(transitions: readonly Transition[], report?: ReportLocation): ChangeRequestAction[] {
  return transitions.flatMap((transition): ChangeRequestAction[] => {
    if (!proposesChange(transition.finding)) return [];
    if (UPSERTING.has(transition.kind)) return [upsertOf(transition, report)];
    const { finding } = transition;
    return [
      {
        kind: 'close',
        findingId: finding.id,
        comment: `drift-audit: ${finding.key} in ${finding.environment} is back to the baseline's value (resolved live at ${transition.at}); nothing left to accept, closing.`,
      },
    ];
  });
}
