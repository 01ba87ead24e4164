import type { SecretFormat } from './secret-format.js';
import { SECRET_FORMATS } from './secret-format.js';

/**
 * How every value drift-audit withholds from a file it writes starts. The sources read
 * `[redacted by drift-audit]` (a value withheld because its key is secret) as a present secret; the
 * longer form written for a value withheld because of its shape also carries the format and a
 * fingerprint, `[redacted by drift-audit: jwt 1a2b3c4d.<22 base64url>]`, so an offline scan of the
 * snapshot still tells two environments holding the same secret from two holding different ones.
 */
export const REDACTION_PREFIX = '[redacted by drift-audit';

const MARKER = /^\[redacted by drift-audit(?:: ([a-z0-9-]+) ([0-9a-f]{8}\.[A-Za-z0-9_-]{22}))?\]$/;

/** What a marker says of the value it replaced. */
export interface RedactionMarker {
  readonly format?: SecretFormat;
  /** `<key id>.<digest>` under the key of the write that produced the snapshot. */
  readonly fingerprint?: string;
}

/** The marker written in place of a secret-shaped value. */
export function redactionMarker(format: SecretFormat, fingerprint: string): string {
  return `${REDACTION_PREFIX}: ${format} ${fingerprint}]`;
}

/**
 * Reads a marker; undefined when `value` is not exactly one. A value that merely contains one (an
 * expanded `$(VAR)` reference) is still secret (see `detectSecret`) but has no usable fingerprint.
 */
export function parseRedactionMarker(value: string): RedactionMarker | undefined {
  const match = MARKER.exec(value);
  if (match === null) return undefined;
  const format = match[1];
  const fingerprint = match[2];
  return {
    ...(format !== undefined && Object.hasOwn(SECRET_FORMATS, format) ? { format: format as SecretFormat } : {}),
    ...(fingerprint === undefined ? {} : { fingerprint }),
  };
}
