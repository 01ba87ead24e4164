import { describe, expect, it } from 'vitest';
import { analyse } from '../../../../lambdas/engine/analyse/analyse.js';
import { revertFix } from '../../../../lambdas/engine/analyse/revert-fix.js';
import { shellQuote, shellWord } from '../../../../lambdas/engine/analyse/shell-quote.js';
import type { Finding } from '../../../../lambdas/engine/model.js';
import { baseline, configMapValue, envVar, environment, fileValue, setting, snapshot, ssmValue } from './builders.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const prod = environment('prod', 'production', { region: 'eu-west-1' });

function onlyFinding(findings: readonly Finding[]): Finding {
  expect(findings).toHaveLength(1);
  return findings[0] as Finding;
}

describe('Function: shellQuote', () => {
  it('single-quotes so nothing inside is expanded, escaping embedded quotes', () => {
    expect(shellQuote(`it's $(rm -rf /) \`x\``)).toBe(`'it'\\''s $(rm -rf /) \`x\`'`);
  });
});

describe('Function: shellWord', () => {
  it('leaves Kubernetes-style names bare and quotes anything else', () => {
    expect(shellWord('deployment/api-server')).toBe('deployment/api-server');
    expect(shellWord('api;reboot')).toBe(`'api;reboot'`);
    expect(shellWord('-n')).toBe(`'-n'`);
  });
});

describe('Function: revertFix', () => {
  it('builds an SSM put-parameter with the parameter’s type and the environment’s region', () => {
    // Act
    const fix = revertFix(
      { kind: 'ssm-parameter', name: '/p/x', type: 'String' },
      { kind: 'set', value: '10s' },
      {
        key: 'X',
        environment: prod,
        secret: false,
      },
    );

    // Assess
    expect(fix.command).toBe(`aws ssm put-parameter --name '/p/x' --value '10s' --type String --overwrite --region eu-west-1`);
  });

  it('keeps a value starting with a dash from being read as an option', () => {
    const fix = revertFix(
      { kind: 'ssm-parameter', name: '/p/x', type: 'String' },
      { kind: 'set', value: '-1' },
      {
        key: 'X',
        environment: prod,
        secret: false,
      },
    );
    expect(fix.command).toBe(`aws ssm put-parameter --name '/p/x' --value='-1' --type String --overwrite --region eu-west-1`);
  });

  it('never puts a secret’s value in a command: the summary says to restore it from the secret store', () => {
    // Act
    const fix = revertFix(
      { kind: 'workload-env', namespace: 'api', workload: 'deployment/api', container: 'app', variable: 'DB_PASSWORD' },
      { kind: 'set', value: 'hunter2' },
      {
        key: 'DB_PASSWORD',
        environment: prod,
        secret: true,
      },
    );

    // Assess
    expect(fix.command).toBeUndefined();
    expect(fix.summary).toContain('secret store');
    expect(JSON.stringify(fix)).not.toContain('hunter2');
  });

  it('describes a file-held value as an edit of that file at that path', () => {
    const fix = revertFix(
      { kind: 'file-key', file: 'config/production.yml', path: 'database.pool_size' },
      { kind: 'set', value: '20' },
      {
        key: 'database.pool_size',
        environment: prod,
        secret: false,
      },
    );
    expect(fix).toEqual({ summary: 'Edit config/production.yml for prod: set database.pool_size to 20, then redeploy' });
  });
});

describe('Function: analyse (fixes)', () => {
  it('reverts a changed ConfigMap key with a merge patch whose JSON survives the shell', () => {
    // Prepare
    const base = baseline({ environments: [prod], settings: [setting('GREETING', { value: `it's "on"` })] });

    // Act
    const finding = onlyFinding(analyse({ baseline: base, snapshots: [snapshot('prod', [configMapValue('GREETING', 'off')])], now: NOW }).findings);

    // Assess
    expect(finding.fixes.revert?.command).toBe(`kubectl -n api patch configmap api-config --type merge -p '{"data":{"GREETING":"it'\\''s \\"on\\""}}'`);
  });

  it('reverts a value held in an app config file with a sentence, not a command', () => {
    const base = baseline({ environments: [prod], settings: [setting('database.pool_size', { value: '20' })] });
    const finding = onlyFinding(
      analyse({ baseline: base, snapshots: [snapshot('prod', [fileValue('database.pool_size', '10', 'config/prod.yml')])], now: NOW }).findings,
    );
    expect(finding.fixes.revert).toEqual({ summary: 'Edit config/prod.yml for prod: set database.pool_size to 20, then redeploy' });
  });

  it('accepts into the file that declares the setting when the baseline says which one it is', () => {
    // Prepare
    const base = baseline({
      environments: [prod],
      settings: [setting('A', { value: '1', location: { file: 'settings/a.yaml', line: 3, column: 3 } })],
    });

    // Act
    const finding = onlyFinding(analyse({ baseline: base, snapshots: [snapshot('prod', [envVar('A', '2')])], now: NOW }).findings);

    // Assess
    expect(finding.fixes.accept?.baselineEdit).toEqual({
      path: ['settings', 'A', 'environments', 'prod'],
      value: '2',
      op: 'set',
      file: 'settings/a.yaml',
    });
  });

  it('places a missing key under the first SSM prefix of the environment by default, in that source’s region', () => {
    // Prepare
    const env = environment('prod', 'production', {
      region: 'eu-west-1',
      sources: [
        { kind: 'eks', cluster: 'prod', namespaces: ['api'], workloads: [] },
        { kind: 'ssm', path: '/shared/', keyStyle: 'relative', region: 'eu-central-1' },
        { kind: 'ssm', path: '/prod/api/', keyStyle: 'relative' },
      ],
    });
    const base = baseline({ environments: [env], settings: [setting('feature/x', { value: 'on' })] });

    // Act
    const finding = onlyFinding(analyse({ baseline: base, snapshots: [snapshot('prod', [])], now: NOW }).findings);

    // Assess
    expect(finding.fixes.revert?.command).toBe(`aws ssm put-parameter --name '/shared/feature/x' --value 'on' --type String --overwrite --region eu-central-1`);
  });

  it('gives an unmanaged key a revert per place and an SSM delete in the parameter’s own region', () => {
    const base = baseline({ environments: [prod] });
    const finding = onlyFinding(
      analyse({ baseline: base, snapshots: [snapshot('prod', [ssmValue('prod', 'OLD', 'x', { region: 'ap-south-1' })])], now: NOW }).findings,
    );
    expect(finding.fixes.revert?.command).toBe(`aws ssm delete-parameter --name '/prod/api/OLD' --region ap-south-1`);
  });
});
