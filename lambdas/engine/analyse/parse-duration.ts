/** Milliseconds per duration unit. */
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
const BARE = /^\d+(?:\.\d+)?$/;

/** A parsed duration: a bare number (unit unknown) or a length in milliseconds. */
export type ParsedDuration = { readonly kind: 'bare'; readonly value: number } | { readonly kind: 'ms'; readonly value: number };

/**
 * Parses `60s`, `1m`, `60000ms`, `1h30m` (Go-style, units ms s m h d) or a bare number.
 *
 * A bare number keeps its own kind instead of being read as seconds: `60` and `60s` are not called
 * equal, because whether an application reads `60` as seconds or milliseconds is its own business
 * (`PAYMENT_GATEWAY_TIMEOUT_MS=3000`); bare numbers still compare numerically with bare numbers.
 * Returns undefined for anything else.
 */
export function parseDuration(text: string): ParsedDuration | undefined {
  if (BARE.test(text)) return { kind: 'bare', value: Number(text) };
  if (text.length === 0) return undefined;
  let total = 0;
  let index = 0;
  PART.lastIndex = 0;
  while (index < text.length) {
    PART.lastIndex = index;
    const match = PART.exec(text);
    if (match === null) return undefined;
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    index = PART.lastIndex;
  }
  return Number.isFinite(total) ? { kind: 'ms', value: total } : undefined;
}
