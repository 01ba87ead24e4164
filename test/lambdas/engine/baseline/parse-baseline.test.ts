import { describe, expect, it } from 'vitest';
import { parseBaseline, type BaselineParseResult } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import { formatBaselineIssue } from '../../../../lambdas/engine/baseline/baseline-issue.js';
import type { Baseline } from '../../../../lambdas/engine/model.js';
import { at, file } from './positions.js';

function expectOk(result: BaselineParseResult): Baseline {
  if (!result.ok) throw new Error(`expected a valid baseline, got:\n${result.issues.map((issue) => formatBaselineIssue(issue)).join('\n')}`);
  return result.baseline;
}

const ENVIRONMENTS = file(
  'environments.yaml',
  `# yaml-language-server: $schema=../schema/baseline.schema.json
environments:
  staging-us:
    tier: staging
  production-us:
    tier: production
  production-eu:
    tier: production
`,
);

const SEED_001 = file(
  'expected-env-diff.yaml',
  `# config/expected-env-diff.yaml
expected_differences:
  LOG_LEVEL:
    staging: debug
    production: warn
  RESOURCE_LIMITS_CPU:
    staging: "2"
    production: "8"
  PAYMENT_GATEWAY_URL:
    staging: "https://mock.payment.internal"
    production: "https://api.payment-provider.com"
`,
);

const FULL = file(
  'baseline.yaml',
  `# yaml-language-server: $schema=../schema/baseline.schema.json
version: 1
defaults:
  severity: medium
  precedence: [file, env, configmap, secret, ssm]
  unmanaged: report
  unmanaged_severity: low
attribution:
  out_of_band_managers: [kubectl-set, kubectl-edit]
  pipeline_principals: ["role/deploy-pipeline"]
environments:
  production-eu:
    tier: production
    account: "111122223333"
    region: eu-west-1
    role_arn: arn:aws:iam::111122223333:role/drift-audit-read
    precedence: [env, configmap, ssm]
    sources:
      ssm:
        - path: /production-eu/api/
          key_style: env
          region: eu-west-1
        - /production-eu/shared/
      eks:
        - cluster: prod-eu
          namespaces: [api]
          workloads: [deployment/api-server]
          region: eu-west-1
      files:
        - path: production-eu/ssm.json
          format: ssm-export
          prefix: /production-eu/api/
          key_style: env
          layer: ssm
  staging-us:
    tier: staging
    account: 444455556666
settings:
  DB_TIMEOUT:
    value: 10s
    type: duration
    min: 1
    max: 120
    pattern: "^[0-9]+s$"
    severity: high
    layer: ssm
    environments: { production-eu: 60s }
    tiers: { staging: 5s }
    constraints: { production: { enum: ["60s", "10s"] } }
  SIMPLE_KEY: "value"
  POOL_SIZE: 20
  ENABLED: true
  RATIO: 1.50
  API_KEY:
    secret: true
    environments: { staging-us: null }
  FEATURE_FLAG:
    parity: all
  NEW_AUTH_FLOW:
    required: false
    environments: { staging-us: "true" }
expected_differences:
  LOG_LEVEL:
    staging: debug
    production: warn
ignore: ["KUBERNETES_*", "HOSTNAME"]
exceptions:
  - key: LOG_LEVEL
    environment: production-eu
    value: DEBUG
    owner: alice@example.com
    reason: INC-4512 payment debugging
    expires: 2026-10-01
  - key: POOL_SIZE
    tier: production
    owner: bob@example.com
    reason: load test
    expires: 2026-11-30
`,
);

describe('Function: parseBaseline', () => {
  describe('seed 001 contract', () => {
    it('accepts the expected_differences block exactly as the article writes it, keyed by tier', () => {
      // Prepare
      const files = [ENVIRONMENTS, SEED_001];

      // Act
      const baseline = expectOk(parseBaseline(files));

      // Assess
      expect(baseline.settings.get('LOG_LEVEL')).toMatchObject({
        perTier: { staging: 'debug', production: 'warn' },
        perEnvironment: {},
        required: true,
      });
      expect(baseline.settings.get('RESOURCE_LIMITS_CPU')?.perTier).toEqual({ staging: '2', production: '8' });
      expect(baseline.settings.get('PAYMENT_GATEWAY_URL')?.perTier).toEqual({
        staging: 'https://mock.payment.internal',
        production: 'https://api.payment-provider.com',
      });
      expect(baseline.settings.get('LOG_LEVEL')?.value).toBeUndefined();
      expect(baseline.files).toEqual(['environments.yaml', 'expected-env-diff.yaml']);
    });

    it('routes a name to perEnvironment when environments are literally named staging and production', () => {
      // Prepare
      const environments = file(
        'environments.yaml',
        `environments:
  staging: { tier: pre-production }
  production: { tier: live }
`,
      );

      // Act
      const baseline = expectOk(parseBaseline([environments, SEED_001]));

      // Assess
      expect(baseline.settings.get('LOG_LEVEL')).toMatchObject({ perEnvironment: { staging: 'debug', production: 'warn' }, perTier: {} });
    });

    it('locates a setting declared only in expected_differences at its key there', () => {
      const baseline = expectOk(parseBaseline([ENVIRONMENTS, SEED_001]));

      expect(baseline.settings.get('RESOURCE_LIMITS_CPU')?.location).toEqual(at(SEED_001, 'RESOURCE_LIMITS_CPU:'));
    });
  });

  describe('normalisation of the full format', () => {
    const baseline = expectOk(parseBaseline([FULL]));

    it('keeps environments in declaration order with their sources, account as a string and precedence override', () => {
      expect(baseline.environments.map((environment) => environment.name)).toEqual(['production-eu', 'staging-us']);
      expect(baseline.environments[0]).toEqual({
        name: 'production-eu',
        tier: 'production',
        account: '111122223333',
        region: 'eu-west-1',
        roleArn: 'arn:aws:iam::111122223333:role/drift-audit-read',
        precedence: ['env', 'configmap', 'ssm'],
        sources: [
          // Each SSM tree is the application its last segment names, unless the source says otherwise.
          { kind: 'ssm', path: '/production-eu/api/', keyStyle: 'env', region: 'eu-west-1', application: 'api' },
          { kind: 'ssm', path: '/production-eu/shared/', keyStyle: 'relative', application: 'shared' },
          { kind: 'eks', cluster: 'prod-eu', namespaces: ['api'], workloads: ['deployment/api-server'], region: 'eu-west-1' },
          {
            kind: 'file',
            path: 'production-eu/ssm.json',
            format: 'ssm-export',
            prefix: '/production-eu/api/',
            keyStyle: 'env',
            layer: 'ssm',
            application: 'api',
          },
        ],
      });
    });

    it('accepts a 12-digit account written as a YAML number and applies the default precedence', () => {
      expect(baseline.environments[1]).toMatchObject({
        account: '444455556666',
        precedence: ['file', 'env', 'configmap', 'secret', 'ssm'],
        sources: [],
      });
    });

    it('reads a long-form setting with constraints, scoped constraints and expected differences', () => {
      expect(baseline.settings.get('DB_TIMEOUT')).toEqual({
        key: 'DB_TIMEOUT',
        value: '10s',
        perEnvironment: { 'production-eu': '60s' },
        perTier: { staging: '5s' },
        constraints: { type: 'duration', min: 1, max: 120, pattern: '^[0-9]+s$' },
        scopedConstraints: { production: { enum: ['60s', '10s'] } },
        severity: 'high',
        secret: false,
        required: true,
        parity: 'tier',
        layer: 'ssm',
        location: at(FULL, 'DB_TIMEOUT:'),
      });
    });

    it('expands the scalar shorthand into a shared value, keeping numbers and booleans as written', () => {
      expect(baseline.settings.get('SIMPLE_KEY')).toMatchObject({ value: 'value', required: true, parity: 'tier', secret: false });
      expect(baseline.settings.get('POOL_SIZE')?.value).toBe('20');
      expect(baseline.settings.get('ENABLED')?.value).toBe('true');
      expect(baseline.settings.get('RATIO')?.value).toBe('1.50');
    });

    it('defaults required to false when no value is declared anywhere, and honours an explicit required', () => {
      expect(baseline.settings.get('FEATURE_FLAG')).toMatchObject({ required: false, parity: 'all' });
      expect(baseline.settings.get('API_KEY')).toMatchObject({ secret: true, required: false, perEnvironment: { 'staging-us': null } });
      expect(baseline.settings.get('NEW_AUTH_FLOW')).toMatchObject({ required: false, perEnvironment: { 'staging-us': 'true' } });
    });

    it('sorts settings by key, including keys declared only in expected_differences', () => {
      expect([...baseline.settings.keys()]).toEqual([
        'API_KEY',
        'DB_TIMEOUT',
        'ENABLED',
        'FEATURE_FLAG',
        'LOG_LEVEL',
        'NEW_AUTH_FLOW',
        'POOL_SIZE',
        'RATIO',
        'SIMPLE_KEY',
      ]);
    });

    it('reads exceptions with their location, defaults, attribution and ignore patterns', () => {
      expect(baseline.exceptions).toEqual([
        {
          key: 'LOG_LEVEL',
          environment: 'production-eu',
          value: 'DEBUG',
          owner: 'alice@example.com',
          reason: 'INC-4512 payment debugging',
          expires: '2026-10-01',
          location: at(FULL, 'key: LOG_LEVEL'),
        },
        {
          key: 'POOL_SIZE',
          tier: 'production',
          owner: 'bob@example.com',
          reason: 'load test',
          expires: '2026-11-30',
          location: at(FULL, 'key: POOL_SIZE'),
        },
      ]);
      expect(baseline.defaultSeverity).toBe('medium');
      // Seed 001's contract: anything not declared different must be identical.
      expect(baseline.unmanaged).toEqual({ policy: 'report', severity: 'low' });
      expect(baseline.attribution).toEqual({
        outOfBandManagers: ['kubectl-set', 'kubectl-edit'],
        pipelinePrincipals: ['role/deploy-pipeline'],
      });
      expect(baseline.ignore).toEqual(['KUBERNETES_*', 'HOSTNAME']);
    });
  });

  describe('defaults and merging', () => {
    it('fills defaults when no defaults or attribution section is written', () => {
      const baseline = expectOk(parseBaseline([ENVIRONMENTS]));

      expect(baseline.defaultSeverity).toBe('medium');
      // Seed 001's contract: anything not declared different must be identical.
      expect(baseline.unmanaged).toEqual({ policy: 'compare', severity: 'medium' });
      expect(baseline.attribution).toEqual({
        outOfBandManagers: ['kubectl-set', 'kubectl-edit', 'kubectl-patch', 'kubectl-scale'],
        pipelinePrincipals: [],
      });
      expect(baseline.settings.size).toBe(0);
    });

    it('merges sections across files: environments in file order, ignore and exceptions concatenated', () => {
      // Prepare
      const first = file('a.yaml', `environments:\n  eu: { tier: production }\nignore: [A_*]\n`);
      const second = file('b.yaml', `environments:\n  us: { tier: production }\nignore: [B_*]\nsettings:\n  X: 1\n`);

      // Act
      const baseline = expectOk(parseBaseline([first, second]));

      // Assess
      expect(baseline.environments.map((environment) => environment.name)).toEqual(['eu', 'us']);
      expect(baseline.ignore).toEqual(['A_*', 'B_*']);
      expect(baseline.settings.get('X')?.location).toEqual(at(second, 'X: 1'));
    });

    it('accepts a file holding only comments, empty sections, and a setting declared with no value', () => {
      const comments = file('notes.yaml', '# nothing declared here yet\n');
      const sections = file('base.yaml', `environments:\n  eu: { tier: production }\nsettings:\n  DECLARED_ONLY:\nexceptions:\nignore:\n`);

      const baseline = expectOk(parseBaseline([comments, sections]));

      expect(baseline.settings.get('DECLARED_ONLY')).toMatchObject({ required: false, perEnvironment: {}, parity: 'tier' });
      expect(baseline.exceptions).toEqual([]);
    });

    it('reads a date YAML 1.1 turns into a timestamp back as YYYY-MM-DD', () => {
      const legacy = file(
        'legacy.yaml',
        `%YAML 1.1
---
environments:
  eu: { tier: production }
exceptions:
  - key: X
    owner: a
    reason: b
    expires: 2026-10-01
`,
      );

      const baseline = expectOk(parseBaseline([legacy]));

      expect(baseline.exceptions[0]?.expires).toBe('2026-10-01');
    });
  });
});
