import { createHash } from 'node:crypto';
import type { Finding, ShownValue } from '../model.js';
import { redactShownValue } from './redact-finding.js';

/**
 * A stable hash of what makes two sightings of a finding "the same drift": its type, severity,
 * expected and actual values, and the winning provenance's location and version.
 *
 * Messages, fix hints and change times are left out on purpose: rewording a message or a clock tick
 * must not re-alert. The version is in, so a rotated secret (same `[secret]` text, new version) is
 * a change. Values are hashed after redaction, so the fingerprint never encodes a secret, and the
 * digest (not the text) is what history stores. sha256 from `node:crypto`: pure, no I/O.
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
    winner?.version ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
