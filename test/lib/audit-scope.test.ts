import { describe, expect, it } from 'vitest';
import type { Baseline, EnvironmentSpec } from '../../lambdas/engine/model.js';
import { auditScopeFromBaseline, directScope, normalisePath, scopeForRole } from '../../lib/audit-scope.js';

const ROLE = 'arn:aws:iam::345678901234:role/drift-audit-read';

function environment(spec: Partial<EnvironmentSpec> & Pick<EnvironmentSpec, 'name'>): EnvironmentSpec {
  return { tier: 'production', precedence: ['file', 'env', 'configmap', 'secret', 'ssm'], sources: [], ...spec };
}

function baseline(environments: EnvironmentSpec[]): Baseline {
  return {
    environments,
    settings: new Map(),
    ignore: [],
    unmanaged: { policy: 'report', severity: 'medium' },
    exceptions: [],
    defaultSeverity: 'medium',
    attribution: { outOfBandManagers: [], pipelinePrincipals: [] },
    files: ['environments.yaml'],
  };
}

const ESTATE = baseline([
  environment({
    name: 'production-us',
    account: '123456789012',
    region: 'us-east-1',
    sources: [
      { kind: 'ssm', path: '/production-us/api/', keyStyle: 'env' },
      { kind: 'ssm', path: '/shared/flags', keyStyle: 'env', region: 'us-west-2' },
      { kind: 'eks', cluster: 'prod-us', namespaces: ['payments', 'api'], workloads: [] },
      { kind: 'file', path: 'production-us/ssm.json', keyStyle: 'env' },
    ],
  }),
  environment({
    name: 'canary-us',
    account: '123456789012',
    region: 'us-east-1',
    sources: [{ kind: 'eks', cluster: 'prod-us', namespaces: ['api', 'canary'], workloads: ['deployment/api'] }],
  }),
  environment({
    name: 'production-eu',
    region: 'eu-west-1',
    roleArn: ROLE,
    sources: [
      { kind: 'ssm', path: 'production-eu/api', keyStyle: 'relative' },
      { kind: 'eks', cluster: 'prod-eu', namespaces: ['api'], workloads: [] },
    ],
  }),
]);

describe('Function: auditScopeFromBaseline', () => {
  it('lists every SSM tree with the region and account it is read in, sorted, and skips file sources', () => {
    // Act
    const scope = auditScopeFromBaseline(ESTATE);

    // Assess
    expect(scope.ssm).toEqual([
      { path: '/production-us/api/', region: 'us-east-1', account: '123456789012', environments: ['production-us'] },
      { path: '/shared/flags/', region: 'us-west-2', account: '123456789012', environments: ['production-us'] },
      { path: '/production-eu/api/', region: 'eu-west-1', account: '345678901234', roleArn: ROLE, environments: ['production-eu'] },
    ]);
  });

  it('merges the namespaces of a cluster declared by several environments', () => {
    // Act
    const scope = auditScopeFromBaseline(ESTATE);

    // Assess
    expect(scope.clusters).toEqual([
      {
        name: 'prod-us',
        region: 'us-east-1',
        account: '123456789012',
        namespaces: ['api', 'canary', 'payments'],
        environments: ['canary-us', 'production-us'],
      },
      { name: 'prod-eu', region: 'eu-west-1', account: '345678901234', roleArn: ROLE, namespaces: ['api'], environments: ['production-eu'] },
    ]);
    expect(scope.roleArns).toEqual([ROLE]);
  });

  it("leaves region and account out when the baseline does not name them (the stack's own)", () => {
    // Prepare
    const local = baseline([environment({ name: 'dev', sources: [{ kind: 'ssm', path: '/dev/', keyStyle: 'env' }] })]);

    // Act
    const scope = auditScopeFromBaseline(local);

    // Assess
    expect(scope.ssm).toEqual([{ path: '/dev/', environments: ['dev'] }]);
    expect(scope.roleArns).toEqual([]);
  });

  it('gives the same scope whatever the order of environments and sources', () => {
    // Prepare
    const reversed = baseline([...ESTATE.environments].reverse().map((env) => ({ ...env, sources: [...env.sources].reverse() })));

    // Act / Assess
    expect(auditScopeFromBaseline(reversed)).toEqual(auditScopeFromBaseline(ESTATE));
  });
});

describe('Function: scopeForRole and directScope', () => {
  it('split the scope between what a member role reads and what the audit role reads itself', () => {
    // Prepare
    const scope = auditScopeFromBaseline(ESTATE);

    // Act
    const member = scopeForRole(scope, ROLE);
    const direct = directScope(scope);

    // Assess
    expect(member.ssm.map((entry) => entry.path)).toEqual(['/production-eu/api/']);
    expect(member.clusters.map((entry) => entry.name)).toEqual(['prod-eu']);
    expect(direct.ssm.map((entry) => entry.path)).toEqual(['/production-us/api/', '/shared/flags/']);
    expect(direct.clusters.map((entry) => entry.name)).toEqual(['prod-us']);
    expect(direct.roleArns).toEqual([]);
  });
});

describe('Function: normalisePath', () => {
  it.each([
    ['/a/b', '/a/b/'],
    ['a/b/', '/a/b/'],
    ['//a/b//', '/a/b/'],
    ['/', '/'],
    ['', '/'],
  ])('turns %j into %j', (input, expected) => {
    expect(normalisePath(input)).toBe(expected);
  });
});
