import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../../lambdas/engine/baseline/parse-baseline.js';
import type { Baseline, Observation } from '../../../lambdas/engine/model.js';
import { fanOutRunPrefix, targetResultKeyOf, targetStateKeyOf } from '../../../lambdas/fanout/fanout-layout.js';
import { fanOutStepOf } from '../../../lambdas/fanout/fanout-step.js';
import { planTargets, targetBaseline } from '../../../lambdas/fanout/fanout-targets.js';
import { failedTargetStatus, parseTargetResult, withoutFingerprints } from '../../../lambdas/fanout/target-result.js';
import { AwsClientFactory } from '../../../lambdas/sources/aws/aws-client-factory.js';

const BASELINE = `
environments:
  production-eu:
    tier: production
    account: "111111111111"
    region: eu-west-1
    sources:
      ssm: [{ path: /production-eu/api/ }, { path: /production-eu/worker/ }]
      eks: [{ cluster: prod-eu, namespaces: [api] }]
  staging-us:
    tier: staging
    account: "222222222222"
    region: us-east-1
    sources:
      ssm: [{ path: /staging-us/api/ }]
settings:
  LOG_LEVEL: { value: warn }
`;

function baseline(): Baseline {
  const parsed = parseBaseline([{ name: 'baseline.yaml', text: BASELINE }]);
  if (!parsed.ok) throw new Error('fixture baseline does not parse');
  return parsed.baseline;
}

describe('Function: planTargets', () => {
  it('lists one target per declared live source, in declaration order, with the id and layers its read reports', () => {
    // Act
    const targets = planTargets(baseline(), { factory: new AwsClientFactory() });

    // Assess
    expect(targets.map((target) => [target.key, target.sourceId, target.layers])).toEqual([
      ['production-eu/000', 'ssm:eu-west-1:/production-eu/api/', ['ssm']],
      ['production-eu/001', 'ssm:eu-west-1:/production-eu/worker/', ['ssm']],
      ['production-eu/002', 'eks:prod-eu/api', ['env', 'configmap', 'secret', 'workload']],
      ['staging-us/000', 'ssm:us-east-1:/staging-us/api/', ['ssm']],
    ]);
  });

  it("splits an account and region's request budget between the targets reading it at once", () => {
    // Act
    const shares = planTargets(baseline(), { factory: new AwsClientFactory() }).map((target) => target.budgetShare);

    // Assess: three targets read 111111111111 in eu-west-1; staging reads its own account alone.
    expect(shares).toEqual([1 / 3, 1 / 3, 1 / 3, 1]);
  });
});

describe('Function: targetBaseline', () => {
  it("keeps the target's environment with only the target's source, and everything else of the baseline", () => {
    // Prepare
    const full = baseline();
    const [, worker] = planTargets(full, { factory: new AwsClientFactory() });

    // Act
    const { baseline: only } = targetBaseline(full, worker!);

    // Assess
    expect(only.environments.map((environment) => [environment.name, environment.sources])).toEqual([['production-eu', [full.environments[0]?.sources[1]]]]);
    expect(only.settings).toBe(full.settings);
  });

  it('refuses a target the baseline does not declare, naming it', () => {
    const [first] = planTargets(baseline(), { factory: new AwsClientFactory() });
    expect(() => targetBaseline(baseline(), { ...first!, sourceIndex: 7 })).toThrow('target production-eu/000 names source 7 of environment production-eu');
  });
});

describe('Function: failedTargetStatus', () => {
  const [target] = planTargets(baseline(), { factory: new AwsClientFactory() });

  it.each([
    ['States.Timeout', 'collector-timeout'],
    ['Sandbox.Timedout', 'collector-timeout'],
    ['Runtime.OutOfMemory', 'collector-failed'],
    [undefined, 'collector-missing'],
  ])('reports the error %s as %s, under the id and layers of the source', (error, code) => {
    expect(failedTargetStatus(target!, error)).toMatchObject({
      id: 'ssm:eu-west-1:/production-eu/api/',
      kind: 'ssm',
      layers: ['ssm'],
      status: 'error',
      error: { code },
    });
  });
});

describe('Function: withoutFingerprints', () => {
  it("drops a secret's fingerprint, which cannot be compared outside the process that made it, and keeps the rest", () => {
    // Prepare
    const provenance = { source: 'ssm', layer: 'ssm', location: '/p/db/url' } as const;
    const observations: Observation[] = [
      { key: 'DB_URL', value: { kind: 'secret', fingerprint: 'abcd1234.xyz', detected: 'connection-string-password' }, provenance },
      { key: 'LOG_LEVEL', value: { kind: 'plain', value: 'warn' }, provenance },
    ];

    // Act / Assess
    expect(withoutFingerprints(observations).map((observation) => observation.value)).toEqual([
      { kind: 'secret', detected: 'connection-string-password' },
      { kind: 'plain', value: 'warn' },
    ]);
  });
});

describe('Module: fanout-layout', () => {
  it('gives a scheduled run and its redelivery one prefix, and another scheduled time another', () => {
    const key = 'arn:aws:scheduler:eu-west-1:123456789012:schedule/default/drift-audit#2026-12-01T10:00:00Z';
    expect(fanOutRunPrefix('reports/', key)).toBe(fanOutRunPrefix('reports/', key));
    expect(fanOutRunPrefix('reports/', key)).toMatch(/^reports\/fanout\/default_drift-audit_2026-12-01T10_00_00Z-[0-9a-f]{12}\/$/);
    expect(fanOutRunPrefix('reports/', key.replace('10:00', '11:00'))).not.toBe(fanOutRunPrefix('reports/', key));
  });

  it('keeps a target state by environment and source id, whatever its position in the baseline', () => {
    const [first] = planTargets(baseline(), { factory: new AwsClientFactory() });
    const moved = { ...first!, sourceIndex: 5, key: 'production-eu/005' };
    expect(targetStateKeyOf('state/', first!)).toBe(targetStateKeyOf('state/', moved));
    expect(targetResultKeyOf({ bucket: 'b', prefix: 'reports/fanout/run/' }, first!)).toBe('reports/fanout/run/targets/production-eu/000.json');
  });
});

describe('Function: fanOutStepOf', () => {
  it('tells the plan and final steps from a scheduled event', () => {
    expect(fanOutStepOf({ source: 'drift-audit.schedule', scheduledTime: '2026-12-01T10:00:00Z' })).toBeUndefined();
    expect(fanOutStepOf({ fanOut: 'plan', event: {}, execution: 'arn:x' })?.fanOut).toBe('plan');
  });

  it('refuses a final step without its plan, saying what the state machine passes', () => {
    expect(() => fanOutStepOf({ fanOut: 'finish', event: {}, execution: 'arn:x' })).toThrow('fan-out finish event without its plan');
  });
});

describe('Function: parseTargetResult', () => {
  it('reads a failure record, and refuses what is not a target result', () => {
    const target = { key: 'k' };
    expect(parseTargetResult(JSON.stringify({ schema: 'drift-audit.fanout-target/1', target, failure: { error: 'States.Timeout' } }))).toMatchObject({
      failure: { error: 'States.Timeout' },
    });
    expect(parseTargetResult(JSON.stringify({ schema: 'other/1', target }))).toBeUndefined();
    expect(parseTargetResult('{not json')).toBeUndefined();
    expect(parseTargetResult(undefined)).toBeUndefined();
  });
});
