import { analyse } from '../analyse/analyse.js';
import { exceptionCovers, indexExceptions } from '../analyse/exception-index.js';
import { settingPath } from '../analyse/accept-fix.js';
import { settingFor } from '../analyse/setting-for.js';
import type { BaselineFile } from '../baseline/baseline-file.js';
import type { Baseline, ExceptionSpec, Finding, Snapshot } from '../model.js';
import type { AcceptChange, AcceptRefusal, PlannedAccept } from './accept-change.js';

/** The audit an accept is planned against: the baseline as read, the estate and the findings they gave. */
export interface AcceptState {
  readonly files: readonly BaselineFile[];
  readonly baseline: Baseline;
  readonly snapshots: readonly Snapshot[];
  readonly now: Date;
  /** `analyse` of the baseline, snapshots and clock above. */
  readonly findings: readonly Finding[];
}

/** The exception `baseline accept` writes for an image version difference: only a person can say these. */
export interface ExceptionTerms {
  readonly owner: string;
  readonly reason: string;
  /** `YYYY-MM-DD`, the last day it holds. */
  readonly expires: string;
}

/** What a person decided beyond the findings themselves. */
export interface AcceptChoices {
  /** `exception-expired`: move the expired exception's end date to this day (`YYYY-MM-DD`) instead of removing it. */
  readonly extend?: string;
  /** `version`: the exception that declares the image difference. */
  readonly exception?: ExceptionTerms;
}

/** Every finding asked for, planned or refused. */
export interface AcceptPlan {
  readonly accepted: readonly PlannedAccept[];
  readonly refused: readonly AcceptRefusal[];
}

type Outcome = { readonly changes: readonly AcceptChange[] } | { readonly refusal: string };

/**
 * Decides, finding by finding, what accepting it declares, each at the level of its environment
 * (`liftToTiers` widens them afterwards):
 * - `changed`, `parity`, `unmanaged`: the live value where it lives (`settings.KEY.environments.ENV`);
 *   absent in a `parity` finding: `null`; an undeclared secret: `secret: true`.
 * - `missing`: `null` for that environment (declared absent there).
 * - `exception-expired`: with `extend`, the exception's new end date; otherwise the exception is
 *   removed (kept when it still speaks for a finding not accepted now) and the deviation it stood
 *   for is accepted as its own type.
 * - `version`: an exception `{ key: <workload>/<container>, environment, value: tag }` with the
 *   owner, reason and end date of `options.exception`; refused without them.
 * - refused: `invalid` (relax the constraint instead), `shadowed` (the baseline says what a value is,
 *   not which source holds it), `source-error`, and a secret's value (never written).
 */
export function planAccept(state: AcceptState, findings: readonly Finding[], options: AcceptChoices): AcceptPlan {
  const accepted: PlannedAccept[] = [];
  const refused: AcceptRefusal[] = [];
  for (const finding of findings) {
    const outcome = planFinding(finding, state, options, state.baseline.exceptions.length);
    if ('refusal' in outcome) refused.push({ finding, reason: outcome.refusal });
    else accepted.push({ finding, changes: outcome.changes });
  }
  return { accepted: keepNeededRemovals(accepted), refused };
}

function planFinding(finding: Finding, state: AcceptState, options: AcceptChoices, depth: number): Outcome {
  const { key, environment, application } = finding;
  const actual = finding.actual;
  const declare = (value: string | null): Outcome => ({
    changes: [{ kind: 'declare', key, application, environment, tier: finding.tier, state: value, scope: 'environment' }],
  });
  switch (finding.type) {
    case 'changed':
    case 'parity':
      if (!state.baseline.environments.some((candidate) => candidate.name === environment)) return planGroupParity(finding, state);
      if (actual === undefined) return declare(null);
      if (actual.secret) return { refusal: secretRefusal(key, application, environment, state.baseline) };
      return declare(actual.text);
    case 'missing':
      return declare(null);
    case 'unmanaged':
      if (actual === undefined || actual.secret) return { changes: [{ kind: 'declare-secret', key, application, environment }] };
      return declare(actual.text);
    case 'version':
      return planVersion(finding, options);
    case 'exception-expired':
      return planExpired(finding, state, options, depth);
    case 'invalid':
      return {
        refusal:
          `${key} in ${environment} breaks a constraint of the baseline, and a constraint violation is not accepted by declaring ` +
          `the value: relax the constraint on ${key} by hand if the value is really allowed, or revert it`,
      };
    case 'shadowed':
      return {
        refusal:
          `the baseline declares what ${key} is, not which source holds it, so nothing in it can accept a hidden copy: ` +
          `remove the hidden copies of ${key} in ${environment} (the finding's revert)`,
      };
    case 'source-error':
      return { refusal: `a source that could not be read is not drift: make ${key} readable and scan again` };
    case 'stale':
      return {
        refusal:
          `a pod that lags its workload or its feeding source is not a value the baseline can declare: ` +
          `restart ${key} in ${environment} (the finding's revert)`,
      };
    case 'secret-version':
      return {
        refusal:
          `a secret's value is never in the baseline, so its version cannot be accepted: if ${key} differs by design, ` +
          `set parity: none on it, or declare an exception for ${environment}`,
      };
  }
}

/**
 * A parity finding about a whole group (no value held by a majority: `environment` names every
 * member, `staging-us+production-us`): each member's live value is declared for its environment.
 * The engine's own accept holds them, raw, when none is secret or absent.
 */
function planGroupParity(finding: Finding, state: AcceptState): Outcome {
  const declared = finding.fixes.accept?.baselineEdit?.value;
  if (Object.values(finding.comparedWith ?? {}).some((value) => value.secret))
    return { refusal: secretRefusal(finding.key, finding.application, finding.environment, state.baseline) };
  if (declared === null || declared === undefined || typeof declared !== 'object') {
    return { refusal: finding.fixes.accept?.summary ?? `declare by hand which environments may differ on ${finding.key}` };
  }
  const changes: AcceptChange[] = [];
  for (const [environment, value] of Object.entries(declared)) {
    const spec = state.baseline.environments.find((candidate) => candidate.name === environment);
    if (spec === undefined) return { refusal: `${finding.id} names ${environment}, which the baseline does not declare` };
    changes.push({ kind: 'declare', key: finding.key, application: finding.application, environment, tier: spec.tier, state: value, scope: 'environment' });
  }
  return { changes };
}

function secretRefusal(key: string, application: string | undefined, environment: string, baseline: Baseline): string {
  return (
    `${key} is secret and a secret's value is never written to the baseline: declare by hand that it may differ in ${environment}; ` +
    `to audit ${key} by presence only, declare ${settingPath(key, application, settingFor(baseline, key, application)).join('.')}.secret: true`
  );
}

function planVersion(finding: Finding, options: AcceptChoices): Outcome {
  const terms = options.exception;
  const image = finding.actual?.text;
  if (image === undefined) return { refusal: `${finding.id} names no running image` };
  if (terms === undefined) {
    return {
      refusal:
        'an image version difference is declared with an exception, which needs an owner, a reason and an end date: ' +
        'add --owner EMAIL --reason WHY --expires YYYY-MM-DD',
    };
  }
  const tag = imageTag(image);
  const expectedTag = finding.expected === undefined ? undefined : imageTag(finding.expected.text);
  // The tag reads best and is what the format documents; when only the digest differs, the tag
  // would allow any build of it, so the whole reference is written instead.
  const value = tag !== undefined && tag !== expectedTag ? tag : image;
  return {
    changes: [{ kind: 'add-exception', key: finding.key, environment: finding.environment, value, ...terms }],
  };
}

/** `registry:5000/app:1.2@sha256:...` -> `1.2`; undefined without a tag. */
function imageTag(reference: string): string | undefined {
  const withoutDigest = reference.split('@')[0] ?? reference;
  const colon = withoutDigest.lastIndexOf(':');
  return colon > withoutDigest.lastIndexOf('/') ? withoutDigest.slice(colon + 1) : undefined;
}

function planExpired(finding: Finding, state: AcceptState, options: AcceptChoices, depth: number): Outcome {
  const found = expiredExceptionOf(finding, state);
  if (found === undefined) return { refusal: `no expired exception of the baseline covers ${finding.key} in ${finding.environment}` };
  const { exception, without } = found;
  if (options.extend !== undefined) return { changes: [{ kind: 'extend-exception', exception, expires: options.extend }] };

  const before = new Map(state.findings.map((candidate) => [candidate.id, JSON.stringify(candidate)]));
  const after = new Map(without.findings.map((candidate) => [candidate.id, JSON.stringify(candidate)]));
  const alsoCovers = state.findings.filter((other) => other.id !== finding.id && after.get(other.id) !== before.get(other.id)).map((other) => other.id);
  // What the exception stood for: the finding this key would be without it (another expired
  // exception keeps the id, so that one counts too).
  const deviations = without.findings.filter(
    (candidate) =>
      candidate.environment === finding.environment &&
      candidate.key === finding.key &&
      candidate.application === finding.application &&
      (candidate.id === finding.id || !before.has(candidate.id)),
  );
  const changes: AcceptChange[] = [{ kind: 'remove-exception', exception, alsoCovers }];
  for (const deviation of deviations) {
    if (depth <= 0) return { refusal: `the exceptions covering ${finding.key} in ${finding.environment} could not be unwound` };
    const outcome = planFinding(deviation, without, options, depth - 1);
    if ('refusal' in outcome) {
      return {
        refusal:
          deviation.type === 'version'
            ? 'only an exception can allow this image: extend it with --extend YYYY-MM-DD (or give --owner, --reason and --expires for a new one)'
            : outcome.refusal,
      };
    }
    changes.push(...outcome.changes);
  }
  return { changes };
}

/**
 * The expired exception that made `finding` what it is. The engine itself is the oracle: of the
 * expired exceptions covering the key there (in the engine's order), the first whose removal
 * changes the finding. So the match (type-aware values, image tags) is never re-implemented here.
 */
function expiredExceptionOf(finding: Finding, state: AcceptState): { readonly exception: ExceptionSpec; readonly without: AcceptState } | undefined {
  const environment = state.baseline.environments.find((candidate) => candidate.name === finding.environment);
  if (environment === undefined) return undefined;
  const candidates = (indexExceptions(state.baseline.exceptions, state.now).get(finding.key) ?? []).filter(
    (candidate) =>
      !candidate.active &&
      exceptionCovers(candidate.spec, environment) &&
      (candidate.spec.application === undefined || candidate.spec.application === finding.application),
  );
  const shown = JSON.stringify(finding);
  for (const candidate of candidates) {
    const without = withoutException(state, candidate.spec);
    const after = without.findings.find((other) => other.id === finding.id);
    if (after === undefined || JSON.stringify(after) !== shown) return { exception: candidate.spec, without };
  }
  return undefined;
}

function withoutException(state: AcceptState, exception: ExceptionSpec): AcceptState {
  const baseline: Baseline = { ...state.baseline, exceptions: state.baseline.exceptions.filter((candidate) => candidate !== exception) };
  const { findings } = analyse({ baseline, snapshots: state.snapshots, now: state.now });
  return { ...state, baseline, findings };
}

/**
 * An expired exception is removed only when every finding it still speaks for is accepted in the
 * same run; otherwise it stays (still expired) for them, and this finding is resolved by the
 * declaration alone.
 */
function keepNeededRemovals(accepted: readonly PlannedAccept[]): PlannedAccept[] {
  const ids = new Set(accepted.map((planned) => planned.finding.id));
  return accepted.map((planned) => ({
    finding: planned.finding,
    changes: planned.changes.filter((change) => change.kind !== 'remove-exception' || change.alsoCovers.every((id) => ids.has(id))),
  }));
}
