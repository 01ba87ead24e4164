import { FINDING_TYPES, type Finding, type FindingType, type RunSummary, type Transition } from '../../lambdas/engine/model.js';

/** A realistic finding (seed 000's DB_TIMEOUT emergency fix), overridable per test. */
export function sampleFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: 'changed:production-us:DB_TIMEOUT',
    type: 'changed',
    severity: 'high',
    environment: 'production-us',
    tier: 'production',
    region: 'us-east-1',
    account: '123456789012',
    key: 'DB_TIMEOUT',
    expected: { text: '10s', secret: false },
    actual: { text: '60s', secret: false },
    message: 'DB_TIMEOUT is 60s in production-us, baseline says 10s (changed by kubectl-set outside the pipeline on 2026-08-14)',
    provenance: [
      {
        source: 'kubernetes',
        layer: 'env',
        location: 'deployment/api-server container app',
        changedBy: 'kubectl-set',
        changedAt: '2026-08-14T02:07:31Z',
        outOfBand: true,
        region: 'us-east-1',
        target: { kind: 'workload-env', namespace: 'api', workload: 'deployment/api-server', container: 'app', variable: 'DB_TIMEOUT' },
      },
    ],
    fixes: {
      revert: { summary: 'put the baseline value back', command: "kubectl -n api set env deployment/api-server -c app 'DB_TIMEOUT=10s'" },
      accept: {
        summary: 'declare 60s as production-us value',
        baselineEdit: { path: ['settings', 'DB_TIMEOUT', 'environments', 'production-us'], value: '60s' },
      },
    },
    ...overrides,
  };
}

/** Zero counts for every finding type. */
export function zeroCounts(): Record<FindingType, number> {
  return Object.fromEntries(FINDING_TYPES.map((type) => [type, 0])) as Record<FindingType, number>;
}

/** A completed run summary, overridable per test. */
export function sampleRun(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    runId: 'run-2026-11-23T12:00:00Z',
    startedAt: '2026-11-23T12:00:00.000Z',
    finishedAt: '2026-11-23T12:00:09.000Z',
    status: 'ok',
    baselineVersion: 'v3LQ2zY1',
    environments: ['production-eu', 'production-us', 'staging-us'],
    sources: [{ id: 'ssm:us-east-1:/production-us/api/', kind: 'ssm', layers: ['ssm'], status: 'ok', itemCount: 12 }],
    counts: { ...zeroCounts(), changed: 1 },
    transitions: { opened: 1, changed: 0, escalated: 0, resolved: 0 },
    apiCalls: { 'us-east-1:SSM.GetParametersByPath': { calls: 2, throttled: 0 } },
    ...overrides,
  };
}

/** An `opened` transition of a finding. */
export function opened(finding: Finding, at = '2026-11-23T12:00:09.000Z'): Transition {
  return { kind: 'opened', finding, firstSeen: at, at };
}

/**
 * `count` opened transitions of findings `changed:env-<i % environments>:K<i>` (key `K<i>`), each
 * overridable by index: a large run for size and ordering tests.
 */
export function openedMany(count: number, environments: number, overrides: (index: number) => Partial<Finding> = () => ({})): Transition[] {
  return Array.from({ length: count }, (_, index) =>
    opened(
      sampleFinding({ id: `changed:env-${index % environments}:K${index}`, key: `K${index}`, environment: `env-${index % environments}`, ...overrides(index) }),
    ),
  );
}
