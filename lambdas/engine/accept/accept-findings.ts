import { analyse } from '../analyse/analyse.js';
import type { BaselineFile } from '../baseline/baseline-file.js';
import type { Finding } from '../model.js';
import { describeChange, type AcceptChange, type AcceptRefusal, type PlannedAccept } from './accept-change.js';
import { AcceptError } from './accept-error.js';
import { applyAcceptChanges, changeIdentity, type AppliedChanges } from './apply-accept-changes.js';
import { liftToTiers } from './lift-to-tiers.js';
import { planAccept, type AcceptChoices, type AcceptState } from './plan-accept.js';

/** One accepted finding and what accepting it wrote. */
export interface AcceptedFinding {
  readonly finding: Finding;
  /** `declare API_TIMEOUT as 120 in production-us`, each with the file it was written to. */
  readonly changes: readonly { readonly description: string; readonly file: string }[];
}

/** The outcome of an accept: the files to write (only those that changed), what was accepted, what was not. */
export interface AcceptResult {
  /** Each edited file as it was and as it is to be written, in the baseline's file order. */
  readonly edited: readonly { readonly before: BaselineFile; readonly after: BaselineFile }[];
  readonly accepted: readonly AcceptedFinding[];
  readonly refused: readonly AcceptRefusal[];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Accepts findings into the baseline: plans each one (`planAccept`), declares states for a whole
 * tier where every environment of it agrees (`liftToTiers`), writes the edits, and then proves the
 * result by auditing the same estate again with the edited baseline: every accepted finding must be
 * gone and no finding may appear that was not there before. When tier declarations fail that proof
 * the accept is planned again environment by environment; when that fails too, nothing is written.
 *
 * Pure: files come in and go out as text. Refused findings are returned, not thrown: the caller
 * decides whether a refusal is an error (an id asked for by name) or a note (a filter's catch).
 *
 * @throws {AcceptError} `invalid-option` for a malformed or past date, `would-create-drift` when the
 *   edits would leave an accepted finding open or open a new one, `invalid-baseline` when they would
 *   not validate.
 */
export function acceptFindings(state: AcceptState, findings: readonly Finding[], options: AcceptChoices): AcceptResult {
  checkOptions(options, state.now);
  const plan = planAccept(state, findings, options);
  if (plan.accepted.length === 0) return { edited: [], accepted: [], refused: plan.refused };

  const lifted = liftToTiers(plan.accepted, state);
  const attempts = sameChanges(lifted, plan.accepted) ? [plan.accepted] : [lifted, plan.accepted];
  let failure: AcceptError | undefined;
  for (const accepted of attempts) {
    const applied = applyAcceptChanges(
      state.files,
      state.baseline,
      accepted.flatMap((planned) => planned.changes),
    );
    const problem = verify(state, accepted, applied);
    if (problem === undefined) return resultOf(state, accepted, applied, plan.refused);
    failure ??= problem;
  }
  throw failure as AcceptError;
}

function checkOptions(options: AcceptChoices, now: Date): void {
  if (options.extend !== undefined) checkFutureDate('--extend', options.extend, now);
  const terms = options.exception;
  if (terms !== undefined) {
    checkFutureDate('--expires', terms.expires, now);
    for (const [flag, value] of [
      ['--owner', terms.owner],
      ['--reason', terms.reason],
    ] as const) {
      if (value.trim() === '') throw new AcceptError('invalid-option', `${flag} must not be empty: an exception names who owns it and why`);
    }
  }
}

/** A `YYYY-MM-DD` day that exists and has not ended: an exception ending before now would be expired at once. */
function checkFutureDate(flag: string, value: string, now: Date): void {
  const match = ISO_DATE.exec(value);
  const start = Date.parse(`${value}T00:00:00Z`);
  if (match === null || !Number.isFinite(start) || new Date(start).toISOString().slice(0, 10) !== value) {
    throw new AcceptError('invalid-option', `${flag} must be a day written YYYY-MM-DD, such as 2027-01-31, got ${value}`);
  }
  if (start + DAY_MS <= now.getTime()) {
    throw new AcceptError(
      'invalid-option',
      `${flag} ${value} has already ended (the audit runs at ${now.toISOString()}): the exception would be expired at once`,
    );
  }
}

/** Audits the estate again with the edited baseline; undefined when the accept did exactly what it should. */
function verify(state: AcceptState, accepted: readonly PlannedAccept[], applied: AppliedChanges): AcceptError | undefined {
  const after = analyse({ baseline: applied.baseline, snapshots: state.snapshots, now: state.now }).findings;
  const before = new Set(state.findings.map((finding) => finding.id));
  const afterIds = new Set(after.map((finding) => finding.id));
  const opened = after.filter((finding) => !before.has(finding.id));
  const stillOpen = accepted.filter((planned) => afterIds.has(planned.finding.id)).map((planned) => planned.finding);
  if (opened.length === 0 && stillOpen.length === 0) return undefined;
  const lines = [
    ...opened.map((finding) => `  would open ${finding.id}: ${finding.message}`),
    ...stillOpen.map((finding) => `  would leave ${finding.id} open`),
  ];
  const selected = new Set(accepted.map((planned) => planned.finding.id));
  const keys = new Set([...accepted.map((planned) => planned.finding.key), ...opened.map((finding) => finding.key)]);
  const related = state.findings.filter((finding) => keys.has(finding.key) && !selected.has(finding.id)).map((finding) => finding.id);
  const hint =
    related.length === 0
      ? ''
      : `\nAccepting the other findings of ${[...keys].join(', ')} at the same time may settle it: drift-audit baseline accept ${[...selected, ...related].join(' ')}`;
  return new AcceptError(
    'would-create-drift',
    `accepting ${[...selected].join(', ')} would not leave the estate as it should; nothing was written:\n${lines.join('\n')}${hint}`,
  );
}

function resultOf(state: AcceptState, accepted: readonly PlannedAccept[], applied: AppliedChanges, refused: readonly AcceptRefusal[]): AcceptResult {
  const files = new Map(applied.applied.map((entry) => [changeIdentity(entry.change), entry.file]));
  const edited = state.files.flatMap((before) => {
    const after = applied.files.find((file) => file.name === before.name);
    return after === undefined || after.text === before.text ? [] : [{ before, after }];
  });
  return {
    edited,
    accepted: accepted.map((planned) => ({
      finding: planned.finding,
      changes: planned.changes.map((change) => ({ description: describeChange(change), file: files.get(changeIdentity(change)) ?? '' })),
    })),
    refused,
  };
}

function sameChanges(a: readonly PlannedAccept[], b: readonly PlannedAccept[]): boolean {
  return a.every((planned, index) => {
    const other = b[index]?.changes ?? [];
    return planned.changes.length === other.length && planned.changes.every((change: AcceptChange, at) => change === other[at]);
  });
}
