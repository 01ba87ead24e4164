import { createHash } from 'node:crypto';
import type { Finding, Provenance, ShownValue } from '../model.js';
import { redactShownValue } from './redact-finding.js';

/**
 * A stable hash of what makes two sightings of a finding "the same drift": its type, severity,
 * expected and actual values, the winning provenance's location, and its version only where the
 * version is the sole signal of a change (see {@link fingerprintVersion}).
 *
 * Messages, fix hints and change times are left out on purpose: rewording a message or a clock tick
 * must not re-alert. Neither does a version that moved while the value did not (an SSM overwrite
 * with the same value, a Deployment's resourceVersion after a scale or a restart). Values are hashed
 * after redaction, so the fingerprint never encodes a secret, and the digest (not the text) is what
 * history stores. sha256 from `node:crypto`: pure, no I/O.
 */
export function fingerprintFinding(finding: Finding): string {
  const shown = (value: ShownValue | undefined): readonly [string, boolean] | null => {
    if (value === undefined) return null;
    const redacted = redactShownValue(value);
    return [redacted.text, redacted.secret];
  };
  const winner = finding.provenance[0];
  const canonical = JSON.stringify([
    finding.type,
    finding.severity,
    shown(finding.expected),
    shown(finding.actual),
    winner?.location ?? null,
    winner === undefined ? null : (fingerprintVersion(finding, winner) ?? null),
    // A finding with no single live value (a group that disagrees) changes when any member's value does.
    ...(finding.actual === undefined && finding.comparedWith !== undefined
      ? [Object.entries(finding.comparedWith).map(([environment, value]) => [environment, shown(value)])]
      : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The winning provenance's version when it tells a change the shown values cannot: the live value is
 * a secret (shown as `[secret]` whatever it holds), so a new version of it (a rotated SecureString) is
 * the only way to see it changed. Undefined otherwise: a plain value speaks for itself, and a version
 * bump without a new value is not new drift.
 *
 * Never a Kubernetes version: there it is the object's `metadata.resourceVersion`, which moves on
 * every write to the workload (scaling, a rollout restart, a status update) and says nothing about
 * the one value the finding is about.
 */
export function fingerprintVersion(finding: Pick<Finding, 'actual'>, winner: Provenance): string | undefined {
  if (finding.actual?.secret !== true) return undefined;
  if (winner.source === 'kubernetes') return undefined;
  return winner.version;
}
