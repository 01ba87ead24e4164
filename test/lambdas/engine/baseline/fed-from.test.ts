import { describe, expect, it } from 'vitest';
import { fedParameterIn } from '../../../../lambdas/engine/analyse/fed-parameter.js';
import { parseBaseline } from '../../../../lambdas/engine/baseline/parse-baseline.js';

const ENVIRONMENTS = `environments:
  production-eu: { tier: production, sources: { ssm: [/production-eu/api/, /production-eu/shared/] } }
  production-us: { tier: production, sources: { files: [{ path: production-us/ssm.json, prefix: /production-us/api/ }] } }
`;

function parse(text: string) {
  return parseBaseline([{ name: 'baseline.yaml', text }]);
}

describe('Function: parseBaseline (fed_from)', () => {
  it('resolves a relative fed_from against each environment’s SSM tree of the application, exported or live', () => {
    // Act
    const result = parse(`${ENVIRONMENTS}applications:\n  api:\n    settings:\n      DB_URL:\n        fed_from: { ssm: db/url }\n`);

    // Assess
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const setting = result.baseline.applications?.get('api')?.settings.get('DB_URL');
    expect(setting?.fedFrom).toMatchObject({ ssm: 'db/url', location: { file: 'baseline.yaml', line: 8 } });
    const [eu, us] = result.baseline.environments;
    if (eu === undefined || us === undefined || setting?.fedFrom === undefined) throw new Error('parsed baseline incomplete');
    expect(fedParameterIn(setting.fedFrom, eu, 'api')).toEqual({ kind: 'parameter', name: '/production-eu/api/db/url' });
    expect(fedParameterIn(setting.fedFrom, us, 'api')).toEqual({ kind: 'parameter', name: '/production-us/api/db/url' });
  });

  it('accepts a full name under another application’s tree, and a key no workload sets as an env var', () => {
    const result = parse(
      `environments:\n  production-eu: { tier: production, sources: { ssm: [/production-eu/api/, /production-eu/shared/] } }\nsettings:\n  DB_URL:\n    fed_from: { ssm: /production-eu/shared/db-url }\n`,
    );
    expect(result.ok).toBe(true);
  });

  it('refuses, at the line of fed_from, a relative name where an environment has no SSM tree or several that are not the application’s', () => {
    // Act
    const result = parse(
      `environments:\n  production-eu: { tier: production, sources: { ssm: [/production-eu/api/, /production-eu/shared/] } }\n  staging: { tier: staging, sources: { eks: [{ cluster: stg, namespaces: [api] }] } }\nsettings:\n  DB_URL:\n    fed_from: { ssm: db-url }\n`,
    );

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => [issue.code, issue.file, issue.line, issue.path, issue.message])).toEqual([
      [
        'invalid-value',
        'baseline.yaml',
        6,
        'settings.DB_URL.fed_from.ssm',
        'DB_URL: fed_from db-url is relative, and environment production-eu has several SSM trees (/production-eu/api/, /production-eu/shared/)',
      ],
      [
        'invalid-value',
        'baseline.yaml',
        6,
        'settings.DB_URL.fed_from.ssm',
        'DB_URL: fed_from db-url is relative, but environment staging declares no SSM tree to resolve it against',
      ],
    ]);
  });

  it('refuses a full name under none of an environment’s trees: its value would never be read', () => {
    const result = parse(`${ENVIRONMENTS}settings:\n  DB_URL:\n    fed_from: { ssm: /production-eu/api/db-url }\n`);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => [issue.line, issue.message])).toEqual([
      [6, 'DB_URL: fed_from /production-eu/api/db-url is under no SSM tree of environment production-us (/production-us/api/), so its value is never read'],
    ]);
  });

  it('refuses fed_from on a setting of another layer than env, and a name SSM would not accept', () => {
    const layered = parse(`${ENVIRONMENTS}applications:\n  api:\n    settings:\n      POOL: { layer: configmap, fed_from: { ssm: pool } }\n`);
    const malformed = parse(`${ENVIRONMENTS}settings:\n  URL: { fed_from: { ssm: "db url" } }\n`);

    expect([layered.ok, malformed.ok]).toEqual([false, false]);
    expect(layered.issues.map((issue) => [issue.code, issue.line, issue.path, issue.message])).toEqual([
      [
        'conflict',
        7,
        'applications.api.settings.POOL.fed_from.ssm',
        'POOL declares fed_from an SSM parameter but layer configmap; only an env var is fed from a parameter',
      ],
    ]);
    expect(malformed.issues.map((issue) => [issue.code, issue.line, issue.path])).toEqual([['invalid-value', 5, 'settings.URL.fed_from.ssm']]);
  });
});
