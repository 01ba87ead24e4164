import { describe, expect, it } from 'vitest';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';

const ENVIRONMENTS = `environments:
  staging: { tier: staging, sources: { ssm: [/staging/api/], files: [{ path: staging/app.env }] } }
  production: { tier: production, sources: { ssm: [{ path: /production/api/, application: api }] } }
`;

describe('Function: parseBaseline (applications)', () => {
  it('reads applications with their workloads and their own settings, scoped to them', () => {
    const result = parseBaseline([
      {
        name: 'baseline.yaml',
        text: `${ENVIRONMENTS}applications:
  api:
    workloads: [deployment/api-server, cronjob/nightly/report]
    settings:
      API_TIMEOUT: 30
    expected_differences:
      LOG_LEVEL: { staging: debug, production: warn }
settings:
  FLAG: { value: "on", applications: [api] }
`,
      },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));

    const api = result.baseline.applications?.get('api');
    expect(api?.workloads).toEqual(['deployment/api-server', 'cronjob/nightly/report']);
    expect(api?.settings.get('API_TIMEOUT')).toMatchObject({ key: 'API_TIMEOUT', application: 'api', value: '30' });
    expect(api?.settings.get('LOG_LEVEL')).toMatchObject({ application: 'api', perEnvironment: { staging: 'debug', production: 'warn' } });
    expect(result.baseline.settings.get('FLAG')?.applications).toEqual(['api']);
    // Every EKS and file source learns which containers are which application.
    const [staging] = result.baseline.environments;
    expect(staging?.sources).toContainEqual(expect.objectContaining({ kind: 'ssm', path: '/staging/api/', application: 'api' }));
    expect(staging?.sources).toContainEqual(
      expect.objectContaining({ kind: 'file', application: 'api', workloadApplications: { 'deployment/api-server': 'api', 'cronjob/nightly/report': 'api' } }),
    );
  });

  it('checks an application setting as a shared one: an unknown environment is a located error with a suggestion', () => {
    const result = parseBaseline([
      { name: 'baseline.yaml', text: `${ENVIRONMENTS}applications:\n  api:\n    settings:\n      LOG_LEVEL:\n        environments: { prodution: warn }\n` },
    ]);

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => [issue.line, String(issue.path), issue.message])).toEqual([
      [8, 'applications.api.settings.LOG_LEVEL.environments.prodution', 'unknown environment "prodution"; did you mean "production"?'],
    ]);
  });

  it('gives a config file the application of its environment’s only SSM tree, exported or live', () => {
    const result = parseBaseline([
      {
        name: 'baseline.yaml',
        text: 'environments:\n  staging:\n    tier: staging\n    sources:\n      files:\n        - { path: staging/ssm.json, prefix: /staging/orders/ }\n        - { path: staging/app.env }\n',
      },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.baseline.environments[0]?.sources.map((source) => (source.kind === 'file' ? source.application : undefined))).toEqual(['orders', 'orders']);
  });

  it('names an SSM tree by its last segment that is not the environment or its tier, whichever way the path is laid out', () => {
    const result = parseBaseline([
      {
        name: 'baseline.yaml',
        text: 'environments:\n  staging-eu: { tier: staging, sources: { ssm: [/cartservice/staging-eu/, /staging/orders/] } }\n  production: { tier: production, sources: { ssm: [/cartservice/production/] } }\n',
      },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.baseline.environments.map((env) => env.sources.map((source) => (source.kind === 'ssm' ? source.application : undefined)))).toEqual([
      ['cartservice', 'orders'],
      ['cartservice'],
    ]);
  });

  it('rejects a workload that is not kind/name or kind/name/container', () => {
    const result = parseBaseline([{ name: 'baseline.yaml', text: `${ENVIRONMENTS}applications:\n  api:\n    workloads: [api-server]\n` }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]?.message).toContain('kind/name or kind/name/container');
  });
});
