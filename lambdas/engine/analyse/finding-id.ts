import type { FindingType } from '../model.js';

/**
 * The stable id of a finding: `type:scope:application:key` (`changed:production-us:api:DB_TIMEOUT`),
 * or `type:scope:key` when it is about no one application (`missing:production-us:DB_TIMEOUT`,
 * `source-error:production-eu:ssm:eu-west-1:/production-eu/api/`,
 * `version:staging-us:api/deployment/api-server/app`).
 *
 * Stable across runs because history, alert de-duplication and `baseline accept <id>` key on it:
 * it holds only names, never a value, so a changed value keeps the same id.
 */
export function findingId(type: FindingType, scope: string, key: string, application?: string): string {
  return application === undefined ? `${type}:${scope}:${key}` : `${type}:${scope}:${application}:${key}`;
}
