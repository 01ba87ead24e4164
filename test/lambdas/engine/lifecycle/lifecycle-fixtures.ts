import {
  FINDING_TYPES,
  type AuditResult,
  type Finding,
  type FindingType,
  type RunSummary,
  type Severity,
  type ShownValue,
  type SourceStatus,
} from '../../../../lambdas/engine/model.js';

/** The environments of the seeds' demo estate, with their regions. */
export const ENVIRONMENTS = ['production-eu', 'production-us', 'staging-us'] as const;
const REGION: Record<string, string> = { 'production-eu': 'eu-west-1', 'production-us': 'us-east-1', 'staging-us': 'us-east-1' };

/** A value no store, hash or alert may ever contain. */
export const SECRET_CANARY = 'canary-Zx9-do-not-leak-7f3a';

/**
 * A finding shaped as the engine makes them (id `type:environment:key`), overridable per test.
 * Defaults to seed 000's DB_TIMEOUT emergency fix in production-eu; `expected: undefined` or
 * `actual: undefined` gives a finding without that value.
 */
export function finding(
  overrides: Partial<Omit<Finding, 'id' | 'expected' | 'actual'>> & {
    type?: FindingType;
    environment?: string;
    key?: string;
    expected?: ShownValue | undefined;
    actual?: ShownValue | undefined;
  } = {},
): Finding {
  const { expected, actual, ...rest } = overrides;
  const type = overrides.type ?? 'changed';
  const environment = overrides.environment ?? 'production-eu';
  const key = overrides.key ?? 'DB_TIMEOUT';
  return {
    type,
    severity: 'high',
    environment,
    tier: environment.startsWith('production') ? 'production' : 'staging',
    region: REGION[environment] ?? 'eu-west-1',
    key,
    ...('expected' in overrides ? (expected === undefined ? {} : { expected }) : { expected: { text: '30', secret: false } }),
    ...('actual' in overrides ? (actual === undefined ? {} : { actual }) : { actual: { text: '120', secret: false } }),
    message: `${key} is 120 in ${environment}, baseline says 30`,
    provenance: [
      {
        source: 'ssm',
        layer: 'ssm',
        location: `/${environment}/api/${key}`,
        version: '3',
        changedBy: 'arn:aws:iam::123456789012:user/oncall',
      },
    ],
    fixes: {
      revert: { summary: 'put 30 back', command: `aws ssm put-parameter --name /${environment}/api/${key} --value 30 --overwrite` },
      accept: { summary: `declare the ${environment} value`, baselineEdit: { path: ['settings', key, 'environments', environment], value: '120' } },
    },
    ...rest,
    id: `${type}:${environment}:${key}`,
  };
}

/** An audit verdict holding `findings`, with every environment complete unless told otherwise. */
export function audit(findings: readonly Finding[], options: { complete?: readonly string[]; partial?: readonly string[] } = {}): AuditResult {
  const partial = options.partial ?? [];
  const complete = options.complete ?? ENVIRONMENTS.filter((environment) => !partial.includes(environment));
  const counts = Object.fromEntries(FINDING_TYPES.map((type) => [type, 0])) as Record<FindingType, number>;
  for (const f of findings) counts[f.type] += 1;
  return {
    findings,
    completeEnvironments: complete,
    partialEnvironments: partial,
    status: partial.length > 0 ? 'partial' : 'ok',
    counts,
  };
}

/** A source status, for coverage-aware reconciliation. */
export function source(id: string, status: 'ok' | 'error'): SourceStatus {
  return {
    id,
    kind: id.startsWith('eks') ? 'eks' : 'ssm',
    layers: id.startsWith('eks') ? ['env', 'configmap'] : ['ssm'],
    status,
    itemCount: status === 'ok' ? 10 : 0,
    ...(status === 'error' ? { error: { code: 'AccessDenied', message: `cannot read ${id}: AccessDenied` } } : {}),
  };
}

/** A run summary for `startedAt`, overridable per test. */
export function runSummary(runId: string, startedAt: string, overrides: Partial<RunSummary> = {}): RunSummary {
  const counts = Object.fromEntries(FINDING_TYPES.map((type) => [type, 0])) as Record<FindingType, number>;
  return {
    runId,
    startedAt,
    finishedAt: startedAt,
    status: 'ok',
    baselineVersion: 'v1',
    environments: [...ENVIRONMENTS],
    sources: [source('ssm:eu-west-1:/production-eu/api/', 'ok')],
    counts,
    transitions: { opened: 0, changed: 0, escalated: 0, resolved: 0 },
    apiCalls: {},
    ...overrides,
  };
}

/** Shorthand for a severity override. */
export function withSeverity(f: Finding, severity: Severity): Finding {
  return { ...f, severity };
}
