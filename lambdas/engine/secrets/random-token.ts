/**
 * Shortest value judged by its randomness. Below this a Shannon estimate says little (16 random
 * characters score no higher than many identifiers), and most generated secrets are longer: AWS
 * secret access keys 40, GitHub tokens 40, Stripe keys 32+.
 */
export const MIN_RANDOM_TOKEN_LENGTH = 20;

/** Longest value judged: longer single tokens are key material (DER in base64) or data, never config words. */
const MAX_RANDOM_TOKEN_LENGTH = 8192;

/** Share of the best possible Shannon entropy (bits per character) a random token reaches. */
const ENTROPY_RATIO = 0.8;

/** A token whose letters mostly sit in lower-case words (`productCatalogService2`) is an identifier. */
const MAX_WORD_SHARE = 0.5;

/**
 * Public identifiers that look random: Cognito user pool ids (`eu-west-1_aB3dE5fG7`) and Stripe
 * publishable keys (`pk_live_...`, meant to be embedded in web pages).
 */
const PUBLIC_IDENTIFIER = /^(?:[a-z]{2}(?:-gov)?-[a-z]+-\d_[A-Za-z0-9]+|pk_(?:live|test)_[A-Za-z0-9]+)$/;

/**
 * True when `value` looks like a generated secret: a single token of at least
 * {@link MIN_RANDOM_TOKEN_LENGTH} characters drawn from the base64/base64url alphabet
 * (`[A-Za-z0-9+/=_-]`, `=` only as padding), holding lower-case letters, upper-case letters and
 * digits, whose Shannon entropy is at least 80% of the most its length allows
 * (`log2(min(length, 64))`), and that does not read as words (at most half of it in pronounceable
 * words, see {@link wordShare}). Measured on random base62 tokens this misses about one in a thousand
 * (plus those that happen to lack a character class: 3% at 20 characters, under 0.5% from 32).
 *
 * Deliberately not secret, because ordinary configuration has them and comparing them matters:
 * hexadecimal strings of any length (image digests, git commit ids, checksums, trace ids), UUIDs,
 * anything with `.`, `:`, `/` in a path position, spaces or commas (hostnames, URLs without
 * credentials, image references, durations, JVM flags, lists), lower-case-and-digit names
 * (Kubernetes names, `sg-0a1b2c3d4e5f67890`), camelCase identifiers, Cognito pool ids, and base64
 * that decodes to text (an encoded config or certificate; see {@link decodesToText}).
 */
export function isRandomToken(value: string): boolean {
  const length = value.length;
  if (length < MIN_RANDOM_TOKEN_LENGTH || length > MAX_RANDOM_TOKEN_LENGTH) return false;
  let lower = false;
  let upper = false;
  let digit = false;
  let hexOnly = true;
  let padding = false;
  for (let i = 0; i < length; i += 1) {
    const c = value.charCodeAt(i);
    if (c >= 97 && c <= 122) {
      lower = true;
      if (c > 102) hexOnly = false;
    } else if (c >= 65 && c <= 90) {
      upper = true;
      if (c > 70) hexOnly = false;
    } else if (c >= 48 && c <= 57) {
      digit = true;
    } else if (c === 61) {
      padding = true;
      continue;
    } else if (c === 43 || c === 47 || c === 95) {
      hexOnly = false;
    } else if (c === 45) {
      // `-` keeps hex hex: UUIDs and dashed checksums are identifiers.
    } else {
      return false;
    }
    // `=` is padding: nothing but more padding may follow it.
    if (padding) return false;
  }
  if (!lower || !upper || !digit || hexOnly) return false;
  if (value.startsWith('/') || PUBLIC_IDENTIFIER.test(value)) return false;
  if (shannonEntropy(value) < ENTROPY_RATIO * Math.log2(Math.min(length, 64))) return false;
  return wordShare(value) <= MAX_WORD_SHARE;
}

// Reused counts: the detector runs on every value of an audit, so entropy allocates nothing.
const COUNTS = new Uint16Array(128);

/** Bits per character of the value's own character distribution (ASCII values; others count as one symbol). */
export function shannonEntropy(value: string): number {
  const length = value.length;
  COUNTS.fill(0);
  for (let i = 0; i < length; i += 1) {
    const c = Math.min(value.charCodeAt(i), 127);
    COUNTS[c] = (COUNTS[c] as number) + 1;
  }
  let bits = 0;
  for (let c = 0; c < 128; c += 1) {
    const count = COUNTS[c] as number;
    if (count === 0) continue;
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Share of the value in words: letter runs of four or more that read as pronounceable (a vowel, and
 * never four consonants in a row), whether lower-case with the capital that starts them (`Catalog`
 * in `productCatalogService`) or all capitals (`CANARY`). Random tokens have letter runs too, but
 * rarely pronounceable ones (`xwmpgbdca`); identifiers are mostly made of words.
 */
function wordShare(value: string): number {
  const n = value.length;
  let inWords = 0;
  const word = (from: number, to: number): void => {
    if (to - from >= 4 && pronounceable(value, from, to)) inWords += to - from;
  };
  let i = 0;
  while (i < n) {
    if (isUpper(value.charCodeAt(i))) {
      let j = i + 1;
      while (j < n && isUpper(value.charCodeAt(j))) j += 1;
      if (j < n && isLower(value.charCodeAt(j))) {
        // `HTTPServer`: `HTTP` is one word, `Server` (its capital included) the next.
        let k = j;
        while (k < n && isLower(value.charCodeAt(k))) k += 1;
        word(i, j - 1);
        word(j - 1, k);
        i = k;
      } else {
        word(i, j);
        i = j;
      }
    } else if (isLower(value.charCodeAt(i))) {
      let k = i + 1;
      while (k < n && isLower(value.charCodeAt(k))) k += 1;
      word(i, k);
      i = k;
    } else {
      i += 1;
    }
  }
  return inWords / n;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

const VOWELS = new Set([97, 101, 105, 111, 117, 121]);

function pronounceable(value: string, start: number, end: number): boolean {
  let vowel = false;
  let consonants = 0;
  for (let i = start; i < end; i += 1) {
    if (VOWELS.has(value.charCodeAt(i) | 32)) {
      vowel = true;
      consonants = 0;
    } else if (++consonants >= 4) {
      return false;
    }
  }
  return vowel;
}

/**
 * The text a base64 (or base64url) value decodes to, when it is text: at least 95% printable ASCII,
 * tabs and newlines. Random key material decodes to bytes of which only about 37% are printable.
 * Undefined when the value is not base64 or decodes to binary.
 */
export function decodesToText(value: string): string | undefined {
  if (value.length < MIN_RANDOM_TOKEN_LENGTH || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined;
  const bytes = Buffer.from(value, /[-_]/.test(value) ? 'base64url' : 'base64');
  if (bytes.length === 0) return undefined;
  let printable = 0;
  for (const byte of bytes) if ((byte >= 32 && byte < 127) || byte === 9 || byte === 10 || byte === 13) printable += 1;
  return printable / bytes.length >= 0.95 ? bytes.toString('utf8') : undefined;
}
