import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import { BaselineInvalidError, formatBaselineIssue, type BaselineIssue } from '../../../../lambdas/engine/baseline/baseline-issue.js';
import type { BaselineFile } from '../../../../lambdas/engine/baseline/baseline-file.js';
import { at, file } from './positions.js';

const ENVIRONMENTS = file(
  'environments.yaml',
  `environments:
  staging-us:
    tier: staging
  production-eu:
    tier: production
`,
);

function issuesOf(...files: BaselineFile[]): BaselineIssue[] {
  const result = parseBaseline(files);
  if (result.ok) throw new Error('expected the baseline to be rejected');
  return result.issues;
}

/** Line and column of `needle` in `file`, without the file name. */
function lineAndColumn(source: BaselineFile, needle: string): { line: number; column: number } {
  const { line, column } = at(source, needle);
  return { line, column };
}

function only(issues: readonly BaselineIssue[]): BaselineIssue {
  expect(issues.map((issue) => formatBaselineIssue(issue))).toHaveLength(1);
  return issues[0] as BaselineIssue;
}

describe('Function: parseBaseline (errors)', () => {
  describe('YAML level', () => {
    it('reports a syntax error with its position', () => {
      const broken = file('broken.yaml', `environments:\n  eu: { tier: production\nsettings: {}\n`);

      const issue = only(issuesOf(broken));

      expect(issue).toMatchObject({ code: 'yaml-syntax', severity: 'error', file: 'broken.yaml' });
      expect(issue.line).toBeGreaterThanOrEqual(2);
      expect(issue.message).toMatch(/^invalid YAML: /);
    });

    it('reports a key declared twice in one mapping at the second declaration', () => {
      const twice = file(
        'twice.yaml',
        `environments:
  eu: { tier: production }
settings:
  DB_TIMEOUT: 10s
  DB_TIMEOUT: 20s
`,
      );

      const issue = only(issuesOf(twice));

      expect(issue).toMatchObject({
        code: 'duplicate-key',
        path: 'settings.DB_TIMEOUT',
        ...at(twice, 'DB_TIMEOUT: 20s'),
      });
    });
  });

  describe('schema level', () => {
    it('names an unknown key at its key node with a did-you-mean from the keys allowed there', () => {
      const typo = file('settings.yaml', `settings:\n  DB_TIMEOUT:\n    value: 10s\n    typ: duration\n`);

      const issue = only(issuesOf(ENVIRONMENTS, typo));

      expect(issue).toMatchObject({
        code: 'unknown-key',
        path: 'settings.DB_TIMEOUT.typ',
        suggestion: 'type',
        ...at(typo, 'typ: duration'),
      });
      expect(formatBaselineIssue(issue, { dir: 'config' })).toBe('config/settings.yaml:4:5 settings.DB_TIMEOUT.typ: unknown key "typ"; did you mean "type"?');
    });

    it('suggests keys at every level: top-level sections and nested source entries', () => {
      const typos = file(
        'typos.yaml',
        `environments:
  eu:
    tier: production
    sources:
      ssm:
        - path: /eu/api/
          key_styl: env
setings: {}
`,
      );

      const issues = issuesOf(typos);

      expect(issues).toEqual([
        expect.objectContaining({ code: 'unknown-key', suggestion: 'key_style', path: 'environments.eu.sources.ssm[0].key_styl', ...at(typos, 'key_styl') }),
        expect.objectContaining({ code: 'unknown-key', suggestion: 'settings', path: 'setings', ...at(typos, 'setings') }),
      ]);
    });

    it('lists the allowed keys when nothing is close enough to suggest', () => {
      const odd = file('odd.yaml', `environments:\n  eu: { tier: production, colour: blue }\n`);

      const issue = only(issuesOf(odd));

      expect(issue.suggestion).toBeUndefined();
      expect(issue.message).toBe('unknown key "colour"; expected one of tier, account, region, role_arn, precedence, sources, values');
    });

    it('reports a missing required key at the mapping that lacks it', () => {
      const missing = file(
        'missing.yaml',
        `environments:
  eu:
    region: eu-west-1
exceptions:
  - key: X
    environment: eu
    reason: r
    expires: 2026-10-01
`,
      );

      const issues = issuesOf(missing);

      expect(issues).toEqual([
        expect.objectContaining({ code: 'missing-key', path: 'environments.eu.tier', message: 'missing required key "tier"', ...at(missing, 'eu:') }),
        expect.objectContaining({ code: 'missing-key', path: 'exceptions[0].owner', ...at(missing, 'key: X') }),
      ]);
    });

    it('says which kind of value was expected and which was found', () => {
      const wrong = file('wrong.yaml', `environments:\n  eu: production\nsettings:\n  KEY: [a, b]\n`);

      const issues = issuesOf(wrong);

      expect(issues).toEqual([
        expect.objectContaining({
          code: 'invalid-type',
          path: 'environments.eu',
          message: 'expected a mapping, got the string "production"',
          ...at(wrong, 'production'),
        }),
        expect.objectContaining({
          code: 'invalid-type',
          path: 'settings.KEY',
          message: 'expected a string, number, boolean, mapping or empty value (null), got a list',
          ...at(wrong, '[a, b]'),
        }),
      ]);
    });

    it('rejects enum values with the list of allowed ones and a did-you-mean', () => {
      const severity = file('defaults.yaml', `defaults:\n  severity: hgih\n`);

      const issue = only(issuesOf(ENVIRONMENTS, severity));

      expect(issue).toMatchObject({
        code: 'invalid-value',
        path: 'defaults.severity',
        expected: 'one of info, low, medium, high, critical',
        suggestion: 'high',
        message: 'invalid value "hgih"; expected one of info, low, medium, high, critical; did you mean "high"?',
        ...at(severity, 'hgih'),
      });
    });

    it('checks the shape of regions, accounts, role ARNs, SSM paths, workloads, dates and the version', () => {
      const shapes = file(
        'shapes.yaml',
        `version: 2
environments:
  eu:
    tier: production
    account: 11122223333
    region: eu-west
    role_arn: arn:aws:iam::111122223333:user/alice
    sources:
      ssm: [/eu/api]
      eks:
        - cluster: prod-eu
          namespaces: []
          workloads: [api-server]
exceptions:
  - key: X
    owner: a
    reason: b
    expires: 2026-13-01
`,
      );

      const issues = issuesOf(shapes);

      expect(issues.map((issue) => [issue.code, issue.path, issue.line, issue.column])).toEqual([
        ['invalid-value', 'version', ...pos(shapes, 'version: 2', 'version: '.length)],
        ['invalid-value', 'environments.eu.account', ...pos(shapes, '11122223333\n')],
        ['invalid-value', 'environments.eu.region', ...pos(shapes, 'eu-west')],
        ['invalid-value', 'environments.eu.role_arn', ...pos(shapes, 'arn:aws')],
        ['invalid-value', 'environments.eu.sources.ssm[0]', ...pos(shapes, '/eu/api]')],
        ['invalid-value', 'environments.eu.sources.eks[0].namespaces', ...pos(shapes, '[]')],
        ['invalid-value', 'environments.eu.sources.eks[0].workloads[0]', ...pos(shapes, 'api-server')],
        ['invalid-value', 'exceptions[0].expires', ...pos(shapes, '2026-13-01')],
      ]);
      expect(issues.find((issue) => issue.path === 'environments.eu.region')?.message).toBe(
        'invalid value "eu-west"; expected an AWS region such as eu-west-1',
      );
      expect(issues.find((issue) => issue.path === 'environments.eu.account')?.message).toContain('12-digit AWS account id');
      expect(issues.find((issue) => issue.path === 'environments.eu.sources.eks[0].namespaces')?.message).toBe(
        'expected at least one namespace, got an empty list',
      );
    });

    it('rejects an environment name that cannot appear in a finding id, at the name', () => {
      const names = file('names.yaml', `environments:\n  "prod eu": { tier: production }\n`);

      const issue = only(issuesOf(names));

      expect(issue).toMatchObject({ code: 'invalid-value', path: 'environments["prod eu"]', ...at(names, '"prod eu"') });
    });

    it('rejects a precedence listing a layer twice, at the second occurrence', () => {
      const precedence = file('precedence.yaml', `defaults:\n  precedence: [file, env, env]\n`);

      const issue = only(issuesOf(ENVIRONMENTS, precedence));

      expect(issue).toMatchObject({ code: 'invalid-value', path: 'defaults.precedence[2]', line: 2, column: 27 });
    });

    it('rejects a pattern that does not compile as a regular expression', () => {
      const pattern = file('pattern.yaml', `settings:\n  KEY:\n    pattern: "([0-9]+"\n`);

      const issue = only(issuesOf(ENVIRONMENTS, pattern));

      expect(issue).toMatchObject({ code: 'invalid-pattern', path: 'settings.KEY.pattern', ...at(pattern, '"([0-9]+"') });
    });

    it('rejects a pattern RE2 cannot run (lookbehind), at its place, saying RE2 syntax is required', () => {
      const pattern = file(
        'pattern.yaml',
        `settings:\n  PRICE:\n    constraints:\n      production: { pattern: "(?<=EUR )[0-9]+" }\n  CODE:\n    pattern: "(a)\\\\1"\n`,
      );

      const issues = issuesOf(ENVIRONMENTS, pattern);

      expect(issues.map(({ code, path, line, column }) => ({ code, path, line, column }))).toEqual([
        { code: 'invalid-pattern', path: 'settings.PRICE.constraints.production.pattern', ...lineAndColumn(pattern, '"(?<=') },
        { code: 'invalid-pattern', path: 'settings.CODE.pattern', ...lineAndColumn(pattern, '"(a)') },
      ]);
      expect(issues[0]?.message).toMatch(/^pattern "\(\?<=EUR \)\[0-9\]\+" is not RE2 syntax: .*no lookaround and no backreferences/);
      expect(issues[1]?.message).toContain('invalid escape sequence');
    });

    it('says what was found, never "[object Object]", when a mapping or a list stands where one of a few words belongs', () => {
      const shapes = file('shapes.yaml', `version: { major: 1 }\ndefaults:\n  severity: { level: high }\n  precedence: [[file, env]]\n`);

      const issues = issuesOf(ENVIRONMENTS, shapes);

      expect(issues.map(({ code, path, message }) => ({ code, path, message }))).toEqual([
        { code: 'invalid-type', path: 'version', message: 'expected 1, got a mapping' },
        { code: 'invalid-type', path: 'defaults.severity', message: 'expected one of info, low, medium, high, critical, got a mapping' },
        { code: 'invalid-type', path: 'defaults.precedence[0]', message: 'expected one of file, env, configmap, secret, ssm, workload, got a list' },
      ]);
    });

    it('calls a record a mapping', () => {
      const listed = file('listed.yaml', `expected_differences:\n  LOG_LEVEL: [debug, warn]\n`);

      const issue = only(issuesOf(ENVIRONMENTS, listed));

      expect(issue).toMatchObject({ code: 'invalid-type', path: 'expected_differences.LOG_LEVEL', message: 'expected a mapping, got a list' });
    });
  });

  describe('references', () => {
    it('rejects an unknown environment in settings.KEY.environments with a did-you-mean', () => {
      const settings = file('settings.yaml', `settings:\n  DB_TIMEOUT:\n    environments:\n      prodution-eu: 60s\n`);

      const issue = only(issuesOf(ENVIRONMENTS, settings));

      expect(issue).toMatchObject({
        code: 'unknown-environment',
        path: 'settings.DB_TIMEOUT.environments.prodution-eu',
        suggestion: 'production-eu',
        ...at(settings, 'prodution-eu'),
      });
    });

    it('points a tier written under environments to tiers, and rejects unknown tiers', () => {
      const settings = file('settings.yaml', `settings:\n  A:\n    environments: { production: x }\n    tiers: { stagin: y }\n`);

      const issues = issuesOf(ENVIRONMENTS, settings);

      expect(issues).toEqual([
        expect.objectContaining({ code: 'unknown-environment', message: expect.stringContaining('"production" is a tier: declare it under tiers') }),
        expect.objectContaining({ code: 'unknown-tier', suggestion: 'staging', ...at(settings, 'stagin') }),
      ]);
    });

    it('rejects an expected difference naming neither an environment nor a tier, suggesting from both', () => {
      const differences = file('diff.yaml', `expected_differences:\n  LOG_LEVEL:\n    stagng: debug\n    production: warn\n`);

      const issue = only(issuesOf(ENVIRONMENTS, differences));

      expect(issue).toMatchObject({
        code: 'unknown-environment',
        suggestion: 'staging',
        path: 'expected_differences.LOG_LEVEL.stagng',
        ...at(differences, 'stagng'),
      });
    });

    it('rejects the same expected difference declared in settings and in expected_differences, naming both places', () => {
      const settings = file('settings.yaml', `settings:\n  LOG_LEVEL:\n    tiers:\n      staging: info\n`);
      const differences = file('diff.yaml', `expected_differences:\n  LOG_LEVEL:\n    staging: debug\n`);

      const issue = only(issuesOf(ENVIRONMENTS, settings, differences));

      expect(issue).toMatchObject({
        code: 'conflict',
        ...at(differences, 'staging: debug'),
        related: [at(settings, 'staging: info')],
      });
      expect(issue.message).toContain('settings.yaml:4:7');
    });

    it('rejects unknown scopes of constraints, min above max, and exceptions naming unknown places or both', () => {
      const mixed = file(
        'mixed.yaml',
        `settings:
  POOL:
    min: 10
    max: 5
    constraints:
      prod: { max: 3 }
exceptions:
  - key: POOL
    environment: production-eu
    tier: production
    owner: a
    reason: b
    expires: 2026-10-01
  - key: POOL
    environment: production-ue
    owner: a
    reason: b
    expires: 2026-10-01
  - key: POOL
    tier: prod
    owner: a
    reason: b
    expires: 2026-10-01
`,
      );

      const issues = issuesOf(ENVIRONMENTS, mixed);

      expect(issues.map((issue) => [issue.code, issue.path, issue.line, issue.column])).toEqual([
        ['conflict', 'settings.POOL.max', ...pos(mixed, '5\n')],
        ['unknown-environment', 'settings.POOL.constraints.prod', ...pos(mixed, 'prod:')],
        ['conflict', 'exceptions[0].tier', ...pos(mixed, 'tier: production')],
        ['unknown-environment', 'exceptions[1].environment', ...pos(mixed, 'production-ue')],
        ['unknown-tier', 'exceptions[2].tier', ...pos(mixed, 'prod\n  ')],
      ]);
      expect(issues[3]?.suggestion).toBe('production-eu');
      expect(issues[4]?.suggestion).toBe('production');
    });

    it('requires at least one environment', () => {
      const settings = file('settings.yaml', `settings:\n  A: 1\n`);

      const issue = only(issuesOf(settings));

      expect(issue).toMatchObject({ code: 'no-environments', file: 'settings.yaml', line: 1, column: 1 });
    });

    it('rejects an empty file list', () => {
      expect(only(issuesOf()).code).toBe('no-files');
    });

    it('warns, without rejecting, about an exception for an undeclared key that is ignored', () => {
      const ignored = file(
        'ignored.yaml',
        `ignore: ["KUBERNETES_*"]
exceptions:
  - key: KUBERNETES_PORT
    owner: a
    reason: b
    expires: 2026-10-01
`,
      );

      const result = parseBaseline([ENVIRONMENTS, ignored]);

      expect(result.ok).toBe(true);
      expect(result.warnings).toEqual([expect.objectContaining({ code: 'ignored-key', severity: 'warning', ...at(ignored, 'KUBERNETES_PORT') })]);
    });
  });

  describe('secrets', () => {
    const CANARY = 'hunter2-canary-value';

    it('rejects every declaration of a secret value, never repeating what was written', () => {
      const secrets = file(
        'secrets.yaml',
        `settings:
  DB_PASSWORD:
    secret: true
    value: ${CANARY}
    enum: [${CANARY}]
    pattern: "^${CANARY}$"
    environments:
      staging-us: ${CANARY}
      production-eu: null
    constraints:
      production: { enum: [${CANARY}] }
expected_differences:
  DB_PASSWORD:
    staging: ${CANARY}
exceptions:
  - key: DB_PASSWORD
    value: ${CANARY}
    owner: a
    reason: b
    expires: 2026-10-01
`,
      );

      const issues = issuesOf(ENVIRONMENTS, secrets);

      expect(issues.map((issue) => [issue.code, issue.path])).toEqual([
        ['secret-value', 'settings.DB_PASSWORD.value'],
        ['secret-value', 'settings.DB_PASSWORD.enum'],
        ['secret-value', 'settings.DB_PASSWORD.pattern'],
        ['secret-value', 'settings.DB_PASSWORD.environments.staging-us'],
        ['secret-value', 'settings.DB_PASSWORD.constraints.production.enum'],
        ['secret-value', 'expected_differences.DB_PASSWORD.staging'],
        ['secret-value', 'exceptions[0].value'],
      ]);
      expect(issues[0]).toMatchObject(at(secrets, `value: ${CANARY}\n    enum`));
      expect(JSON.stringify(issues)).not.toContain(CANARY);
      expect(issues.map((issue) => formatBaselineIssue(issue)).join('\n')).not.toContain(CANARY);
    });

    it('accepts a secret audited by presence: a type and null (must be absent) per environment are allowed', () => {
      const secrets = file(
        'secrets.yaml',
        `settings:\n  API_KEY:\n    secret: true\n    type: string\n    severity: critical\n    environments: { staging-us: null }\n`,
      );

      const result = parseBaseline([ENVIRONMENTS, secrets]);

      expect(result.ok).toBe(true);
    });
  });

  describe('several files', () => {
    it('reports every error of every file in one pass, in file order, with cross-file checks', () => {
      // Prepare
      const environments = file(
        'a-environments.yaml',
        `environments:
  production-eu:
    tier: production
    regoin: eu-west-1
`,
      );
      const settings = file(
        'b-settings.yaml',
        `settings:
  DB_TIMEOUT:
    value: 10s
    severity: urgent
    environments: { production-us: 20s }
`,
      );
      const exceptions = file(
        'c-exceptions.yaml',
        `settings:
  DB_TIMEOUT: 5s
exceptions:
  - key: DB_TIMEOUT
    owner: a
    reason: b
    expires: tomorrow
`,
      );

      // Act
      const issues = issuesOf(environments, settings, exceptions);

      // Assess
      expect(issues.map((issue) => [issue.file, issue.code, issue.path])).toEqual([
        ['a-environments.yaml', 'unknown-key', 'environments.production-eu.regoin'],
        ['b-settings.yaml', 'invalid-value', 'settings.DB_TIMEOUT.severity'],
        ['b-settings.yaml', 'unknown-environment', 'settings.DB_TIMEOUT.environments.production-us'],
        ['c-exceptions.yaml', 'duplicate-key', 'settings.DB_TIMEOUT'],
        ['c-exceptions.yaml', 'invalid-value', 'exceptions[0].expires'],
      ]);
      expect(issues[0]?.suggestion).toBe('region');
      expect(issues[3]).toMatchObject({ ...at(exceptions, 'DB_TIMEOUT: 5s'), related: [at(settings, 'DB_TIMEOUT:')] });
      expect(issues[3]?.message).toBe('settings.DB_TIMEOUT is already declared at b-settings.yaml:2:3; declare it in one file only');
    });

    it('still validates the readable files when one file is not valid YAML', () => {
      const broken = file('a.yaml', `settings: [\n`);
      const typo = file('b.yaml', `environments:\n  eu: { tier: production, regoin: eu-west-1 }\n`);

      const issues = issuesOf(broken, typo);

      expect(issues.map((issue) => [issue.file, issue.code])).toEqual([
        ['a.yaml', 'yaml-syntax'],
        ['b.yaml', 'unknown-key'],
      ]);
    });
  });
});

describe('Class: BaselineInvalidError', () => {
  it('carries every issue and names the first one in its message', () => {
    const issues = issuesOf(file('x.yaml', `environments:\n  eu: { tier: production, colour: blue, size: 3 }\n`));

    const error = new BaselineInvalidError(issues);

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('BaselineInvalidError');
    expect(error.code).toBe('baseline-invalid');
    expect(error.issues).toHaveLength(2);
    expect(error.message).toBe(`baseline is invalid: ${formatBaselineIssue(issues[0] as BaselineIssue)} (and 1 more)`);
  });
});

function pos(baselineFile: BaselineFile, needle: string, offset = 0): [number, number] {
  const { line, column } = at(baselineFile, needle, offset);
  return [line, column];
}
