import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

const NOW = ['--now', '2026-11-23T12:00:00Z'];

describe('CLI: drift-audit explain', () => {
  it('shows every source of a key, the precedence and the effective value (the four-source pool size)', async () => {
    // Act
    const { code, stdout } = await runCli(['explain', 'DATABASE_POOL_SIZE', '--env', 'production-us', 'config', '--snapshots', 'config/snapshots', ...NOW]);

    // Assess
    expect(code).toBe(0);
    for (const value of ['25', '15', '10', '20']) expect(stdout).toContain(value);
    expect(stdout).toMatch(/ssm/);
    expect(stdout).toMatch(/configmap/);
    expect(stdout.indexOf('25')).toBeLessThan(stdout.indexOf('15'));
  });

  it('answers in JSON for scripts', async () => {
    // Act
    const { stdout } = await runCli(['explain', 'DB_TIMEOUT', '--env', 'production-us', '--snapshots', 'config/snapshots', '--json', ...NOW]);

    // Assess
    const explanation = JSON.parse(stdout) as { effective?: { text: string }; findings: { id: string }[] };
    expect(explanation.effective?.text).toBe('60s');
    expect(explanation.findings.map((finding) => finding.id)).toEqual(['changed:production-us:api:DB_TIMEOUT']);
  });

  it('answers "does the running process have the new value?": the pods that started before the Stripe key rotated, and the stale finding', async () => {
    // Act
    const { code, stdout } = await runCli([
      'explain',
      'STRIPE_API_KEY',
      '--env',
      'production-us',
      'config',
      '--snapshots',
      'config/snapshots',
      '--json',
      ...NOW,
    ]);

    // Assess: nine pods started before the parameter changed on 2026-11-18; the tenth restarted since.
    expect(code).toBe(0);
    const explanation = JSON.parse(stdout) as {
      pods: { name: string; readFrom?: string; sourceChangedAt?: string; restartNeeded: boolean }[];
      findings: { type: string; fixes: { revert?: { command?: string } } }[];
    };
    expect(explanation.pods).toHaveLength(10);
    expect(explanation.pods.filter((pod) => pod.restartNeeded)).toHaveLength(9);
    for (const pod of explanation.pods) expect(pod.readFrom).toBe('ssm /production-us/api/stripe/api_key via externalsecret/api-stripe');
    const stale = explanation.findings.filter((finding) => finding.type === 'stale');
    expect(stale).toHaveLength(1);
    expect(stale[0]?.fixes.revert?.command).toBe('kubectl -n api rollout restart deployment/api-server');
    expect(stdout).not.toMatch(/sk_live_/);
  });

  it('names the known environments when given an unknown one', async () => {
    // Act
    const { code, stderr } = await runCli(['explain', 'DB_TIMEOUT', '--env', 'prod-us', '--snapshots', 'config/snapshots', ...NOW]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('unknown environment prod-us (expected one of staging-us, production-us, production-eu)');
  });

  it('refuses a key that is neither declared nor seen anywhere, exit 2, naming the closest known key', async () => {
    // Act
    const { code, stdout, stderr } = await runCli(['explain', 'DB_TIMOUT', '--env', 'production-us', '--snapshots', 'config/snapshots', ...NOW]);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown key DB_TIMOUT: neither declared in the baseline nor held by any source');
    expect(stderr).toContain('did you mean DB_TIMEOUT?');
  });

  it('refuses an application that is neither declared nor running, exit 2, naming the closest one', async () => {
    const { code, stdout, stderr } = await runCli([
      'explain',
      'DB_TIMEOUT',
      '--env',
      'production-us',
      '--app',
      'apj',
      '--snapshots',
      'config/snapshots',
      ...NOW,
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown application apj');
    expect(stderr).toContain('did you mean api?');
  });

  it('suggests keys the sources hold even when the baseline does not declare them', async () => {
    // Act: ENABLE_NEW_CHECKOUT is live in production but declared nowhere.
    const { code, stderr } = await runCli(['explain', 'ENABLE_NEW_CHECKOT', '--env', 'production-eu', '--snapshots', 'config/snapshots', ...NOW]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('did you mean ENABLE_NEW_CHECKOUT?');
  });

  it('still explains a declared key that no source holds: the application falls back to its default', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'drift-audit-explain-'));
    writeFileSync(
      path.join(dir, 'baseline.yaml'),
      'environments:\n  dev:\n    tier: development\nsettings:\n  FEATURE_FLAG: { value: "off", required: false }\n',
    );
    mkdirSync(path.join(dir, 'snapshots', 'dev'), { recursive: true });
    writeFileSync(path.join(dir, 'snapshots', 'dev', 'app.env'), 'OTHER=1\n');

    // Act
    const { code, stdout } = await runCli(['explain', 'FEATURE_FLAG', '--env', 'dev', dir, '--json']);
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(code).toBe(0);
    const explanation = JSON.parse(stdout) as { setting: { declared: boolean }; observations: unknown[]; effective?: unknown; complete: boolean };
    expect(explanation.setting.declared).toBe(true);
    expect(explanation.observations).toEqual([]);
    expect(explanation.effective).toBeUndefined();
    expect(explanation.complete).toBe(true);
  });
});

describe('CLI: drift-audit baseline', () => {
  let workDir: string | undefined;
  afterEach(() => {
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
    workDir = undefined;
  });

  function copyOfDemo(): string {
    workDir = mkdtempSync(path.join(tmpdir(), 'drift-audit-cli-'));
    cpSync('config', path.join(workDir, 'config'), { recursive: true });
    return workDir;
  }

  it('validates the demo baseline and lists expired exceptions', async () => {
    // Act
    const { code, stdout } = await runCli(['baseline', 'validate', 'config', ...NOW]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('is valid: 3 environments');
    expect(stdout).toContain('expired: exception for LOG_LEVEL in production-us ended 2026-09-10');
  });

  it('reports every problem of a broken baseline with file, line and column, exit 2', async () => {
    // Prepare
    const dir = copyOfDemo();
    const settings = path.join(dir, 'config', 'settings.yaml');
    writeFileSync(
      settings,
      readFileSync(settings, 'utf8').replace('    type: duration', '    typ: duration').replace('severity: critical', 'severity: urgent'),
    );

    // Act
    const { code, stderr } = await runCli(['baseline', 'validate', 'config'], { cwd: dir });

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(/settings\.yaml:\d+:\d+ settings\.DB_TIMEOUT\.typ: .*did you mean "type"/);
    expect(stderr).toMatch(/settings\.yaml:\d+:\d+ settings\.LOG_INCLUDE_SENSITIVE\.severity: .*critical/);
  });

  it('accepts a finding into the baseline in place, keeping comments, and the drift is gone', async () => {
    // Prepare
    const dir = copyOfDemo();
    const settings = path.join(dir, 'config', 'settings.yaml');

    // Act
    const accepted = await runCli(['baseline', 'accept', 'changed:production-us:api:DB_TIMEOUT', 'config', ...NOW], { cwd: dir });
    const rescan = await runCli(['scan', 'config', '--json', ...NOW], { cwd: dir });

    // Assess
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('accepted changed:production-us:api:DB_TIMEOUT');
    const text = readFileSync(settings, 'utf8');
    expect(text).toContain('# Seed 000: raised to 60s in production during an incident');
    expect(text).toMatch(/production-us: 60s/);
    const ids = (JSON.parse(rescan.stdout) as { findings: { id: string }[] }).findings.map((finding) => finding.id);
    expect(ids).not.toContain('changed:production-us:api:DB_TIMEOUT');
    expect(ids).toContain('changed:production-us:api:API_TIMEOUT');
  });

  it('refuses to accept what cannot be accepted, and suggests the closest id for a typo', async () => {
    // Prepare
    const dir = copyOfDemo();

    // Act
    const invalid = await runCli(['baseline', 'accept', 'invalid:production-us:api:LOG_INCLUDE_SENSITIVE', 'config', ...NOW], { cwd: dir });
    const typo = await runCli(['baseline', 'accept', 'changed:production-us:api:DB_TIMEOUTT', 'config', ...NOW], { cwd: dir });

    // Assess
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toContain('invalid:production-us:api:LOG_INCLUDE_SENSITIVE');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean changed:production-us:api:DB_TIMEOUT?');
  });
});

describe('CLI: drift-audit baseline validate warnings', () => {
  it('warns, without failing, about a secret-looking setting whose value would never be compared', async () => {
    // Prepare
    const dir = mkdtempSync(path.join(tmpdir(), 'drift-audit-warn-'));
    writeFileSync(path.join(dir, 'baseline.yaml'), 'environments:\n  prod:\n    tier: production\nsettings:\n  TOKEN_TTL:\n    value: 3600\n');

    // Act
    const { code, stdout } = await runCli(['baseline', 'validate', dir]);
    rmSync(dir, { recursive: true, force: true });

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/warning: .*baseline\.yaml:\d+:\d+.*TOKEN_TTL/);
    expect(stdout).not.toContain('3600');
  });
});
