import type { ShownValue } from '../../engine/model.js';

/** What every report prints in place of a secret value. */
export const SECRET_TEXT = '[secret]';

/**
 * The text a report prints for a value: `.text` as the engine redacted it, or `[secret]`.
 *
 * The engine already redacts secrets; printing `[secret]` whatever a secret's text says is defence in
 * depth, so a redaction slip upstream can never put a secret into a report, an S3 object or a PR comment.
 */
export function shownText(value: ShownValue): string {
  return value.secret ? SECRET_TEXT : value.text;
}

/** A `ShownValue` safe to serialise: a secret's text is always `[secret]` (see {@link shownText}). */
export function redactShownValue(value: ShownValue): ShownValue {
  return value.secret ? { text: SECRET_TEXT, secret: true } : { text: value.text, secret: false };
}

/** `production-eu 10`, one per environment compared, by name; a value held back shows as `[secret]`. */
export function comparedPairs(comparedWith: Readonly<Record<string, ShownValue>>): string[] {
  return Object.keys(comparedWith)
    .sort()
    .map((env) => {
      const value = comparedWith[env];
      return `${env} ${value === undefined ? SECRET_TEXT : shownText(value)}`;
    });
}
