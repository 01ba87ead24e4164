import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';

describe('Package bin: dist/drift-audit.mjs', () => {
  beforeAll(() => {
    // The same build `npm install` runs (prepare), so the test checks what users get.
    const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
  });

  it('runs as a process and exits 1 on drift, as a CI gate needs', () => {
    // Act
    const result = spawnSync(
      process.execPath,
      ['dist/drift-audit.mjs', 'scan', 'config', '--snapshots', 'config/snapshots', '--json', '--now', '2026-11-23T12:00:00Z'],
      {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      },
    );

    // Assess
    expect(result.status).toBe(1);
    expect((JSON.parse(result.stdout) as { findings: unknown[] }).findings).toHaveLength(20);
  });

  it('prints its version and help', () => {
    // Act
    const version = spawnSync(process.execPath, ['dist/drift-audit.mjs', '--version'], { encoding: 'utf8' });
    const help = spawnSync(process.execPath, ['dist/drift-audit.mjs', '--help'], { encoding: 'utf8' });

    // Assess
    expect(version.stdout.trim()).toBe('0.1.0');
    expect(help.stdout).toContain('Usage: drift-audit [options] [command]');
    expect(help.stdout).toMatch(/^ {2}scan \[options\] \[BASELINE_DIR\]/m);
    expect(help.status).toBe(0);
  });
});
