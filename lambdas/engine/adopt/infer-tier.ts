/**
 * Tier names read off environment names, first match wins. Teams name environments after their tier
 * with a region or purpose suffix (`production-us`, `prod-eu`, `staging-2`); anything else is a tier of
 * its own, which `init` says in a comment so a person can regroup it.
 */
const TIER_PREFIXES: readonly (readonly [RegExp, string])[] = [
  [/^(production|prod|prd|live)([-_.]|$)/i, 'production'],
  [/^(staging|stage|stg|preprod|pre-prod)([-_.]|$)/i, 'staging'],
  [/^(development|dev)([-_.]|$)/i, 'development'],
  [/^(qa|test|testing|uat)([-_.]|$)/i, 'test'],
];

/** The tier an environment's name implies, or undefined when the name implies none. */
export function inferTier(environment: string): string | undefined {
  for (const [pattern, tier] of TIER_PREFIXES) if (pattern.test(environment)) return tier;
  return undefined;
}
