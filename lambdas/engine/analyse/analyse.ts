import type { AuditResult, Baseline, Finding, Snapshot } from '../model.js';
import { withSecretsDetected } from '../secrets/detect-observations.js';
import { createAuditContext } from './audit-context.js';
import { declaredFedParameter } from './fed-parameter.js';
import { auditEnvironment } from './audit-environment.js';
import { auditParity } from './audit-parity.js';
import { collapseAbsentParts } from './absent-parts.js';
import { secretVersionFindings } from './rules/secret-version.js';
import { sourceErrorFinding } from './rules/source-error.js';
import { staleFindings } from './rules/stale.js';
import { versionFindings } from './rules/version.js';
import { compareFindings, countFindings } from './sort-findings.js';

/** With several applications in the estate, a message starts with the application it is about. */
function nameApplications(findings: Finding[]): void {
  for (const [index, finding] of findings.entries()) {
    if (finding.application !== undefined) findings[index] = { ...finding, message: `${finding.application}: ${finding.message}` };
  }
}

/** What one audit is computed from. */
export interface AnalyseInput {
  readonly baseline: Baseline;
  /** One or more per environment (merged); environments without one are not audited. */
  readonly snapshots: readonly Snapshot[];
  /** The injected clock: decides which exceptions are still active. */
  readonly now: Date;
}

/**
 * Compares the live estate with the baseline and returns every finding, sorted worst first.
 * Pure and deterministic: the same baseline, snapshots and clock give the same result whatever order
 * sources reported their observations in, and the inputs are never mutated.
 *
 * Semantics, per audited environment and key:
 * - **Effective value**: the observation in the highest layer of the environment's precedence
 *   (layers not listed rank lowest); several in that layer resolve to the first by location, and the
 *   disagreement is reported as `shadowed`.
 * - **Expected value**: `perEnvironment[env]` ?? `perTier[tier]` ?? `value`; `null` = must be absent.
 *   Compared type-aware (integer/number numerically, booleans as true/false/1/0/yes/no, durations by
 *   length), else as exact strings. Secret keys (a declared setting's own `secret`, whatever its
 *   name; `{kind:'secret'}` observations; undeclared keys with secret-looking names) are never
 *   compared by value: presence only, shown as `[secret]`. A plain value whose *shape* is secret
 *   (see `withSecretsDetected`) becomes a secret observation first and is compared by keyed
 *   fingerprint: same secret equal, a different one still a difference, the value never shown.
 * - `changed`: effective differs from expected (or present where it must be absent).
 * - `invalid`: the effective value breaks the constraints (global, tier-scoped, environment-scoped);
 *   replaces `changed`, at least `high`.
 * - `missing`: a required setting with a non-null expectation held by no source, only in environments
 *   whose every source was read.
 * - `unmanaged`: an undeclared live key not matched by `ignore`, when the policy is `report`.
 * - `shadowed`: a hidden observation holds a different value (`low`, `medium` if out of band).
 * - `secret-version`: a SecureString environments should share is at different SSM versions
 *   (`info`; see `secretVersionFindings`).
 * - `parity`, `version`: compared across environments (see `auditParity`, `versionFindings`). A
 *   parity group any of whose members' value is unknown (a failed source) is not judged at all.
 *   Image tags are compared across all environments, within a tier, or not at all
 *   (`baseline.images.parity`); `ignore` and exceptions on `<workload>/<container>` apply to them.
 * - Exceptions: an active one whose value is live (or that has no value) silences the key in that
 *   environment; an expired one whose deviation is still live turns `changed` (or `parity`,
 *   `missing`, `unmanaged`) into `exception-expired`.
 * - `stale`: running pods lag their workload's current template (no rollout under way) or started
 *   before the ConfigMap key or SSM parameter feeding their env last changed (see `staleFindings`);
 *   a `secretKeyRef` variable the baseline declares `fed_from` a parameter counts as fed by it.
 * - `fed_from`: a plain env var whose value differs from the parameter feeding it is one `changed`
 *   (expected the parameter's value), never also a `shadowed` note or a second changed/parity finding.
 * - A failed source gives one `source-error`, no `missing` in its environment, and no
 *   changed/parity/shadowed/invalid for keys whose winning layer ranks at or below the failed layers.
 *
 * @throws UnknownEnvironmentError when a snapshot names an environment the baseline does not declare.
 */
export function analyse(input: AnalyseInput): AuditResult {
  const context = createAuditContext(input.baseline, withSecretsDetected(input.snapshots, input.baseline), input.now);
  const findings: Finding[] = [];
  const complete: string[] = [];
  const partial: string[] = [];
  for (const env of context.environments) {
    for (const source of env.sources) if (source.status !== 'ok') findings.push(sourceErrorFinding(env, source));
    auditEnvironment(context, env, findings);
    (env.complete ? complete : partial).push(env.spec.name);
  }
  auditParity(context, findings);
  collapseAbsentParts(context.absentParts, findings);
  for (const finding of secretVersionFindings(context)) findings.push(finding);
  const versions = versionFindings({
    environments: context.environments,
    severity: input.baseline.defaultSeverity,
    attribution: context.attribution,
    parity: input.baseline.images?.parity ?? 'all',
    ignore: context.ignore,
    exceptions: context.exceptions,
  });
  for (const finding of versions) findings.push(finding);
  const stale = staleFindings({
    environments: context.environments,
    severity: input.baseline.defaultSeverity,
    attribution: context.attribution,
    ignore: context.ignore,
    fedParameter: (env, application, variable) => declaredFedParameter(input.baseline, env.spec, application, variable),
  });
  for (const finding of stale) findings.push(finding);
  if (new Set(context.plans.list.map((plan) => plan.application)).size > 1) nameApplications(findings);
  findings.sort(compareFindings);
  return {
    findings,
    completeEnvironments: complete,
    partialEnvironments: partial,
    status: partial.length > 0 ? 'partial' : 'ok',
    counts: countFindings(findings),
  };
}
