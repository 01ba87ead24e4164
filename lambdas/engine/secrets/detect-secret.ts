import { credentialFormat } from './url-credentials.js';
import { knownTokenFormat } from './known-tokens.js';
import { decodesToText, isRandomToken, MIN_RANDOM_TOKEN_LENGTH } from './random-token.js';
import { REDACTION_PREFIX } from './redaction-marker.js';
import type { SecretFormat } from './secret-format.js';

/** Shortest value that can hold a credential of any recognised shape (`a://b:c@d`, `pwd=x;y`). */
const MIN_SECRET_LENGTH = 8;

/** Every known token format is at least this long (an AWS access key id is 20). */
const MIN_TOKEN_LENGTH = 20;

// What one pass over the characters learns, so each detector runs only where it could match.
const HAS_AT = 1;
const HAS_EQUALS = 2;
const HAS_SPACE = 4;
const HAS_BRACKET = 8;
const HAS_LOWER = 16;
const HAS_UPPER = 32;
const HAS_DIGIT = 64;
/** A character outside the base64/base64url alphabet: not a random token. */
const NOT_TOKEN = 128;

/**
 * The secret shape `value` has, or undefined for an ordinary value. Synchronous, pure and cheap: the
 * engine calls it on every plain value it is given, so one pass over the characters decides which of
 * the detectors below can apply at all, and a short ordinary value (most configuration) costs that
 * pass alone.
 *
 * In order: a drift-audit redaction marker; a known token format (AWS, GitHub, GitLab, Slack, Stripe,
 * Google, SendGrid, npm, OpenAI/Anthropic, PEM private keys, JWTs) anywhere in the value; credentials
 * in URLs and connection strings (userinfo passwords, Sentry DSN keys, tokens in userinfo or query,
 * `password=`, Authorization values); a random-looking token ({@link isRandomToken}), unless it is
 * base64 of text, which is secret only when that text holds one of the shapes above. What is
 * deliberately *not* secret is documented on each part; the labelled table in
 * `test/lambdas/engine/secrets/secrets-detect.test.ts` is the specification.
 */
export function detectSecret(value: string): SecretFormat | undefined {
  const length = value.length;
  if (length < MIN_SECRET_LENGTH) return undefined;
  const flags = scan(value);
  if ((flags & HAS_BRACKET) !== 0 && value.includes(REDACTION_PREFIX)) return 'redacted';
  if (length >= MIN_TOKEN_LENGTH) {
    const token = knownTokenFormat(value);
    if (token !== undefined) return token;
  }
  if ((flags & (HAS_AT | HAS_EQUALS | HAS_SPACE)) !== 0) {
    const credential = credentialFormat(value);
    if (credential !== undefined) return credential;
  }
  if (length < MIN_RANDOM_TOKEN_LENGTH || (flags & NOT_TOKEN) !== 0) return undefined;
  const text = decodesToText(value);
  if (text !== undefined) {
    // One level only: base64 of an encoded config is config, base64 of a key or a DSN is a secret.
    return knownTokenFormat(text) !== undefined || credentialFormat(text) !== undefined ? 'base64-secret' : undefined;
  }
  const mixed = HAS_LOWER | HAS_UPPER | HAS_DIGIT;
  return (flags & mixed) === mixed && isRandomToken(value) ? 'high-entropy' : undefined;
}

function scan(value: string): number {
  let flags = 0;
  for (let i = 0; i < value.length; i += 1) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) flags |= HAS_LOWER;
    else if (c >= 65 && c <= 90) flags |= HAS_UPPER;
    else if (c >= 48 && c <= 57) flags |= HAS_DIGIT;
    else if (c === 61) flags |= HAS_EQUALS;
    else if (c === 43 || c === 47 || c === 95 || c === 45) continue;
    else if (c === 64) flags |= HAS_AT | NOT_TOKEN;
    else if (c === 32 || c === 9 || c === 10) flags |= HAS_SPACE | NOT_TOKEN;
    else if (c === 91) flags |= HAS_BRACKET | NOT_TOKEN;
    else flags |= NOT_TOKEN;
  }
  return flags;
}
