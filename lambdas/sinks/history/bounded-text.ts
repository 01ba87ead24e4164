import { createHash } from 'node:crypto';

/**
 * Fields never shortened by {@link boundStrings}: they identify a finding (its id, its key) and are
 * what history is keyed and queried by. The engine keeps them short.
 */
const IDENTITY_FIELDS: ReadonlySet<string> = new Set(['id', 'findingId', 'key', 'environment', 'fingerprint']);

/** The smallest budget a preview makes sense in: the marker alone takes about 140 bytes. */
export const MIN_PREVIEW_BYTES = 256;
/** What one value may take in history and in alerts before it becomes a preview with its length and SHA-256. */
export const VALUE_PREVIEW_BYTES = 1024;

/**
 * `text` when it is at most `maxBytes` of UTF-8; else its first characters followed by a marker with
 * the full length and the SHA-256 of the whole text, all within `maxBytes`:
 * `route /api/v1/orders/0 -> ...… [truncated: 1048576 bytes, sha256 3f2a…]`.
 *
 * The fingerprint tells two big values apart (or the same one seen again) without storing either;
 * the full value stays in the run's S3 report. Callers pass text already redacted: a secret's text is
 * `[secret]` and never needs this.
 */
export function previewText(text: string, maxBytes: number): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;
  const marker = `… [truncated: ${bytes} bytes, sha256 ${createHash('sha256').update(text).digest('hex')}]`;
  const budget = Math.max(0, Math.max(maxBytes, MIN_PREVIEW_BYTES) - Buffer.byteLength(marker));
  return `${utf8Prefix(text, budget)}${marker}`;
}

/**
 * A copy of a JSON-like value with every string longer than `maxBytes` replaced by its
 * {@link previewText}, except identity fields (`id`, `findingId`, `key`, `environment`,
 * `fingerprint`). Objects and arrays are copied; other values are kept. Used on findings, states and
 * transitions before they are stored or sent, so no single value (a 1 MiB ConfigMap entry, a command
 * that embeds it) can make an item or a message too big.
 */
export function boundStrings<T>(value: T, maxBytes: number): T {
  return bound(value, maxBytes, undefined) as T;
}

function bound(value: unknown, maxBytes: number, field: string | undefined): unknown {
  if (typeof value === 'string') return field !== undefined && IDENTITY_FIELDS.has(field) ? value : previewText(value, maxBytes);
  if (Array.isArray(value)) return value.map((item) => bound(item, maxBytes, undefined));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, bound(inner, maxBytes, name)]));
  }
  return value;
}

/** The longest prefix of `text` that is at most `maxBytes` of UTF-8, never splitting a character. */
function utf8Prefix(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    const size = Buffer.byteLength(character);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += character.length;
  }
  return text.slice(0, end);
}
