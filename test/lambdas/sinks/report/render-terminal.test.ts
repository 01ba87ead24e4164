import { describe, expect, it } from 'vitest';
import { renderTerminal } from '../../../../lambdas/sinks/report/index.js';
import type { ReportInput } from '../../../../lambdas/sinks/report/index.js';
import { expectGolden } from './golden.js';
import { HOSTILE, hostileRun } from './hostile-fixture.js';
import { FINDINGS, cleanRun, completeRunWithDrift, countsOf, partialRun } from './report-fixture.js';

const ESC = '\u001b';

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? '';
}

describe('Function: renderTerminal', () => {
  it('renders the realistic partial run as in the golden file', () => {
    // Prepare
    const input = partialRun();

    // Act
    const text = renderTerminal(input, { color: false });

    // Assess
    expectGolden('terminal.txt', text);
  });

  it('renders ids, every provenance entry, transitions and sources when verbose, as in the golden file', () => {
    // Prepare
    const input = partialRun({ transitions: true });

    // Act
    const text = renderTerminal(input, { color: false, verbose: true, width: 80 });

    // Assess
    expectGolden('terminal-verbose.txt', text);
  });

  it('never says "no drift" for a partial run, even one without findings, and names the unread source', () => {
    // Prepare
    const withFindings = partialRun();
    const withoutFindings: ReportInput = {
      ...withFindings,
      result: { ...withFindings.result, findings: [], counts: countsOf([]) },
    };

    // Act
    const outputs = [withFindings, withoutFindings].map((input) => renderTerminal(input, { color: false }));

    // Assess
    for (const text of outputs) {
      expect(text).not.toMatch(/no drift/i);
      expect(lastLine(text)).toMatch(/^Incomplete audit: /);
      expect(lastLine(text)).toContain('ssm:eu-west-1:/production-eu/api/');
      expect(lastLine(text)).toContain('keys absent in production-eu are unknown, not missing');
      expect(text).toContain('AccessDenied');
    }
  });

  it('closes a clean complete run with "No drift: N environments, M sources read"', () => {
    // Act
    const text = renderTerminal(cleanRun(), { color: false });

    // Assess
    expect(lastLine(text)).toBe('No drift: 3 environments, 6 sources read.');
    expectGolden('terminal-clean.txt', text);
  });

  it('closes a complete run with drift on the counts, worst severity first', () => {
    // Act
    const text = renderTerminal(completeRunWithDrift(), { color: false });

    // Assess
    expect(lastLine(text)).toBe('Drift found: 7 findings (1 critical, 1 high, 2 medium, 2 low, 1 info) in 3 of 3 environments; 6 sources read.');
    expect(text).not.toMatch(/no drift/i);
  });

  it('shows expected → actual, the provenance with who changed it, and both fixes', () => {
    // Act
    const text = renderTerminal(partialRun(), { color: false, width: 200 });

    // Assess
    expect(text).toContain('expected 10s → actual 60s');
    expect(text).toContain('from ssm /production-us/api/DB_TIMEOUT v7, changed by arn:aws:iam::111111111111:user/bob on 2026-08-14 — outside the pipeline');
    expect(text).toContain('$ aws ssm put-parameter --region us-east-1 --name /production-us/api/DB_TIMEOUT --type String --value 10s --overwrite');
    expect(text).toContain('settings.DB_TIMEOUT.environments.production-us: 60s');
  });

  it('opens with the verdict and the counts by severity, type and environment, worst first', () => {
    // Act
    const text = renderTerminal(completeRunWithDrift(), { color: false });
    const lines = text.split('\n');

    // Assess: the verdict follows the title (wrapped to the width), then the counts, before any finding.
    const opening = text
      .split('\n\n')[0]
      ?.split('\n')
      .slice(1)
      .join('\n')
      .replace(/\n {2}/g, ' ');
    expect(opening).toBe('Drift found: 7 findings (1 critical, 1 high, 2 medium, 2 low, 1 info) in 3 of 3 environments; 6 sources read.');
    const firstFinding = lines.findIndex((line) => /^ {2}[✖▲◆●○] /.test(line));
    const summary = lines.slice(0, firstFinding);
    expect(summary.find((line) => line.trim().startsWith('severity'))).toMatch(/severity\s+1 critical · 1 high · 2 medium · 2 low · 1 info$/);
    expect(summary.some((line) => line.trim().startsWith('type'))).toBe(true);
    const environments = summary.filter((line) => /^ {4}[a-z]+-[a-z]+ /.test(line)).map((line) => line.trim().split(' ')[0]);
    expect(environments).toEqual(['production-us', 'production-eu', 'staging-us']);
  });

  it('lists the findings worst first across environments, each naming its environment', () => {
    // Act
    const text = renderTerminal(completeRunWithDrift(), { color: false });

    // Assess
    const titles = text.split('\n').filter((line) => /^ {2}[✖▲◆●○] /.test(line));
    const severities = titles.map((line) => line.trim().split(/\s+/)[1]);
    expect(severities).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'MEDIUM', 'LOW', 'LOW', 'INFO']);
    for (const title of titles) expect(title).toMatch(/ (production-us|production-eu|staging-us)(\+[a-z-]+)?$/);
  });

  it('wraps prose to the width it is given, and never narrower than 40 columns', () => {
    // Act
    const at60 = renderTerminal(completeRunWithDrift(), { color: false, width: 60 });
    const at10 = renderTerminal(completeRunWithDrift(), { color: false, width: 10 });

    // Assess: prose lines fit; commands and one-line verdicts may not, by design (they stay copyable).
    const prose = (text: string) => text.split('\n').filter((line) => !line.includes('$ ') && !line.startsWith('Drift found') && !/\S{30,}/.test(line));
    for (const line of prose(at60)) expect(line.length, line).toBeLessThanOrEqual(60);
    expect(at10).toBe(renderTerminal(completeRunWithDrift(), { color: false, width: 40 }));
  });

  it('prints [secret] for a secret whatever text the value carries', () => {
    // Prepare
    const base = partialRun();
    const leaky = FINDINGS.map((f) => (f.actual?.secret === true ? { ...f, actual: { text: 'sk_live_CANARY', secret: true } } : f));

    // Act
    const text = renderTerminal({ ...base, result: { ...base.result, findings: leaky } }, { color: false, verbose: true });

    // Assess
    expect(text).toContain('actual [secret]');
    expect(text).not.toContain('sk_live_CANARY');
  });

  it('emits ANSI colour codes only when color is true', () => {
    // Act
    const plain = renderTerminal(partialRun(), { color: false, verbose: true });
    const coloured = renderTerminal(partialRun(), { color: true, verbose: true });

    // Assess
    expect(plain).not.toContain(ESC);
    expect(coloured).toContain(`${ESC}[`);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });

  it('escapes control characters in values so a hostile value cannot drive the terminal', () => {
    // Act
    const text = renderTerminal(hostileRun(), { color: false, width: 300 });

    // Assess
    expect(text).not.toContain(ESC);
    expect(text).toContain('\\u001b[2J');
    expect(text).toContain(HOSTILE.split('\n')[0]);
  });

  it('gives the same bytes whatever order the findings arrive in', () => {
    // Prepare
    const input = partialRun({ transitions: true });
    const shuffled: ReportInput = {
      ...input,
      result: { ...input.result, findings: [...input.result.findings].reverse() },
      sources: [...input.sources].reverse(),
      environments: [...input.environments].reverse(),
    };

    // Act / Assess
    expect(renderTerminal(shuffled, { color: true, verbose: true })).toBe(renderTerminal(input, { color: true, verbose: true }));
  });
});
