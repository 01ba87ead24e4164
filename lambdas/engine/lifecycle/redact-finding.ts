import type { Finding, ShownValue } from '../model.js';

/** The only text a secret value is ever shown, stored or hashed as. */
export const SECRET_PLACEHOLDER = '[secret]';

/** A shown value with its text replaced by `[secret]` when it is flagged secret. */
export function redactShownValue(value: ShownValue): ShownValue {
  return value.secret && value.text !== SECRET_PLACEHOLDER ? { text: SECRET_PLACEHOLDER, secret: true } : value;
}

/**
 * The finding with every secret-flagged value (`expected`, `actual`, `comparedWith`) rendered as
 * `[secret]`.
 *
 * The engine already redacts; this is the second lock on the door, applied where findings leave the
 * engine for good (history, alerts), so one engine bug cannot put a secret into DynamoDB or Slack.
 * Returns the same object when nothing needed redacting, so the common case allocates nothing.
 */
export function redactFinding(finding: Finding): Finding {
  const leaks = (v: ShownValue | undefined): boolean => v?.secret === true && v.text !== SECRET_PLACEHOLDER;
  const compared = finding.comparedWith;
  const comparedLeaks = compared !== undefined && Object.values(compared).some(leaks);
  if (!leaks(finding.expected) && !leaks(finding.actual) && !comparedLeaks) return finding;
  return {
    ...finding,
    ...(finding.expected === undefined ? {} : { expected: redactShownValue(finding.expected) }),
    ...(finding.actual === undefined ? {} : { actual: redactShownValue(finding.actual) }),
    ...(compared === undefined
      ? {}
      : {
          comparedWith: Object.fromEntries(Object.entries(compared).map(([environment, value]) => [environment, redactShownValue(value)])),
        }),
  };
}
