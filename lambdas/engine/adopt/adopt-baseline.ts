import { analyse } from '../analyse/analyse.js';
import { formatBaselineIssue } from '../baseline/baseline-issue.js';
import { parseBaseline } from '../baseline/parse-baseline.js';
import type { Baseline, EnvironmentSpec, Finding, Snapshot } from '../model.js';
import type { AdoptedEnvironment } from './adopted-environment.js';
import { proposeBaseline, type BaselineProposal } from './propose-baseline.js';
import { renderAdoptedBaseline } from './render-adopted-baseline.js';

/** The baseline file `init` writes. */
export const ADOPTED_BASELINE_FILE = 'baseline.yaml';

/** What `init` wrote, and what a scan of the same state will report. */
export interface AdoptedBaseline {
  readonly text: string;
  readonly proposal: BaselineProposal;
  /** The findings a scan right after init reports: the outliers, and what no declaration can settle. */
  readonly review: readonly Finding[];
}

/** Thrown when the baseline init rendered does not parse: a bug in init, never the user's doing. */
export class AdoptedBaselineInvalidError extends Error {
  override readonly name = 'AdoptedBaselineInvalidError';
  readonly code = 'adopted-baseline-invalid';
}

/**
 * Builds a baseline from what runs: proposes every key (see `proposeBaseline`), renders it, then audits
 * the same state against it so the review block lists exactly what a scan will report.
 */
export function adoptBaseline(environments: readonly AdoptedEnvironment[], snapshots: readonly Snapshot[], now: Date): AdoptedBaseline {
  const proposal = proposeBaseline({ environments: environmentSpecsOf(environments), snapshots });
  const draft = renderAdoptedBaseline(environments, proposal, []);
  const review = reviewFindings(draft, snapshots, now);
  return { text: renderAdoptedBaseline(environments, proposal, review.map(reviewLine)), proposal, review };
}

/** Audits `snapshots` against the baseline files; throws when they do not parse. */
export function reviewFindings(
  text: string,
  snapshots: readonly Snapshot[],
  now: Date,
  others: readonly { name: string; text: string }[] = [],
): readonly Finding[] {
  const parsed = parseBaseline([...others, { name: ADOPTED_BASELINE_FILE, text }]);
  if (!parsed.ok)
    throw new AdoptedBaselineInvalidError(`the baseline init wrote does not parse: ${parsed.issues.map((issue) => formatBaselineIssue(issue)).join('; ')}`);
  return analyse({ baseline: parsed.baseline, snapshots, now }).findings;
}

/** Review lines stay readable: the scan shows the rest (pods, provenance) in full. */
const REVIEW_MESSAGE_LIMIT = 220;

/** A finding as one review line: its id, then what the scan says (values already redacted by the engine). */
export function reviewLine(finding: Finding): string {
  const message = finding.message.length > REVIEW_MESSAGE_LIMIT ? `${finding.message.slice(0, REVIEW_MESSAGE_LIMIT - 1)}…` : finding.message;
  return `${finding.id}: ${message}`;
}

/**
 * The engine's view of the adopted environments, normalised by the baseline parser itself (so an SSM
 * tree is named after the application the scan will name it after, and every default is the scan's).
 */
export function environmentSpecsOf(environments: readonly AdoptedEnvironment[]): readonly EnvironmentSpec[] {
  return environmentsBaseline(environments).environments;
}

/** A baseline declaring only the environments, as parsed from init's own rendering of them. */
export function environmentsBaseline(environments: readonly AdoptedEnvironment[]): Baseline {
  const text = renderAdoptedBaseline(environments, { applications: new Map(), outliers: [], imageParity: 'all' }, []);
  const parsed = parseBaseline([{ name: ADOPTED_BASELINE_FILE, text }]);
  if (!parsed.ok)
    throw new AdoptedBaselineInvalidError(
      `the environments do not make a valid baseline: ${parsed.issues.map((issue) => formatBaselineIssue(issue)).join('; ')}`,
    );
  return parsed.baseline;
}
