import { SEVERITIES, type Severity } from '../../engine/model.js';
import { severityRank } from '../../engine/analyse/severity.js';
import type { TransitionMessage } from './run-message.js';

const KIND_ORDER: Record<TransitionMessage['kind'], number> = { opened: 0, escalated: 1, changed: 2, resolved: 3 };

/**
 * The order every rendering of an alert (Slack, e-mail, Chatbot) lists transitions in, so whatever is
 * cut for room is never worse than what is shown: live drift before resolutions (a resolution is good
 * news and must not push a live drift out), then worst severity first across every environment, then
 * environment, region, kind and finding id for a stable order.
 */
export function compareForAlert(a: TransitionMessage, b: TransitionMessage): number {
  return (
    Number(a.kind === 'resolved') - Number(b.kind === 'resolved') ||
    severityRank(b.severity) - severityRank(a.severity) ||
    a.environment.localeCompare(b.environment) ||
    (a.region ?? '').localeCompare(b.region ?? '') ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    a.findingId.localeCompare(b.findingId)
  );
}

/** Transitions in {@link compareForAlert} order, as a new array. */
export function orderForAlert(transitions: readonly TransitionMessage[]): TransitionMessage[] {
  return [...transitions].sort(compareForAlert);
}

/** How many transitions of each severity there are. */
export function countSeverities(transitions: readonly Pick<TransitionMessage, 'severity'>[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const transition of transitions) counts[transition.severity] += 1;
  return counts;
}

/** Severity counts written worst first, zero counts left out: `1 critical, 60 medium`. */
export function formatTally(counts: Readonly<Partial<Record<Severity, number>>>): string {
  return [...SEVERITIES]
    .reverse()
    .filter((severity) => (counts[severity] ?? 0) > 0)
    .map((severity) => `${counts[severity]} ${severity}`)
    .join(', ');
}

/** {@link formatTally} of `transitions`. */
export function severityTally(transitions: readonly Pick<TransitionMessage, 'severity'>[]): string {
  return formatTally(countSeverities(transitions));
}

/**
 * What an alert leaves out when it shows `shown` of a body's transitions, by severity. A truncated body
 * (over the SNS limit) carries only its most urgent transitions, but counts all of them in
 * `transitionSeverities`, so the cut is tallied in full; a body without that count (an older entry)
 * tallies what it carries and counts the rest apart.
 */
export function hiddenTally(
  body: {
    readonly transitions: readonly TransitionMessage[];
    readonly transitionCount: number;
    readonly transitionSeverities?: Readonly<Record<Severity, number>>;
  },
  shown: readonly TransitionMessage[],
): { readonly count: number; readonly tally: string; readonly uncounted: number } {
  const shownCounts = countSeverities(shown);
  if (body.transitionSeverities !== undefined) {
    const all = body.transitionSeverities;
    const hidden = Object.fromEntries(SEVERITIES.map((severity) => [severity, Math.max(0, (all[severity] ?? 0) - shownCounts[severity])])) as Record<
      Severity,
      number
    >;
    const count = SEVERITIES.reduce((sum, severity) => sum + hidden[severity], 0);
    return { count, tally: formatTally(hidden), uncounted: Math.max(0, body.transitionCount - shown.length - count) };
  }
  const carried = countSeverities(body.transitions);
  const hidden = Object.fromEntries(SEVERITIES.map((severity) => [severity, carried[severity] - shownCounts[severity]])) as Record<Severity, number>;
  const count = body.transitions.length - shown.length;
  return { count, tally: formatTally(hidden), uncounted: body.transitionCount - body.transitions.length };
}
