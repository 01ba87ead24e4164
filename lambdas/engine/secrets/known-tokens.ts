import type { SecretFormat } from './secret-format.js';

interface TokenPattern {
  readonly format: SecretFormat;
  /** Matched anywhere in the value (a token inside `KEY=...` or a list still counts). */
  readonly pattern: RegExp;
  /** Second look at a match, for prefixes that ordinary values can share. */
  readonly verify?: (match: string) => boolean;
}

// A token starts and ends where no other letter or digit touches it, so `xAKIA...` or a longer word
// holding the prefix is not mistaken for one.
const B = '(?<![A-Za-z0-9])';
const E = '(?![A-Za-z0-9])';

/**
 * Token formats published by their issuers, each with a prefix no ordinary configuration value has:
 * AWS access key ids (AKIA long-term, ASIA temporary, ABIA/ACCA service-specific; 16 more upper-case
 * letters and digits), GitHub (`ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` + 36, `github_pat_`), GitLab
 * (`glpat-`), Slack (`xoxb-`/`xoxp-`/..., `xapp-`, webhook URLs), Stripe secret and restricted keys
 * (`sk_live_`/`rk_live_`, test keys too: they still authenticate; publishable `pk_` keys are public
 * and not matched), Google API keys (`AIza` + 35), SendGrid (`SG.` + 22 + `.` + 43), npm (`npm_` + 36),
 * OpenAI/Anthropic (`sk-` + 32 or more, letters of both cases and digits), PEM private keys (any
 * `-----BEGIN ... PRIVATE KEY-----` header, certificates and public keys are not secret), and JWTs
 * (three base64url segments whose first decodes to a JSON header naming its `alg`).
 */
const TOKEN_PATTERNS: readonly TokenPattern[] = [
  { format: 'aws-access-key-id', pattern: new RegExp(`${B}(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}${E}`) },
  { format: 'github-token', pattern: new RegExp(`${B}(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})${E}`) },
  { format: 'gitlab-token', pattern: new RegExp(`${B}glpat-[A-Za-z0-9_-]{20,}`) },
  { format: 'slack-token', pattern: new RegExp(`${B}(?:xox[abposre]-[A-Za-z0-9-]{10,}|xapp-\\d-[A-Za-z0-9-]{10,})`) },
  { format: 'slack-webhook', pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]{20,}/ },
  { format: 'stripe-secret-key', pattern: new RegExp(`${B}[sr]k_(?:live|test)_[A-Za-z0-9]{16,}${E}`) },
  { format: 'google-api-key', pattern: new RegExp(`${B}AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])`) },
  { format: 'sendgrid-api-key', pattern: new RegExp(`${B}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`) },
  { format: 'npm-token', pattern: new RegExp(`${B}npm_[A-Za-z0-9]{36}${E}`) },
  {
    format: 'openai-api-key',
    pattern: new RegExp(`${B}sk-[A-Za-z0-9_-]{32,}`),
    // `sk-` also starts ordinary names (`sk-some-long-kubernetes-resource-name`): a key mixes both cases and digits.
    verify: (match) => /[a-z]/.test(match) && /[A-Z]/.test(match) && /[0-9]/.test(match),
  },
  { format: 'private-key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { format: 'jwt', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/, verify: isJwt },
];

/**
 * One expression any of the formats above must match first: the common case (a value holding none of
 * the prefixes) costs one scan. The labelled table has a sample of every format, so a prefix missing here fails it.
 */
const ANY_PREFIX =
  /AKIA|ASIA|ABIA|ACCA|gh[pousr]_|github_pat_|glpat-|xox[abposre]-|xapp-|hooks\.slack\.com|[sr]k_(?:live|test)_|AIza|SG\.|npm_|sk-|PRIVATE KEY|eyJ/;

/** The known token format found anywhere in `value`, if any. */
export function knownTokenFormat(value: string): SecretFormat | undefined {
  if (!ANY_PREFIX.test(value)) return undefined;
  for (const { format, pattern, verify } of TOKEN_PATTERNS) {
    const match = pattern.exec(value);
    if (match !== null && (verify === undefined || verify(match[0]))) return format;
  }
  return undefined;
}

/** A compact JWS/JWE: its first segment is base64url of a JSON object naming an algorithm. */
function isJwt(token: string): boolean {
  const header = token.slice(0, token.indexOf('.'));
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && typeof (parsed as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}
