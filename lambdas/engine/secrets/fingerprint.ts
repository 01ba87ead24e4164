import { createHmac, randomBytes } from 'node:crypto';

/** A key secret values are fingerprinted under; fingerprints compare only under the same key. */
export interface FingerprintKey {
  /** Eight hex digits naming the key (random, says nothing about it) so fingerprints of different keys are never compared. */
  readonly id: string;
  readonly secret: Buffer;
}

/** A fresh random key, for one snapshot write. */
export function newFingerprintKey(): FingerprintKey {
  return { id: randomBytes(4).toString('hex'), secret: randomBytes(32) };
}

/**
 * The key of this process. Fingerprints made under it never leave the process (findings hold only
 * `[secret]`), so it is never stored and nobody can test guesses against them; the engine stays
 * deterministic because only the equality of two fingerprints is ever used, never their text.
 */
const PROCESS_KEY: FingerprintKey = newFingerprintKey();

/**
 * A keyed fingerprint of a secret value: `<key id>.<HMAC-SHA256 truncated to 128 bits, base64url>`.
 * Two equal values give the same fingerprint under one key, so environments holding the same secret
 * compare equal and a changed one differs, while the value stays unrecoverable: keyed rather than a
 * plain SHA-256, because a plain hash of a weak password (`amqp://guest:guest@...`) is a dictionary
 * lookup away from the password.
 */
export function fingerprintSecret(value: string, key: FingerprintKey = PROCESS_KEY): string {
  const digest = createHmac('sha256', key.secret).update(value, 'utf8').digest().subarray(0, 16).toString('base64url');
  return `${key.id}.${digest}`;
}

/**
 * Whether two fingerprints show the same value: true or false when both were made under the same
 * key, undefined when that cannot be told (either is absent, or they come from different keys: a
 * snapshot written by another run).
 */
export function sameSecret(a: string | undefined, b: string | undefined): boolean | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (a.slice(0, a.indexOf('.')) !== b.slice(0, b.indexOf('.'))) return undefined;
  return a === b;
}

/** True when the fingerprint was made in this process, so a value known here (a declared one) can be compared with it. */
export function isProcessFingerprint(fingerprint: string): boolean {
  return fingerprint.startsWith(`${PROCESS_KEY.id}.`);
}
