import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

interface JsonReport {
  complete: boolean;
  counts: { total: number };
  environments: { name: string }[];
  findings: { id: string; environment: string; severity: string; type: string }[];
}

async function scanDemo(extra: string[], env: NodeJS.ProcessEnv = {}) {
  return runCli(['scan', 'config', '--snapshots', 'config/snapshots', '--now', '2026-11-23T12:00:00Z', ...extra], { env });
}

async function jsonOf(extra: string[]): Promise<JsonReport> {
  return JSON.parse((await scanDemo(['--json', ...extra])).stdout) as JsonReport;
}

describe('CLI: scan --env, --severity and --type', () => {
  it('shows only the environments asked for, with the group findings they belong to', async () => {
    // Act
    const report = await jsonOf(['--env', 'production-eu']);

    // Assess
    expect(report.findings.length).toBeGreaterThan(0);
    for (const finding of report.findings) expect(finding.environment.split('+')).toContain('production-eu');
    expect(report.findings.some((finding) => finding.environment.includes('+'))).toBe(true);
    expect(report.environments.map((env) => env.name)).toEqual(['production-eu', 'production-us+production-eu']);
    expect(report.counts.total).toBe(report.findings.length);
  });

  it('takes --severity as a minimum and --type as a list, repeatable or comma-separated', async () => {
    // Act
    const high = await jsonOf(['--severity', 'high']);
    const repeated = await jsonOf(['--type', 'changed', '--type', 'missing']);
    const commas = await jsonOf(['--type', 'changed,missing']);

    // Assess
    expect(high.findings.length).toBeGreaterThan(0);
    expect(new Set(high.findings.map((finding) => finding.severity))).toEqual(new Set(['critical', 'high']));
    expect(new Set(repeated.findings.map((finding) => finding.type))).toEqual(new Set(['changed', 'missing']));
    expect(commas.findings).toEqual(repeated.findings);
  });

  it('judges the exit code on the findings shown, as kubectl diff -l and terraform plan -target do', async () => {
    // Act: the demo's version drift is medium; the critical is an invalid value in production-us.
    const versionOnly = await scanDemo(['--type', 'version', '--fail-on', 'high']);
    const versionMedium = await scanDemo(['--type', 'version', '--fail-on', 'medium']);
    const stagingHigh = await scanDemo(['--env', 'staging-us', '--severity', 'high']);

    // Assess
    expect(versionOnly.code).toBe(0);
    expect(versionMedium.code).toBe(1);
    expect(stagingHigh.code).toBe(0);
    expect(stagingHigh.stdout).toMatch(/^No drift: 1 environment, \d+ sources read\.$/m);
  });

  it('says the report is filtered and how many findings it leaves out', async () => {
    // Act
    const { stdout } = await scanDemo(['--severity', 'critical']);
    const markdown = (await scanDemo(['--markdown', '--severity', 'critical'])).stdout;

    // Assess
    expect(stdout.split('\n').slice(0, 4).join('\n')).toContain('Showing 1 of 20 findings: severity critical and above.');
    expect(markdown).toContain('Showing 1 of 20 findings: severity critical and above.');
  });

  it('narrows every format the same way', async () => {
    // Act
    const json = await jsonOf(['--env', 'staging-us']);
    const markdown = (await scanDemo(['--markdown', '--env', 'staging-us'])).stdout;
    const terminal = (await scanDemo(['--env', 'staging-us'])).stdout;

    // Assess
    for (const finding of json.findings) {
      expect(markdown).toContain(finding.id.split(':').at(-1));
      expect(terminal).toContain(finding.id.split(':').at(-1));
    }
    expect(markdown).not.toContain('LOG_INCLUDE_SENSITIVE');
    expect(terminal).not.toContain('LOG_INCLUDE_SENSITIVE');
  });

  it('refuses an environment the baseline does not declare, with the closest one', async () => {
    // Act
    const { code, stderr } = await scanDemo(['--env', 'production-ue']);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('--env production-ue is not an environment of the baseline: did you mean production-us?');
  });
});

describe('CLI: scan --compact and the terminal width', () => {
  it('prints one line per key and type, the summary first and the verdict last', async () => {
    // Act
    const { code, stdout } = await scanDemo(['--compact']);
    const lines = stdout.trimEnd().split('\n');

    // Assess
    expect(code).toBe(1);
    expect(lines.findIndex((line) => /^Drift found: 20 findings/.test(line))).toBeLessThan(3);
    expect(lines.at(-1)).toMatch(/^Drift found: 20 findings/);
    expect(stdout).toMatch(/^✖ CRITICAL {2}LOG_INCLUDE_SENSITIVE +invalid +production-us true≠false$/m);
    expect(stdout).toMatch(/^◆ MEDIUM {4}CHECKOUT_ROLLOUT_PERCENT +unmanaged +production-eu 100 · production-us 100$/m);
    expect(lines.length).toBeLessThan(50);
  });

  it('wraps to COLUMNS, and to 100 columns when output is not a terminal', async () => {
    // Act
    const narrow = (await scanDemo(['--compact'], { COLUMNS: '60' })).stdout;
    const piped = (await scanDemo([])).stdout;

    // Assess: only the closing verdict (kept whole for scripts) and unbreakable words may be longer.
    const long = (text: string, width: number) =>
      text
        .trimEnd()
        .split('\n')
        .slice(0, -1)
        .filter((line) => line.length > width && !/\S{40,}/.test(line) && !line.includes('$ '));
    expect(long(narrow, 60)).toEqual([]);
    expect(long(piped, 100)).toEqual([]);
  });
});
