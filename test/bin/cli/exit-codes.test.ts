import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

/**
 * Two environments audited from dotenv exports. DB_TIMEOUT drifts at `low` when dev's value is not
 * 10s; leaving prod's export out makes prod unread (a `source-error`, which is `high`), so the
 * thresholds below separate "drift" from "could not look" exactly.
 */
const BASELINE = `
environments:
  dev:
    tier: development
  prod:
    tier: production
settings:
  DB_TIMEOUT: { value: 10s, severity: low }
`;

const workDirs: string[] = [];
afterEach(() => {
  for (const dir of workDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A baseline directory with its exported snapshots; `prod: false` leaves prod's export out. */
function estate(options: { dev: string; prod: boolean }): string {
  const workDir = mkdtempSync(path.join(tmpdir(), 'drift-audit-exit-'));
  workDirs.push(workDir);
  writeFileSync(path.join(workDir, 'baseline.yaml'), BASELINE);
  mkdirSync(path.join(workDir, 'snapshots', 'dev'), { recursive: true });
  writeFileSync(path.join(workDir, 'snapshots', 'dev', 'app.env'), `DB_TIMEOUT=${options.dev}\n`);
  if (options.prod) {
    mkdirSync(path.join(workDir, 'snapshots', 'prod'), { recursive: true });
    writeFileSync(path.join(workDir, 'snapshots', 'prod', 'app.env'), 'DB_TIMEOUT=10s\n');
  }
  return workDir;
}

async function scan(dir: string, ...extra: string[]) {
  return runCli(['scan', dir, ...extra]);
}

describe('CLI: scan exit codes a CI gate can trust', () => {
  it('exits as documented: 0 clean, 1 drift at or above --fail-on, 2 usage or baseline error, 3 incomplete', async () => {
    // Prepare
    const clean = estate({ dev: '10s', prod: true });
    const drifted = estate({ dev: '30s', prod: true });
    const broken = estate({ dev: '10s', prod: true });
    writeFileSync(path.join(broken, 'broken.yaml'), 'settings:\n  X: { valeu: 1 }\n');
    const unread = estate({ dev: '10s', prod: false });

    // Act
    const codes = {
      clean: (await scan(clean)).code,
      drift: (await scan(drifted)).code,
      driftBelowFailOn: (await scan(drifted, '--fail-on', 'medium')).code,
      badBaseline: (await scan(broken)).code,
      badFlag: (await scan(clean, '--fail-on', 'urgent')).code,
      incomplete: (await scan(unread)).code,
    };

    // Assess
    expect(codes).toEqual({ clean: 0, drift: 1, driftBelowFailOn: 0, badBaseline: 2, badFlag: 2, incomplete: 3 });
  });

  it('exits 3 for an incomplete audit whatever --fail-on says, and says why on stderr', async () => {
    // Prepare: dev is clean; prod was never exported.
    const dir = estate({ dev: '10s', prod: false });

    // Act
    const byDefault = await scan(dir);
    const critical = await scan(dir, '--fail-on', 'critical');

    // Assess
    expect(byDefault.code).toBe(3);
    expect(critical.code).toBe(3);
    expect(critical.stderr).toContain('incomplete audit, exit 3: 1 of 2 sources could not be read (file:prod/)');
    expect(critical.stderr).toContain('--allow-partial');
    const summary = critical.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(summary).toMatch(/^Incomplete audit: 1 finding \(1 high\) in the sources that were read; 1 of 2 sources could not be read/);
    expect(critical.stdout).not.toMatch(/no drift/i);
  });

  it('exits 3 rather than 1 when an incomplete audit also found drift', async () => {
    // Act
    const run = await scan(estate({ dev: '30s', prod: false }));

    // Assess
    expect(run.code).toBe(3);
  });

  it('with --allow-partial judges what was read, never counting the source-error as drift', async () => {
    // Prepare
    const clean = estate({ dev: '10s', prod: false });
    const drifted = estate({ dev: '30s', prod: false });

    // Act: in the clean estate the only finding is prod's high source-error.
    const cleanRun = await scan(clean, '--allow-partial', '--json');
    const lowDrift = await scan(drifted, '--allow-partial');
    const aboveDrift = await scan(drifted, '--allow-partial', '--fail-on', 'medium');

    // Assess
    const report = JSON.parse(cleanRun.stdout) as { findings: { type: string; severity: string }[] };
    expect(report.findings.map((finding) => [finding.type, finding.severity])).toEqual([['source-error', 'high']]);
    expect(cleanRun.code).toBe(0);
    expect(cleanRun.stderr).toContain('partial audit allowed (--allow-partial): 1 of 2 sources could not be read (file:prod/)');
    expect(lowDrift.code).toBe(1);
    expect(aboveDrift.code).toBe(0);
  });
});

describe('CLI: reports say whether the audit is complete, first', () => {
  it('puts complete first in the JSON report: false when a source was unread, true otherwise', async () => {
    // Act
    const partial = JSON.parse((await scan(estate({ dev: '10s', prod: false }), '--json')).stdout) as Record<string, unknown>;
    const complete = JSON.parse((await scan(estate({ dev: '10s', prod: true }), '--json')).stdout) as Record<string, unknown>;

    // Assess
    expect(Object.entries(partial)[0]).toEqual(['complete', false]);
    expect(partial.status).toBe('partial');
    expect(Object.entries(complete)[0]).toEqual(['complete', true]);
  });

  it('says complete: false on the Markdown line right under the title', async () => {
    // Act
    const partial = (await scan(estate({ dev: '10s', prod: false }), '--markdown')).stdout.split('\n');
    const complete = (await scan(estate({ dev: '10s', prod: true }), '--markdown')).stdout.split('\n');

    // Assess
    expect(partial[0]).toMatch(/^## drift-audit: /);
    expect(partial.slice(1, 3)).toEqual(['', '**complete: false** · 1 of 2 sources could not be read']);
    expect(complete.slice(1, 3)).toEqual(['', '**complete: true** · every source read']);
  });
});

describe('CLI: --help documents the exit codes of each command', () => {
  it.each([
    [
      ['scan', '--help'],
      ['1  drift at or above --fail-on', '3  incomplete audit', 'source-error findings (an unread source) are not drift'],
    ],
    [
      ['snapshot', '--help'],
      ['--allow-partial', '3  a source could not be read'],
    ],
    [['explain', '--help'], ['2  usage, baseline or input error, an unknown environment, or a key that is neither']],
    [
      ['history', '--help'],
      ['Usage: drift-audit history', '2  usage, baseline or input error'],
    ],
    [
      ['baseline', 'validate', '--help'],
      ['drift-audit baseline validate', '2  usage, baseline or input error'],
    ],
    [
      ['init', '--help'],
      ['--allow-partial', '3  a source could not be read: the baseline is written from what was read'],
    ],
    [['--help'], ['3  incomplete audit: a source could not be read (scan, snapshot, init; not with --allow-partial)']],
  ])('%j exits 0 and lists its codes', async (argv, expected) => {
    // Act
    const run = await runCli(argv);

    // Assess
    expect(run.code, run.stderr).toBe(0);
    for (const text of expected) expect(run.stdout).toContain(text);
  });
});
