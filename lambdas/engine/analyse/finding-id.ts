import type { FindingType } from '../model.js';

/**
 * The stable id of a finding: `type:scope:key` (`changed:production-us:DB_TIMEOUT`,
 * `source-error:production-eu:ssm:eu-west-1:/production-eu/api/`,
 * `version:staging-us:api/deployment/api-server/app`).
 *
 * Stable across runs because history, alert de-duplication and `baseline accept <id>` key on it:
 * it holds only names, never a value, so a changed value keeps the same id.
 */
export function findingId(type: FindingType, scope: string, key: string): string {
  return `${type}:${scope}:${key}`;
}
