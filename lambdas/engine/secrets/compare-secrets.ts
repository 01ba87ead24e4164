import type { Observation } from '../model.js';
import { fingerprintSecret, isProcessFingerprint, sameSecret } from './fingerprint.js';

/**
 * True when a secret observation's value certainly differs from a value the baseline declares (a
 * setting that is not secret itself, whose live value turned out secret-shaped): both fingerprinted
 * under this process's key and unequal. False when they are equal or it cannot be told (no
 * fingerprint, or one from a snapshot written elsewhere), so an unknown never becomes a finding.
 */
export function secretDiffersFrom(observation: Observation, declared: string): boolean {
  const value = observation.value;
  if (value.kind !== 'secret' || value.fingerprint === undefined || !isProcessFingerprint(value.fingerprint)) return false;
  return fingerprintSecret(declared) !== value.fingerprint;
}

/** The comparison token of a secret observation: its fingerprint, or undefined when it only has presence. */
export function secretToken(observation: Observation): string | undefined {
  const value = observation.value;
  return value.kind === 'secret' && value.fingerprint !== undefined ? `\u0000secret:${value.fingerprint}` : undefined;
}

/** A parity group member as the fingerprint comparison sees it. */
export interface SecretMember {
  readonly winner: Observation | undefined;
  readonly secret: boolean;
  canonical: string;
}

/**
 * Compares the secret members of one parity group by fingerprint (same secret equal, a different one
 * a difference) when every one of them has a fingerprint under the same key; otherwise leaves them
 * all compared by presence (`present`), as secrets whose value was never read are. All or nothing:
 * with one member known by presence only, "equal" would not be transitive and the reference would
 * depend on who was read how.
 */
export function compareSecretsByFingerprint(members: readonly SecretMember[], present: string): void {
  let first: string | undefined;
  for (const member of members) {
    if (!member.secret || member.winner === undefined) continue;
    const value = member.winner.value;
    const fingerprint = value.kind === 'secret' ? value.fingerprint : undefined;
    if (fingerprint === undefined) return;
    if (first === undefined) first = fingerprint;
    else if (sameSecret(first, fingerprint) === undefined) return;
  }
  if (first === undefined) return;
  for (const member of members) {
    if (member.secret && member.winner !== undefined) member.canonical = secretToken(member.winner) ?? present;
  }
}
