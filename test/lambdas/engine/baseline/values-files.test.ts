import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { parseBaseline, type BaselineFile } from '../../../../lambdas/engine/baseline/parse-baseline.js';
import { settingFor } from '../../../../lambdas/engine/analyse/setting-for.js';
import { snapshot, ssmValue } from '../analyse/builders.js';

/** Seed 001's minimum stack: config/<environment>.yaml values files beside the expected-difference contract. */
const SEED_001: BaselineFile[] = [
  {
    name: 'environments.yaml',
    text: [
      'environments:',
      '  staging:',
      '    tier: staging',
      '    values: [staging.yaml]',
      '  production:',
      '    tier: production',
      '    values: [production.yaml]',
      '',
    ].join('\n'),
  },
  {
    name: 'expected-env-diff.yaml',
    text: ['expected_differences:', '  LOG_LEVEL:', '    staging: debug', '    production: warn', ''].join('\n'),
  },
  { name: 'staging.yaml', text: '# staging values\nLOG_LEVEL: debug\nDB_POOL_SIZE: 20\n' },
  { name: 'production.yaml', text: '# production values\nLOG_LEVEL: warn\nDB_POOL_SIZE: 20\n' },
];

function parsed(files: readonly BaselineFile[]) {
  const result = parseBaseline(files);
  if (!result.ok) throw new Error(`expected a valid baseline, got ${JSON.stringify(result.issues)}`);
  return result;
}

function replace(files: readonly BaselineFile[], name: string, text: string): BaselineFile[] {
  return files.map((file) => (file.name === name ? { name, text } : file));
}

describe('Values files: seed 001 layout', () => {
  it('reads config/<environment>.yaml as each environment’s expected values, not as baseline files', () => {
    const { baseline } = parsed(SEED_001);

    expect(baseline.files).toEqual(['environments.yaml', 'expected-env-diff.yaml']);
    const pool = baseline.settings.get('DB_POOL_SIZE');
    // Every environment's files agree: the shared value.
    expect(pool?.value).toBe('20');
    expect(pool?.valuesOrigins?.production).toEqual(expect.objectContaining({ file: 'production.yaml', line: 3, column: 15 }));
    const level = baseline.settings.get('LOG_LEVEL');
    expect(level?.perEnvironment).toEqual({ staging: 'debug', production: 'warn' });
  });

  it('reports a live value that differs from the values file as changed, against the file’s value', () => {
    const { baseline } = parsed(SEED_001);

    const result = analyse({
      baseline,
      snapshots: [
        snapshot('staging', [ssmValue('staging', 'LOG_LEVEL', 'debug'), ssmValue('staging', 'DB_POOL_SIZE', '20')]),
        snapshot('production', [ssmValue('production', 'LOG_LEVEL', 'warn'), ssmValue('production', 'DB_POOL_SIZE', '50')]),
      ],
      now: new Date('2026-11-23T12:00:00Z'),
    });

    expect(result.findings.map((finding) => [finding.type, finding.environment, finding.key, finding.expected?.text, finding.actual?.text])).toEqual([
      ['changed', 'production', 'DB_POOL_SIZE', '20', '50'],
    ]);
  });

  it('compares workload shape values within a tier and quantities by value, as the engine does live', () => {
    // Prepare: Helm values per environment: staging 1 replica / 1Gi, both production regions 10 / 2Gi,
    // one of them spelling it 2048Mi; the contract declares the per-tier memory limit as 32Gi in bytes' other spelling.
    const helm = (replicas: number, memory: string, limit: string) =>
      `replicaCount: ${replicas}\nresources:\n  requests:\n    memory: ${memory}\n  limits:\n    memory: ${limit}\n`;
    const keys = [
      '        keys:',
      '          "k8s:replicas": replicaCount',
      '          "k8s:resources.requests.memory": resources.requests.memory',
      '          "k8s:resources.limits.memory": resources.limits.memory',
    ];
    const env = (name: string, tier: string) => [
      `  ${name}:`,
      `    tier: ${tier}`,
      '    values:',
      `      - path: ${name}.yaml`,
      '        format: helm',
      ...keys,
    ];
    const files: BaselineFile[] = [
      {
        name: 'environments.yaml',
        text: ['environments:', ...env('staging', 'staging'), ...env('production-us', 'production'), ...env('production-eu', 'production'), ''].join('\n'),
      },
      {
        name: 'expected-env-diff.yaml',
        text: ['expected_differences:', '  k8s:resources.limits.memory:', '    staging: 8Gi', '    production: 32Gi', ''].join('\n'),
      },
      { name: 'staging.yaml', text: helm(1, '1Gi', '8192Mi') },
      { name: 'production-us.yaml', text: helm(10, '2Gi', '32Gi') },
      { name: 'production-eu.yaml', text: helm(10, '2048Mi', '32768Mi') },
    ];

    // Act
    const result = parseBaseline(files);

    // Assess: no conflict: tiers may differ on undeclared shape keys, and 2048Mi is 2Gi.
    expect(result.ok ? [] : result.issues.map((issue) => issue.message)).toEqual([]);
  });

  it('refuses a values file that contradicts the contract, naming both places', () => {
    const files = replace(SEED_001, 'production.yaml', '# production values\nLOG_LEVEL: info\nDB_POOL_SIZE: 20\n');

    const result = parseBaseline(files);

    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: 'conflict',
        file: 'production.yaml',
        line: 2,
        path: 'LOG_LEVEL',
        related: [expect.objectContaining({ file: 'expected-env-diff.yaml', line: 2 })],
      }),
    ]);
    expect(result.issues[0]?.message).toContain('expected-env-diff.yaml:2:3');
  });

  it('refuses values that differ where the contract says environments agree (a key it does not list)', () => {
    const files = replace(SEED_001, 'production.yaml', 'LOG_LEVEL: warn\nDB_POOL_SIZE: 50\n');

    const result = parseBaseline(files);

    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: 'conflict',
        file: 'production.yaml',
        line: 2,
        path: 'DB_POOL_SIZE',
        related: [expect.objectContaining({ file: 'staging.yaml', line: 3 })],
      }),
    ]);
  });

  it('allows that difference when the contract lists it', () => {
    const files = [
      ...replace(SEED_001, 'production.yaml', 'LOG_LEVEL: warn\nDB_POOL_SIZE: 50\n').filter((file) => file.name !== 'expected-env-diff.yaml'),
      { name: 'expected-env-diff.yaml', text: 'expected_differences:\n  LOG_LEVEL: { staging: debug, production: warn }\n  DB_POOL_SIZE: { staging: "20" }\n' },
    ];

    const { baseline } = parsed(files);

    expect(baseline.settings.get('DB_POOL_SIZE')?.perEnvironment).toEqual({ staging: '20', production: '50' });
  });
});

describe('Values files: formats and precedence', () => {
  const environments = (values: string) => ({
    name: 'environments.yaml',
    text: `environments:\n  production:\n    tier: production\n    values:\n${values}`,
  });

  it('maps Helm values to keys through keys:, nested paths included', () => {
    const files = [
      environments(
        [
          '      - path: ../helm/values-production.yaml',
          '        format: helm',
          '        keys:',
          '          DB_TIMEOUT: app.database.timeoutMs',
          '          "k8s:replicas": replicaCount',
          '          "k8s:resources.limits.memory": resources.limits.memory',
          '',
        ].join('\n'),
      ),
      {
        name: '../helm/values-production.yaml',
        text: 'replicaCount: 10\nimage:\n  tag: 1.4.2\nresources:\n  limits:\n    memory: 2Gi\napp:\n  database:\n    timeoutMs: 5000\n',
      },
    ];

    const { baseline } = parsed(files);

    expect([...baseline.settings.keys()]).toEqual(['DB_TIMEOUT', 'k8s:replicas', 'k8s:resources.limits.memory']);
    expect(baseline.settings.get('k8s:replicas')?.value).toBe('10');
    expect(baseline.settings.get('k8s:resources.limits.memory')?.valuesOrigins?.production).toEqual(
      expect.objectContaining({ file: '../helm/values-production.yaml', line: 6, path: ['resources', 'limits', 'memory'] }),
    );
    expect(baseline.settings.get('DB_TIMEOUT')?.value).toBe('5000');
  });

  it('flattens nested YAML with key_style: env, as the file source does', () => {
    const files = [
      environments('      - { path: production.yaml, key_style: env }\n'),
      { name: 'production.yaml', text: 'database:\n  timeout: 30s\n  hosts: [a, b]\n' },
    ];

    const { baseline } = parsed(files);

    expect(baseline.settings.get('DATABASE_TIMEOUT')?.value).toBe('30s');
    expect(baseline.settings.get('DATABASE_HOSTS')?.value).toBe('["a","b"]');
  });

  it('reads dotenv files, locating each key on its line', () => {
    const files = [environments('      - production.env\n'), { name: 'production.env', text: '# prod\nexport LOG_LEVEL=warn\nFEATURE_X="on"\n' }];

    const { baseline } = parsed(files);

    expect(baseline.settings.get('FEATURE_X')?.value).toBe('on');
    expect(baseline.settings.get('FEATURE_X')?.valuesOrigins?.production).toEqual(
      expect.objectContaining({ file: 'production.env', line: 3, format: 'dotenv' }),
    );
  });

  it('lets a later file win as helm -f a -f b does: maps merge, lists and nulls replace', () => {
    const files = [
      environments('      - { path: values.yaml, key_style: relative }\n      - { path: values-production.yaml, key_style: relative }\n'),
      { name: 'values.yaml', text: 'db:\n  timeout: 5\n  pool: 10\nservers:\n  - host: a\n  - host: b\ncache:\n  ttl: 60\n' },
      { name: 'values-production.yaml', text: 'db:\n  timeout: 30\nservers:\n  - host: c\ncache: null\n' },
    ];

    const { baseline } = parsed(files);

    const value = (key: string) => baseline.settings.get(key)?.value;
    expect(value('db.timeout')).toBe('30');
    expect(value('db.pool')).toBe('10');
    expect(value('servers.0.host')).toBe('c');
    // The later list replaced the earlier one whole: no second server is expected any more.
    expect(baseline.settings.has('servers.1.host')).toBe(false);
    expect(baseline.settings.has('cache.ttl')).toBe(false);
    expect(baseline.settings.get('db.timeout')?.valuesOrigins?.production?.file).toBe('values-production.yaml');
  });
});

describe('Values files: refusals', () => {
  const base = (values: string) => ({ name: 'environments.yaml', text: `environments:\n  production:\n    tier: production\n    values: [${values}]\n` });

  it('refuses a secret-shaped value with its file and line, and never echoes it', () => {
    const secret = 'postgres://app:Sup3rS3cretPassw0rd@db.internal:5432/app';
    const result = parseBaseline([base('production.yaml'), { name: 'production.yaml', text: `LOG_LEVEL: warn\nDATABASE_URL: "${secret}"\n` }]);

    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'secret-value', file: 'production.yaml', line: 2, path: 'DATABASE_URL' })]);
    expect(JSON.stringify(result)).not.toContain('Sup3rS3cretPassw0rd');
  });

  it('refuses a value for a key the baseline declares secret', () => {
    const result = parseBaseline([
      base('production.yaml'),
      { name: 'settings.yaml', text: 'settings:\n  API_KEY: { secret: true }\n' },
      { name: 'production.yaml', text: 'API_KEY: abc\n' },
    ]);

    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'secret-value', file: 'production.yaml', line: 1 })]);
    expect(JSON.stringify(result.issues)).not.toContain('abc');
  });

  it('says which values file is not part of the baseline read, at its reference', () => {
    const result = parseBaseline([base('production.yaml')]);

    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'values-file-missing', file: 'environments.yaml', line: 4, path: 'environments.production.values[0]' }),
    ]);
  });

  it('refuses an absolute path in the schema', () => {
    const result = parseBaseline([base('/etc/passwd')]);

    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([expect.objectContaining({ code: 'invalid-value', file: 'environments.yaml', line: 4 })]);
  });
});

describe('Values files: applications', () => {
  it('scopes the keys to the application the entry names', () => {
    const { baseline } = parsed([
      {
        name: 'environments.yaml',
        text: 'applications:\n  api: {}\nenvironments:\n  production:\n    tier: production\n    values: [{ path: api.yaml, application: api }]\n',
      },
      { name: 'api.yaml', text: 'PORT: 8080\n' },
    ]);

    expect(baseline.settings.has('PORT')).toBe(false);
    expect(settingFor(baseline, 'PORT', 'api')?.value).toBe('8080');
  });
});
